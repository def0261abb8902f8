import itertools
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from shop.models import (
    OrderStatus,
    Product,
    Review,
    ReviewStatus,
    SentimentAlert,
    SentimentLabel,
    User,
)
from shop.reviews.sentiment import sentiment_score
from shop.reviews.services import review_submit, sentiment_burst_check
from shop.reviews.tasks import review_sentiment_score, reviews_unscored_score
from shop.tests.commerce_helpers import bought
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db

LABELLED_PATH = Path(__file__).parent / "data" / "reviews_labelled.json"
NEGATIVE = "Terrible quality, it broke after two days and support never replied."
NEGATIVE_TEXTS = (
    NEGATIVE,
    "The zip tore on the first day and the seller ignores my emails.",
    "Cheap material, the seams leak and the hood does not fit at all.",
    "Awful. It smelled of chemicals and fell apart after one wash.",
)
POSITIVE = "Wonderful jacket, warm and light, and it arrived two days early."

_seq = itertools.count(1)


@pytest.fixture
def eager_celery(settings):
    """Tasks run in the test's process, as in the embedded default."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def product() -> Product:
    return make_product(name="Rain jacket", prices={"US": "99.00"})


@pytest.fixture
def staff_inbox(settings):
    settings.STAFF_ALERT_EMAILS = ["alerts@tradewind.test"]
    settings.REVIEW_BURST_NEGATIVE_COUNT = 3
    settings.REVIEW_BURST_WINDOW_MINUTES = 60
    return settings.STAFF_ALERT_EMAILS


def _user(**fields) -> User:
    fields.setdefault("email", f"reviewer{next(_seq)}@example.com")
    return User.objects.create(**fields)


def _review(product: Product, text: str, *, minutes_ago: float = 1, **fields):
    """An unscored review written `minutes_ago` minutes ago."""
    values = {
        "rating": 2,
        "language": "en",
        "status": ReviewStatus.PENDING,
        "created_at": timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    }
    return Review.objects.create(product=product, user=_user(), text=text, **values)


def _scored_review(product: Product, text: str, **fields) -> Review:
    review = _review(product, text, **fields)
    review_sentiment_score(review.pk)
    review.refresh_from_db()
    return review


def _labelled_reviews(language: str) -> list[dict[str, str]]:
    reviews = json.loads(LABELLED_PATH.read_text(encoding="utf-8"))
    return [review for review in reviews if review["language"] == language]


# --- Scoring --------------------------------------------------------------------------


@pytest.mark.parametrize("language", django_settings.SHOPPER_LANGUAGES)
def test_scoring_task_labels_labelled_reviews_right_in(language, product, staff_inbox):
    labelled = _labelled_reviews(language)
    reviews = [
        _review(product, item["text"], language=language, minutes_ago=600)
        for item in labelled
    ]

    for review in reviews:
        review_sentiment_score(review.pk)

    stored = {review.text: review for review in Review.objects.filter(product=product)}
    polar = [item for item in labelled if item["label"] != SentimentLabel.NEUTRAL]
    wrong = [
        item["text"]
        for item in polar
        if stored[item["text"]].sentiment_label != item["label"]
    ]
    assert len(polar) == 20
    assert len(wrong) <= len(polar) * 0.2, wrong
    for item in labelled:
        review = stored[item["text"]]
        expected = sentiment_score(text=item["text"], language=language)
        assert (review.sentiment_label, review.sentiment_score) == (
            expected.label,
            expected.score,
        )
        assert review.scored_at is not None


def test_scoring_task_scores_in_the_reviews_own_language(product):
    # Indonesian shorthand: "gk" is "tidak" (not); without the language it reads
    # as praise of the quality.
    text = "kualitas gk sesuai harga"
    assert sentiment_score(text=text, language="").label == SentimentLabel.POSITIVE

    review = _scored_review(product, text, language="id")

    assert review.sentiment_label == SentimentLabel.NEGATIVE


def test_scoring_task_ignores_a_review_deleted_before_it_ran(product):
    review = _review(product, NEGATIVE)
    review_id = review.pk
    review.delete()

    review_sentiment_score(review_id)

    assert not SentimentAlert.objects.exists()


def test_periodic_task_scores_reviews_whose_scoring_never_ran(product):
    stuck = _review(product, NEGATIVE, minutes_ago=30)
    fresh = _review(product, POSITIVE, minutes_ago=1)

    reviews_unscored_score()

    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.sentiment_label == SentimentLabel.NEGATIVE
    assert fresh.scored_at is None  # its own task is still due


def test_review_sentiment_is_scheduled_in_the_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["reviews-unscored-score"]

    assert entry["task"] == "shop.reviews.tasks.reviews_unscored_score"


# --- Bursts of negative reviews -------------------------------------------------------


def test_third_negative_review_within_the_window_raises_one_alert(
    product, staff_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for text in NEGATIVE_TEXTS[:2]:
            _scored_review(product, text)
    assert not SentimentAlert.objects.exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        third = _scored_review(product, NEGATIVE_TEXTS[2])

    assert third.sentiment_label == SentimentLabel.NEGATIVE
    alert = SentimentAlert.objects.get()
    assert (alert.product, alert.negative_count, alert.window_minutes) == (
        product,
        3,
        60,
    )
    assert alert.acknowledged_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == staff_inbox
    assert message.subject == "Negative reviews piling up: Rain jacket"
    assert "3 negative reviews of “Rain jacket” arrived within 60 minutes." in (
        message.body
    )
    assert f"/admin/shop/sentimentalert/{alert.pk}/change/" in message.body


def test_burst_alert_is_not_raised_twice_for_the_same_burst(
    product, staff_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for text in NEGATIVE_TEXTS:
            _scored_review(product, text)
        sentiment_burst_check(product_id=product.pk)

    assert SentimentAlert.objects.count() == 1
    assert len(mail.outbox) == 1


def test_burst_alert_is_not_raised_for_positive_reviews(
    product, staff_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            review = _scored_review(product, POSITIVE)

    assert review.sentiment_label == SentimentLabel.POSITIVE
    assert not SentimentAlert.objects.exists()
    assert mail.outbox == []


def test_negative_reviews_older_than_the_window_do_not_count(product, staff_inbox):
    for text in NEGATIVE_TEXTS[:2]:
        _scored_review(product, text, minutes_ago=61)

    _scored_review(product, NEGATIVE_TEXTS[2], minutes_ago=1)

    assert not SentimentAlert.objects.exists()


def test_negative_reviews_of_other_products_do_not_count(product, staff_inbox):
    other = make_product(name="Umbrella")
    for text in NEGATIVE_TEXTS[:2]:
        _scored_review(other, text)

    _scored_review(product, NEGATIVE_TEXTS[2])

    assert not SentimentAlert.objects.exists()


def test_rejected_reviews_do_not_count_towards_a_burst(product, staff_inbox):
    _scored_review(product, NEGATIVE_TEXTS[0], status=ReviewStatus.REJECTED)
    _scored_review(product, NEGATIVE_TEXTS[1])

    _scored_review(product, NEGATIVE_TEXTS[2])

    assert not SentimentAlert.objects.exists()


def test_burst_threshold_and_window_come_from_settings(product, staff_inbox, settings):
    settings.REVIEW_BURST_NEGATIVE_COUNT = 2
    settings.REVIEW_BURST_WINDOW_MINUTES = 180
    _scored_review(product, NEGATIVE_TEXTS[0], minutes_ago=170)

    _scored_review(product, NEGATIVE_TEXTS[1])

    alert = SentimentAlert.objects.get()
    assert (alert.negative_count, alert.window_minutes) == (2, 180)


def test_after_staff_acknowledge_only_new_negative_reviews_raise_the_next_alert(
    product, staff_inbox
):
    for text in NEGATIVE_TEXTS[:3]:
        _scored_review(product, text, minutes_ago=10)
    first = SentimentAlert.objects.get()
    SentimentAlert.objects.filter(pk=first.pk).update(
        acknowledged_at=timezone.now(), created_at=timezone.now() - timedelta(minutes=5)
    )

    _scored_review(product, NEGATIVE_TEXTS[3], minutes_ago=1)
    assert SentimentAlert.objects.count() == 1

    for text in NEGATIVE_TEXTS[:2]:
        _scored_review(product, text, minutes_ago=1)
    assert SentimentAlert.objects.count() == 2
    assert SentimentAlert.objects.order_by("-created_at").first().negative_count == 3


def test_alert_email_goes_to_active_staff_when_no_addresses_are_set(
    product, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_ALERT_EMAILS = []
    _user(is_staff=True, email="ops@tradewind.test")
    _user(is_staff=True, is_active=False, email="former@tradewind.test")
    _user(email="shopper@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        for text in NEGATIVE_TEXTS[:3]:
            _scored_review(product, text)

    assert [message.to for message in mail.outbox] == [["ops@tradewind.test"]]


# --- From the shopper's form to the alert ---------------------------------------------


def _buyer(product: Product) -> User:
    user = _user()
    variant = product.variants.first()
    assert variant is not None
    bought(user=user, variant=variant, status=OrderStatus.DELIVERED)
    return user


def test_submitted_negative_reviews_alert_staff_as_the_third_is_scored(
    product, staff_inbox, eager_celery, django_capture_on_commit_callbacks
):
    buyers = [_buyer(product) for _ in range(3)]

    for index, (buyer, text) in enumerate(zip(buyers, NEGATIVE_TEXTS, strict=False)):
        with django_capture_on_commit_callbacks(execute=True):
            review_submit(user=buyer, product=product, rating=1, title="", text=text)
        assert SentimentAlert.objects.count() == (1 if index == 2 else 0)

    assert Review.objects.filter(scored_at__isnull=False).count() == 3
    assert len(mail.outbox) == 1
