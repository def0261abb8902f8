"""Reviews by verified buyers: who may review, submission, moderation, sentiment
scoring, and alerts when negative reviews of one product pile up."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from shop.models import (
    OrderLine,
    OrderStatus,
    Product,
    Review,
    ReviewStatus,
    SentimentAlert,
    SentimentLabel,
)
from shop.orders.mail import site_url, staff_alert_recipients
from shop.reviews.language_detect import review_language_detect
from shop.reviews.sentiment import sentiment_score
from shop.storefront.cache import catalog_version_bump

logger = logging.getLogger(__name__)

RATING_MIN = 1
RATING_MAX = 5
TITLE_MAX_LENGTH = 120
TEXT_MIN_LENGTH = 10
TEXT_MAX_LENGTH = 4000
# An order in one of these has been paid for, so its buyer may review its products.
PURCHASED_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.PROCESSING,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
)
BURST_NEGATIVE_COUNT_DEFAULT = 3
BURST_WINDOW_MINUTES_DEFAULT = 60


class ReviewBlock(models.TextChoices):
    """Why a shopper cannot review a product."""

    SIGN_IN = "sign_in", gettext_lazy("Sign in to review this product.")
    NOT_PURCHASED = (
        "not_purchased",
        gettext_lazy(
            "Only verified buyers can review: reviews open once your order of this "
            "product is paid."
        ),
    )
    ALREADY_REVIEWED = (
        "already_reviewed",
        gettext_lazy("You have already reviewed this product."),
    )


@dataclass(frozen=True)
class ReviewEligibility:
    """Whether a shopper may review a product, and if not, why."""

    blocked_by: str = ""
    order_line: OrderLine | None = None
    own_review: Review | None = None

    @property
    def allowed(self) -> bool:
        return not self.blocked_by

    @property
    def reason(self) -> StrOrPromise:
        return ReviewBlock(self.blocked_by).label if self.blocked_by else ""


def _purchase_line(*, user, product: Product) -> OrderLine | None:
    """The shopper's latest paid order line of any variant of the product."""
    return (
        OrderLine.objects.filter(
            order__user=user,
            order__status__in=PURCHASED_STATUSES,
            variant__product=product,
        )
        .order_by("-order__placed_at", "-id")
        .first()
    )


def review_eligibility(*, user, product: Product) -> ReviewEligibility:
    """May this shopper review the product? Two queries for a signed-in shopper."""
    if user is None or not user.is_authenticated:
        return ReviewEligibility(blocked_by=ReviewBlock.SIGN_IN)
    own = Review.objects.filter(user=user, product=product).first()
    if own is not None:
        return ReviewEligibility(
            blocked_by=ReviewBlock.ALREADY_REVIEWED, own_review=own
        )
    line = _purchase_line(user=user, product=product)
    if line is None:
        return ReviewEligibility(blocked_by=ReviewBlock.NOT_PURCHASED)
    return ReviewEligibility(order_line=line)


def _review_input_check(*, rating: int, title: str, text: str) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    if (
        isinstance(rating, bool)
        or not isinstance(rating, int)
        or not RATING_MIN <= rating <= RATING_MAX
    ):
        errors["rating"].append(
            _("Choose a rating from %(low)d to %(high)d stars.")
            % {"low": RATING_MIN, "high": RATING_MAX}
        )
    if len(title) > TITLE_MAX_LENGTH:
        errors["title"].append(
            _("Keep the title to %(limit)d characters.") % {"limit": TITLE_MAX_LENGTH}
        )
    if len(text) < TEXT_MIN_LENGTH:
        errors["text"].append(
            _("Write at least %(limit)d characters.") % {"limit": TEXT_MIN_LENGTH}
        )
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"].append(
            _("Keep the review to %(limit)d characters.") % {"limit": TEXT_MAX_LENGTH}
        )
    if errors:
        raise ValidationError(dict(errors))


def review_submit(
    *, user, product: Product, rating: int, title: str, text: str
) -> Review:
    """Store a verified buyer's review for moderation and schedule its scoring."""
    title = title.strip()
    text = text.strip()
    _review_input_check(rating=rating, title=title, text=text)
    eligibility = review_eligibility(user=user, product=product)
    if not eligibility.allowed:
        raise ValidationError(eligibility.reason, code=eligibility.blocked_by)
    language = review_language_detect(text=_full_text(title, text))
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=product,
                user=user,
                order_line=eligibility.order_line,
                rating=rating,
                title=title,
                text=text,
                language=language,
                status=ReviewStatus.PENDING,
            )
            review_id = review.pk
            # robust: a broker that is down must not fail the shopper's request;
            # reviews_unscored_score picks the review up later.
            transaction.on_commit(
                lambda: _scoring_schedule(review_id=review_id), robust=True
            )
    except IntegrityError as error:
        # A second submission raced the first one past the eligibility check.
        raise ValidationError(
            ReviewBlock.ALREADY_REVIEWED.label, code=ReviewBlock.ALREADY_REVIEWED
        ) from error
    return review


def _full_text(title: str, text: str) -> str:
    return "\n".join(part for part in (title, text) if part)


def _scoring_schedule(*, review_id: int) -> None:
    from shop.reviews.tasks import review_sentiment_score

    review_sentiment_score.delay(review_id)


