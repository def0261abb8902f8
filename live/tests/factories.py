"""Small factories for live-show tests."""

import itertools
from datetime import timedelta

from django.utils import timezone

from live.models import Show, ShowProduct
from shop.models import User
from shop.tests.factories import make_product

_seq = itertools.count(1)


def make_user(**fields) -> User:
    n = next(_seq)
    fields.setdefault("email", f"viewer{n}@example.com")
    return User.objects.create_user(password="pw-for-tests-only", **fields)


def make_host(**fields) -> User:
    return make_user(is_host=True, **fields)


def make_show(*, host: User | None = None, products=(), **fields) -> Show:
    """A scheduled show starting in an hour, featuring the given products in order."""
    fields.setdefault("title", "Spring jackets live")
    fields.setdefault("language", "en")
    fields.setdefault("scheduled_start", timezone.now() + timedelta(hours=1))
    show = Show.objects.create(host=host or make_host(), **fields)
    for position, product in enumerate(products):
        ShowProduct.objects.create(show=show, product=product, position=position)
    return show


def make_featured_product(*, show: Show, **fields):
    product = make_product(**fields)
    ShowProduct.objects.create(
        show=show, product=product, position=show.featured.count()
    )
    return product
