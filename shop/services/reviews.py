"""Reviews by verified buyers: who may review, submission, moderation, sentiment
scoring, alerts when negative reviews of one product pile up, and the weekly
sentiment figures of the staff dashboard."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.models import (
    OrderLine,
    OrderStatus,
    Product,
    Review,
    ReviewStatus,
    SentimentAlert,
    SentimentLabel,
)
from shop.services.cache import catalog_version_bump
from shop.services.language_detect import review_language_detect
from shop.services.mail import site_url, staff_alert_recipients
from shop.services.sentiment import sentiment_score

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
DASHBOARD_WEEKS = 12


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
    def reason(self) -> str:
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
    from shop.tasks import review_sentiment_score

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


# --- The staff dashboard: sentiment per product per week -----------------------------


@dataclass(frozen=True)
class WeekSentiment:
    """Scored reviews of one product in one week, by label, with the mean score."""

    week: date
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    average_score: float | None = None

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative


@dataclass(frozen=True)
class ProductSentiment:
    """A product's weeks of the dashboard period, oldest first, empty weeks too."""

    product: Product
    weeks: list[WeekSentiment] = field(default_factory=list)

    @property
    def negative(self) -> int:
        return sum(week.negative for week in self.weeks)

    @property
    def total(self) -> int:
        return sum(week.total for week in self.weeks)

    @property
    def reviewed_weeks(self) -> list[WeekSentiment]:
        return [week for week in self.weeks if week.total]


def dashboard_weeks(*, now: datetime | None = None) -> list[date]:
    """The Mondays of the dashboard period, oldest first, this week last."""
    today = timezone.localdate(now or timezone.now())
    this_monday = today - timedelta(days=today.weekday())
    return [
        this_monday - timedelta(weeks=back)
        for back in range(DASHBOARD_WEEKS - 1, -1, -1)
    ]


def sentiment_per_product_week(
    *, now: datetime | None = None
) -> list[ProductSentiment]:
    """Scored, unrejected reviews of the last 12 weeks counted per product and week.

    One aggregated query for every product, then one for the products' names.
    Products with the most negative reviews come first.
    """
    weeks = dashboard_weeks(now=now)
    start = timezone.make_aware(datetime.combine(weeks[0], datetime.min.time()))
    rows = (
        Review.objects.filter(created_at__gte=start)
        .exclude(sentiment_label="")
        .exclude(status=ReviewStatus.REJECTED)
        .annotate(week=TruncWeek("created_at"))
        .values("product_id", "week")
        .annotate(
            positive=Count("pk", filter=Q(sentiment_label=SentimentLabel.POSITIVE)),
            neutral=Count("pk", filter=Q(sentiment_label=SentimentLabel.NEUTRAL)),
            negative=Count("pk", filter=Q(sentiment_label=SentimentLabel.NEGATIVE)),
            average_score=Avg("sentiment_score"),
        )
        .order_by("product_id", "week")
    )
    found: dict[int, dict[date, WeekSentiment]] = defaultdict(dict)
    for row in rows:
        monday = timezone.localdate(row["week"])
        found[row["product_id"]][monday] = WeekSentiment(
            week=monday,
            positive=row["positive"],
            neutral=row["neutral"],
            negative=row["negative"],
            average_score=row["average_score"],
        )
    products = Product.objects.in_bulk(list(found))
    series = [
        ProductSentiment(
            product=products[product_id],
            weeks=[by_week.get(monday, WeekSentiment(week=monday)) for monday in weeks],
        )
        for product_id, by_week in found.items()
        if product_id in products
    ]
    series.sort(key=lambda s: (-s.negative, -s.total, str(s.product), s.product.pk))
    return series


# Geometry of one small multiple, in SVG user units (the SVG scales to its box).
CHART_LEFT = 28
CHART_RIGHT = 28
CHART_TOP = 10
CHART_PLOT_HEIGHT = 120
CHART_BOTTOM = 22
CHART_BAR_STEP = 24
CHART_BAR_GAP = 5


@dataclass(frozen=True)
class ChartSegment:
    """One label's part of a stacked weekly bar."""

    label: str
    count: int
    y: float
    height: float


@dataclass(frozen=True)
class ChartBar:
    week: WeekSentiment
    x: float
    width: float
    segments: list[ChartSegment]


@dataclass(frozen=True)
class ChartPoint:
    week: WeekSentiment
    x: float
    y: float


@dataclass(frozen=True)
class ChartPanel:
    """A product's chart: stacked bars of review counts and its mean score line."""

    series: ProductSentiment
    bars: list[ChartBar]
    points: list[ChartPoint]
    # "x,y x,y …" runs of consecutive reviewed weeks: the line breaks at gaps.
    score_lines: list[str]
    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    zero_y: float
    max_count: int
    # Where the axis labels go: counts on the left, scores on the right.
    count_label_x: float
    score_label_x: float
    top_label_y: float
    zero_label_y: float
    label_y: float


def _score_y(score: float) -> float:
    # +1 at the top of the plot, -1 at the bottom.
    return round(CHART_TOP + (1 - (score + 1) / 2) * CHART_PLOT_HEIGHT, 2)


def sentiment_chart(*, series: list[ProductSentiment]) -> list[ChartPanel]:
    """Small multiples for the dashboard, on one count scale so they compare."""
    max_count = max((week.total for s in series for week in s.weeks), default=0)
    scale = CHART_PLOT_HEIGHT / max(max_count, 1)
    bottom = CHART_TOP + CHART_PLOT_HEIGHT
    panels = []
    for product_series in series:
        bars, points, runs, run = [], [], [], []
        for index, week in enumerate(product_series.weeks):
            x = CHART_LEFT + index * CHART_BAR_STEP
            segments, base = [], bottom
            # Stacked from the bottom: positive, neutral, negative on top.
            for label in (
                SentimentLabel.POSITIVE,
                SentimentLabel.NEUTRAL,
                SentimentLabel.NEGATIVE,
            ):
                count = getattr(week, label.value)
                if count:
                    height = round(count * scale, 2)
                    base = round(base - height, 2)
                    segments.append(
                        ChartSegment(
                            label=label.value, count=count, y=base, height=height
                        )
                    )
            bars.append(
                ChartBar(
                    week=week,
                    x=x + CHART_BAR_GAP / 2,
                    width=CHART_BAR_STEP - CHART_BAR_GAP,
                    segments=segments,
                )
            )
            if week.average_score is None:
                if run:
                    runs.append(run)
                run = []
                continue
            point = ChartPoint(
                week=week, x=x + CHART_BAR_STEP / 2, y=_score_y(week.average_score)
            )
            points.append(point)
            run.append(point)
        if run:
            runs.append(run)
        width = CHART_LEFT + len(product_series.weeks) * CHART_BAR_STEP + CHART_RIGHT
        panels.append(
            ChartPanel(
                series=product_series,
                bars=bars,
                points=points,
                score_lines=[
                    " ".join(f"{p.x:g},{p.y:g}" for p in run)
                    for run in runs
                    if len(run) > 1
                ],
                width=width,
                height=bottom + CHART_BOTTOM,
                plot_left=CHART_LEFT,
                plot_right=width - CHART_RIGHT,
                plot_top=CHART_TOP,
                plot_bottom=bottom,
                zero_y=_score_y(0.0),
                max_count=max_count,
                count_label_x=CHART_LEFT - 4,
                score_label_x=width - CHART_RIGHT + 4,
                top_label_y=CHART_TOP + 4,
                zero_label_y=_score_y(0.0) + 4,
                label_y=bottom + 15,
            )
        )
    return panels