# --- Moderation --------------------------------------------------------------------


def reviews_moderate(*, reviews: QuerySet[Review], status: str) -> int:
    """Approve or reject reviews (or queue them again); pages show it at once."""
    if status not in ReviewStatus.values:
        raise ValueError(f"Not a review status: {status!r}")
    with transaction.atomic():
        changed = reviews.exclude(status=status).update(status=status)
        if changed:
            catalog_version_bump()  # cached product pages list approved reviews
    return changed


def reviews_delete(*, reviews: QuerySet[Review]) -> int:
    """Delete reviews; product pages show the change at once."""
    with transaction.atomic():
        deleted, _per_model = reviews.delete()
        if deleted:
            catalog_version_bump()
    return deleted


# --- Sentiment and bursts of negative reviews ----------------------------------------


def _burst_threshold() -> int:
    return getattr(
        settings, "REVIEW_BURST_NEGATIVE_COUNT", BURST_NEGATIVE_COUNT_DEFAULT
    )


def _burst_window_minutes() -> int:
    return getattr(
        settings, "REVIEW_BURST_WINDOW_MINUTES", BURST_WINDOW_MINUTES_DEFAULT
    )


def review_sentiment_record(*, review_id: int) -> SentimentAlert | None:
    """Score a review in its own language, store it, and check for a negative burst."""
    review = Review.objects.filter(pk=review_id).first()
    if review is None:
        return None  # deleted before it was scored
    # Scoring takes a model's time: no transaction or lock is held meanwhile.
    result = sentiment_score(
        text=_full_text(review.title, review.text), language=_language(review)
    )
    Review.objects.filter(pk=review.pk).update(
        sentiment_label=result.label,
        sentiment_score=result.score,
        scored_at=timezone.now(),
    )
    if result.label != SentimentLabel.NEGATIVE:
        return None
    return sentiment_burst_check(product_id=review.product_id)


def _language(review: Review) -> str:
    # A language outside the shopper languages cannot come from detection; an
    # edited row is still scored, by the multilingual model without hints.
    return review.language if review.language in settings.SHOPPER_LANGUAGES else ""


def sentiment_burst_check(
    *, product_id: int, now: datetime | None = None
) -> SentimentAlert | None:
    """Raise an alert when a product's negative reviews pile up within the window.

    One burst raises one alert: while an alert of the window is unacknowledged
    nothing new is raised, and after staff acknowledge it only negative reviews
    written since that alert count towards the next one.
    """
    now = now or timezone.now()
    window = _burst_window_minutes()
    since = now - timedelta(minutes=window)
    with transaction.atomic():
        # Concurrent scorings of one product's reviews check one after the other.
        if not Product.objects.select_for_update().filter(pk=product_id).exists():
            return None
        latest = (
            SentimentAlert.objects.filter(product_id=product_id, created_at__gte=since)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is not None and latest.acknowledged_at is None:
            return None
        negatives = Review.objects.filter(
            product_id=product_id,
            sentiment_label=SentimentLabel.NEGATIVE,
            created_at__gte=since,
            created_at__lte=now,
        ).exclude(status=ReviewStatus.REJECTED)
        if latest is not None:
            negatives = negatives.filter(created_at__gt=latest.created_at)
        count = negatives.count()
        if count < _burst_threshold():
            return None
        alert = SentimentAlert.objects.create(
            product_id=product_id,
            created_at=now,
            negative_count=count,
            window_minutes=window,
        )
        alert_id = alert.pk
        transaction.on_commit(
            lambda: sentiment_alert_notify(alert_id=alert_id), robust=True
        )
    logger.warning(
        "Sentiment alert %s: %s negative reviews of product %s in %s minutes.",
        alert.pk,
        count,
        product_id,
        window,
    )
    return alert


def sentiment_alert_notify(*, alert_id: int) -> None:
    """Email staff about a sentiment alert, in the site's default language."""
    alert = SentimentAlert.objects.select_related("product").filter(pk=alert_id).first()
    recipients = staff_alert_recipients()
    if alert is None or not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "product": alert.product.name,
            "count": alert.negative_count,
            "minutes": alert.window_minutes,
        }
        subject = _("Negative reviews piling up: %(product)s") % values
        body = "\n\n".join(
            [
                _(
                    "%(count)d negative reviews of “%(product)s” arrived within "
                    "%(minutes)d minutes."
                )
                % values,
                _("Alert: %(url)s")
                % {
                    "url": site_url(
                        reverse("admin:shop_sentimentalert_change", args=[alert.pk])
                    )
                },
                _("The product's reviews: %(url)s")
                % {
                    "url": site_url(
                        reverse("admin:shop_review_changelist")
                        + f"?product__id__exact={alert.product_id}"
                    )
                },
            ]
        )
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    ).send()


def sentiment_alerts_acknowledge(*, alerts: QuerySet[SentimentAlert]) -> int:
    """Mark alerts as seen by staff; the next burst of the product may alert again."""
    return alerts.filter(acknowledged_at=None).update(acknowledged_at=timezone.now())


def reviews_unscored(*, older_than_minutes: int = 5, limit: int = 100) -> list[int]:
    """Reviews whose scoring never ran (e.g. the broker was down), oldest first."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    return list(
        Review.objects.filter(scored_at=None, created_at__lte=cutoff)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
