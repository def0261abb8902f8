import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from shop.models import (
    OrderLine,
    OrderStatus,
    Review,
    ReviewStatus,
    SentimentLabel,
    Variant,
)
from shop.reviews.services import ReviewBlock, review_submit
from shop.reviews.tests.helpers import ENGLISH_NEGATIVE, GERMAN_REVIEW, _buyer, _user
from shop.tests.commerce_helpers import bought
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


# --- Submitting -----------------------------------------------------------------------


def test_review_submit_stores_a_pending_review_in_the_detected_language(product):
    buyer = _buyer(product)

    review = review_submit(
        user=buyer, product=product, rating=5, title="Sehr gut", text=GERMAN_REVIEW
    )

    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING
    assert review.language == "de"
    assert review.rating == 5
    assert review.title == "Sehr gut"
    assert review.text == GERMAN_REVIEW
    assert review.order_line == OrderLine.objects.get(order__user=buyer)
    assert review.sentiment_label == ""
    assert review.scored_at is None


def test_review_submit_scores_the_review_only_once_the_transaction_commits(
    product, eager_celery, django_capture_on_commit_callbacks
):
    buyer = _buyer(product)

    with django_capture_on_commit_callbacks() as callbacks:
        review = review_submit(
            user=buyer, product=product, rating=1, title="", text=ENGLISH_NEGATIVE
        )
    review.refresh_from_db()
    assert review.scored_at is None
    assert len(callbacks) == 1

    callbacks[0]()

    review.refresh_from_db()
    assert review.language == "en"
    assert review.sentiment_label == SentimentLabel.NEGATIVE
    assert review.sentiment_score < 0
    assert review.scored_at is not None


@pytest.mark.parametrize(
    "status",
    [
        OrderStatus.PAID,
        OrderStatus.PROCESSING,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    ],
)
def test_review_submit_accepts_a_buyer_whose_order_is(product, status):
    buyer = _buyer(product, status=status)

    review = review_submit(
        user=buyer, product=product, rating=4, title="", text=ENGLISH_NEGATIVE
    )

    assert Review.objects.get() == review


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, OrderStatus.REFUNDED],
)
def test_review_submit_refuses_a_shopper_whose_order_is(product, status):
    shopper = _buyer(product, status=status)

    with pytest.raises(ValidationError) as raised:
        review_submit(
            user=shopper, product=product, rating=4, title="", text=ENGLISH_NEGATIVE
        )

    assert raised.value.code == ReviewBlock.NOT_PURCHASED
    assert not Review.objects.exists()


def test_review_submit_accepts_a_buyer_of_another_variant_of_the_product(product):
    other = Variant.objects.create(product=product, sku="JACKET-XL", stock=3)
    buyer = _user()
    line = bought(user=buyer, variant=other)

    review = review_submit(
        user=buyer, product=product, rating=3, title="", text=ENGLISH_NEGATIVE
    )

    assert review.order_line == line


def test_review_submit_refuses_a_buyer_of_another_product(product):
    other = make_product(name="Umbrella", prices={"US": "20.00"})
    buyer = _buyer(other)

    with pytest.raises(ValidationError) as raised:
        review_submit(
            user=buyer, product=product, rating=3, title="", text=ENGLISH_NEGATIVE
        )

    assert raised.value.code == ReviewBlock.NOT_PURCHASED


def test_review_submit_refuses_a_second_review_of_the_same_product(product):
    buyer = _buyer(product)
    bought(user=buyer, variant=product.variants.first())
    review_submit(user=buyer, product=product, rating=3, title="", text=GERMAN_REVIEW)

    with pytest.raises(ValidationError) as raised:
        review_submit(
            user=buyer, product=product, rating=1, title="", text=ENGLISH_NEGATIVE
        )

    assert raised.value.code == ReviewBlock.ALREADY_REVIEWED
    assert Review.objects.count() == 1


def test_review_submit_refuses_a_visitor_who_is_not_signed_in(product):
    with pytest.raises(ValidationError) as raised:
        review_submit(
            user=AnonymousUser(),
            product=product,
            rating=3,
            title="",
            text=ENGLISH_NEGATIVE,
        )

    assert raised.value.code == ReviewBlock.SIGN_IN


@pytest.mark.parametrize(
    ("rating", "title", "text", "field"),
    [
        (0, "", ENGLISH_NEGATIVE, "rating"),
        (6, "", ENGLISH_NEGATIVE, "rating"),
        (True, "", ENGLISH_NEGATIVE, "rating"),
        (4, "t" * 121, ENGLISH_NEGATIVE, "title"),
        (4, "", "Too short", "text"),
        (4, "", "   short    ", "text"),
        (4, "", "x" * 4001, "text"),
    ],
)
def test_review_submit_rejects_input_outside_the_limits(
    product, rating, title, text, field
):
    buyer = _buyer(product)

    with pytest.raises(ValidationError) as raised:
        review_submit(
            user=buyer, product=product, rating=rating, title=title, text=text
        )

    assert list(raised.value.message_dict) == [field]
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("rating", "title", "text"),
    [(1, "t" * 120, "x" * 10), (5, "", "x" * 4000)],
)
def test_review_submit_accepts_input_at_the_limits(product, rating, title, text):
    buyer = _buyer(product)

    review = review_submit(
        user=buyer, product=product, rating=rating, title=title, text=text
    )

    assert (review.rating, len(review.title), len(review.text)) == (
        rating,
        len(title),
        len(text),
    )
