"""The staff sentiment dashboard: weekly sentiment figures per product and the
geometry of their charts."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from shop.models import Product, Review, ReviewStatus, SentimentLabel

logger = logging.getLogger(__name__)
DASHBOARD_WEEKS = 12


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
        run: list[ChartPoint]
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
