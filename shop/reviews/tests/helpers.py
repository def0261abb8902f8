"""Reviews, buyers and page helpers for the review tests."""

import itertools
import re

from shop.models import OrderStatus, Product, Review, ReviewStatus, User
from shop.tests.commerce_helpers import bought

_seq = itertools.count(1)

GERMAN_REVIEW = (
    "Die Jacke ist warm und wasserdicht, die Nähte sind sauber verarbeitet. "
    "Ich würde sie wieder kaufen."
)
ENGLISH_NEGATIVE = (
    "Terrible quality, it broke after two days and support never replied."
)


def _user(email: str | None = None, **fields) -> User:
    return User.objects.create(
        email=email or f"shopper{next(_seq)}@example.com", **fields
    )


def _buyer(product: Product, status: str = OrderStatus.PAID) -> User:
    user = _user()
    variant = product.variants.first()
    assert variant is not None
    bought(user=user, variant=variant, status=status)
    return user


def _review(product: Product, *, status=ReviewStatus.APPROVED, **fields) -> Review:
    values = {"rating": 4, "text": "Good jacket, keeps the rain out.", **fields}
    return Review.objects.create(product=product, user=_user(), status=status, **values)


def _html(response) -> str:
    return response.content.decode()


def _text(html: str) -> str:
    """The page's text with tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
