"""Flash deals: a time-limited price on the pinned product of a live show.

The host starts a deal for some minutes; every variant of the product gets a deal
price in each market it is sold in, computed from its current price. The shop's cart
asks this module what a variant costs while a deal runs (`flash_deal_amount`), and
nothing else about deals: the price a line pays, at the checkout too, is the deal
price until `ends_at` and the regular price after, so the checkout's "price changed"
notice covers the end of a deal like any other price change.

Viewers' countdowns run on server time: the socket event and the offer fragment both
carry the server's clock, and the page counts down against its offset to it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from live.models import FlashDeal, PinEvent, Show, ShowStatus
from live.services import realtime
from live.services.errors import ShowError
from shop.models import AttributeValue, Market, Product, User, Variant, VariantPrice
from shop.pricing.services import money_round, prior_lowest_amount
from shop.storefront.formatting import money

DEAL_MINUTES_MIN = 1
DEAL_MINUTES_MAX = 60
PERCENT_OFF_MIN = 1
PERCENT_OFF_MAX = 90
PREFETCH_ATTR = "market_flash_deals"


class DealError(ShowError):
    code = "deal"


def iso_utc(moment: datetime) -> str:
    """`2025-05-01T12:00:00.000Z`: what browsers parse the same everywhere."""
    return (
        moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


# --- The price hook the shop's cart calls -----------------------------------------


def flash_deals_prefetch(*, market: Market, at: datetime | None = None) -> Prefetch:
    """Prefetch for a Variant queryset: the market's deals not yet over at `at`."""
    return Prefetch(
        "flash_deals",
        queryset=FlashDeal.objects.filter(
            market=market, ends_at__gt=at or timezone.now()
        ).order_by("starts_at", "id"),
        to_attr=PREFETCH_ATTR,
    )


def flash_deal_active(
    *, variant: Variant, market: Market, at: datetime
) -> FlashDeal | None:
    """The deal in effect for a variant in a market at `at`, if any.

    Reads the variant's prefetched deals (`flash_deals_prefetch`) when present, else
    runs one indexed query.
    """
    prefetched = getattr(variant, PREFETCH_ATTR, None)
    if prefetched is not None:
        return next(
            (
                deal
                for deal in prefetched
                if deal.market_id == market.pk and deal.starts_at <= at < deal.ends_at
            ),
            None,
        )
    return (
        FlashDeal.objects.filter(
            variant=variant, market=market, starts_at__lte=at, ends_at__gt=at
        )
        .order_by("starts_at")
        .first()
    )


def flash_deal_amount(
    *, variant: Variant, market: Market, at: datetime
) -> Decimal | None:
    """The deal price of a variant in a market at `at`; None without a deal."""
    deal = flash_deal_active(variant=variant, market=market, at=at)
    return deal.amount if deal is not None else None


def flash_deal_prior_lowest_amount(
    *, variant: Variant, market: Market, at: datetime
) -> Decimal | None:
    """The lowest price of the 30 days before the running deal began (EU rule)."""
    deal = flash_deal_active(variant=variant, market=market, at=at)
    return deal.prior_lowest_amount if deal is not None else None


# --- Starting and ending ----------------------------------------------------------


def _may_run_deals(show: Show, user: User) -> None:
    if not (user.is_authenticated and (user.is_staff or user.pk == show.host_id)):
        raise PermissionDenied(
            gettext_lazy("Only the host of this show and staff run its deals.")
        )


def _minutes_check(minutes: Any) -> int:
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not DEAL_MINUTES_MIN <= minutes <= DEAL_MINUTES_MAX
    ):
        raise DealError(
            gettext_lazy("A deal lasts from %(min)d to %(max)d minutes.")
            % {"min": DEAL_MINUTES_MIN, "max": DEAL_MINUTES_MAX},
            code="minutes",
        )
    return minutes


def _percent_check(percent_off: Any) -> Decimal:
    try:
        percent = Decimal(str(percent_off))
    except (InvalidOperation, ValueError):
        percent = Decimal("NaN")
    if percent.is_nan() or not PERCENT_OFF_MIN <= percent <= PERCENT_OFF_MAX:
        raise DealError(
            gettext_lazy("Take from %(min)d to %(max)d percent off.")
            % {"min": PERCENT_OFF_MIN, "max": PERCENT_OFF_MAX},
            code="percent",
        )
    return percent


def _publish(show: Show, payload: dict[str, Any]) -> None:
    """Announce a deal change to the show's viewers once the transaction commits."""
    show_id, delivery = show.pk, show.chat_delivery

    def publish() -> None:
        item = {"kind": "deal", **payload, "server_now": iso_utc(timezone.now())}
        realtime.item_publish(show_id=show_id, delivery=delivery, item=item)

    transaction.on_commit(publish)


@transaction.atomic
def flash_deal_start(
    *,
    show: Show,
    product: Product,
    by: User,
    minutes: int,
    percent_off: int | Decimal | None = None,
    amounts: Mapping[tuple[int, int], Decimal] | None = None,
) -> list[FlashDeal]:
    """Start a deal on the pinned product: a percentage off every variant's price in
    every market, or fixed `amounts` keyed by (variant id, market id)."""
    _may_run_deals(show, by)
    minutes = _minutes_check(minutes)
    if (percent_off is None) == (amounts is None):
        raise ValueError("Give either percent_off or amounts.")
    percent = _percent_check(percent_off) if percent_off is not None else None
    locked = Show.objects.select_for_update().get(pk=show.pk)
    if locked.status != ShowStatus.LIVE:
        raise DealError(
            gettext_lazy("Flash deals run only while the show is live."),
            code="not_live",
        )
    if not PinEvent.objects.filter(
        show=show, product=product, unpinned_at__isnull=True
    ).exists():
        raise DealError(
            gettext_lazy("Pin the product before starting a deal on it."),
            code="not_pinned",
        )
    prices = VariantPrice.objects.filter(
        variant__product=product, market__is_active=True
    ).select_related("market", "variant")
    show_markets = list(show.markets.values_list("pk", flat=True))
    if show_markets:
        prices = prices.filter(market__in=show_markets)
    # Locked so that two shows cannot start deals on the same prices at once, and a
    # price change waits for the deal to be written.
    prices = list(prices.select_for_update(of=("self",)).order_by("pk"))
    now = timezone.now()
    if FlashDeal.objects.filter(
        variant__product=product,
        market__in=[price.market_id for price in prices],
        ends_at__gt=now,
    ).exists():
        raise DealError(
            gettext_lazy("A deal on this product is running: end it first."),
            code="running",
        )
    deals = []
    for price in prices:
        if percent is not None:
            amount = money_round(price.amount * (100 - percent) / 100)
            if not Decimal("0") < amount < price.amount:
                continue  # too cheap for this percentage to lower it
        else:
            wanted = amounts.get((price.variant_id, price.market_id))
            if wanted is None:
                continue
            amount = money_round(Decimal(wanted))
            if not Decimal("0") < amount < price.amount:
                raise DealError(
                    gettext_lazy(
                        "A deal price must be above zero and below the current price."
                    ),
                    code="amount",
                )
        deals.append(
            FlashDeal(
                show=show,
                variant=price.variant,
                market=price.market,
                amount=amount,
                prior_lowest_amount=prior_lowest_amount(
                    variant=price.variant, market=price.market, before=now
                ),
                starts_at=now,
                ends_at=now + timedelta(minutes=minutes),
                created_by=by,
            )
        )
    if not deals:
        raise DealError(
            gettext_lazy("This product has no price in this show's markets to lower."),
            code="no_prices",
        )
    try:
        with transaction.atomic():
            FlashDeal.objects.bulk_create(deals)
    except IntegrityError:
        # PostgreSQL's exclusion constraint: another deal got there first.
        raise DealError(
            gettext_lazy("A deal on this product is running: end it first."),
            code="running",
        ) from None
    _publish(
        show,
        {
            "state": "started",
            "product_id": product.pk,
            "starts_at": iso_utc(now),
            "ends_at": iso_utc(deals[0].ends_at),
        },
    )
    return deals


@transaction.atomic
def flash_deal_end(*, show: Show, product: Product, by: User) -> int:
    """End the show's running deal on a product now; returns how many prices ended."""
    _may_run_deals(show, by)
    Show.objects.select_for_update().get(pk=show.pk)
    now = timezone.now()
    ended = FlashDeal.objects.filter(
        show=show, variant__product=product, starts_at__lte=now, ends_at__gt=now
    ).update(
        # A deal ended in the microsecond it began still ends after it began.
        ends_at=Greatest(Value(now), F("starts_at") + timedelta(microseconds=1))
    )
    if not ended:
        raise DealError(
            gettext_lazy("No deal is running on this product."), code="no_deal"
        )
    _publish(
        show, {"state": "ended", "product_id": product.pk, "ends_at": iso_utc(now)}
    )
    return ended


# --- What the show pages present ---------------------------------------------------


@dataclass(frozen=True)
class OfferVariant:
    """One variant of the pinned product as a viewer in one market can buy it."""

    id: int
    label: str
    price: str
    regular_price: str
    prior_lowest_price: str
    percent_off: int
    in_stock: bool


@dataclass(frozen=True)
class Offer:
    """The pinned product's buy box: variants, prices, and the deal if one runs."""

    show_id: int
    product_id: int
    product_name: str
    variants: list[OfferVariant]
    deal_ends_at: datetime | None
    server_now: datetime

    @property
    def deal_running(self) -> bool:
        return self.deal_ends_at is not None

    @property
    def deal_ends_at_iso(self) -> str:
        return iso_utc(self.deal_ends_at) if self.deal_ends_at else ""

    @property
    def server_now_iso(self) -> str:
        return iso_utc(self.server_now)

    @property
    def buyable(self) -> list[OfferVariant]:
        return [variant for variant in self.variants if variant.in_stock]

    @property
    def selected(self) -> OfferVariant | None:
        return next(iter(self.buyable), None)

    @property
    def shown(self) -> OfferVariant | None:
        """The variant whose price the box shows first: the first one in stock."""
        return self.selected or next(iter(self.variants), None)

    @property
    def best_percent_off(self) -> int:
        return max((variant.percent_off for variant in self.variants), default=0)

    @property
    def remaining_text(self) -> str:
        """`4:59` (or `1:00:00`): the deal's time left, for pages without scripts."""
        if self.deal_ends_at is None:
            return ""
        seconds = max(0, int((self.deal_ends_at - self.server_now).total_seconds()))
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        if hours:
            return f"{hours}:{minutes:02d}:{seconds:02d}"
        return f"{minutes}:{seconds:02d}"


def _label(variant: Variant) -> str:
    return ", ".join(
        f"{value.attribute.name}: {value.name}" for value in variant.value_list
    )


def pinned_offer(
    *,
    show: Show,
    market: Market | None,
    language: str,
    at: datetime | None = None,
) -> Offer | None:
    """The buy box of the show's pinned product in a market; None if nothing is
    pinned. Six queries whatever the number of variants."""
    at = at or timezone.now()
    pinned_id = (
        PinEvent.objects.filter(show=show, unpinned_at__isnull=True)
        .values_list("product_id", flat=True)
        .first()
    )
    if pinned_id is None:
        return None
    if market is not None:
        prices = VariantPrice.objects.filter(market=market)
        deals = FlashDeal.objects.filter(
            market=market, starts_at__lte=at, ends_at__gt=at
        )
    else:
        prices, deals = VariantPrice.objects.none(), FlashDeal.objects.none()
    product = (
        Product.objects.filter(pk=pinned_id, is_active=True)
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=Variant.objects.order_by("pk").prefetch_related(
                    Prefetch("prices", queryset=prices, to_attr="market_prices"),
                    Prefetch("flash_deals", queryset=deals, to_attr=PREFETCH_ATTR),
                    Prefetch(
                        "values",
                        queryset=AttributeValue.objects.select_related(
                            "attribute"
                        ).order_by("attribute__slug", "position", "slug"),
                        to_attr="value_list",
                    ),
                ),
                to_attr="variant_list",
            )
        )
        .first()
    )
    if product is None:
        return None
    variants, ends = [], []
    country = market.default_country if market is not None else ""
    for variant in product.variant_list:
        if not variant.market_prices or market is None:
            continue
        regular = variant.market_prices[0].amount
        deal = flash_deal_active(variant=variant, market=market, at=at)
        amount = min(deal.amount, regular) if deal is not None else regular
        on_deal = amount < regular
        prior = (
            deal.prior_lowest_amount if on_deal and market.shows_prior_price else None
        )
        if on_deal:
            ends.append(deal.ends_at)
        variants.append(
            OfferVariant(
                id=variant.pk,
                label=_label(variant) or variant.sku,
                price=money(amount, market.currency, language, country),
                regular_price=(
                    money(regular, market.currency, language, country)
                    if on_deal
                    else ""
                ),
                prior_lowest_price=(
                    money(prior, market.currency, language, country)
                    if prior is not None
                    else ""
                ),
                percent_off=(
                    int(((1 - amount / regular) * 100).to_integral_value(ROUND_HALF_UP))
                    if on_deal
                    else 0
                ),
                in_stock=variant.stock > 0,
            )
        )
    return Offer(
        show_id=show.pk,
        product_id=product.pk,
        product_name=product.name,
        variants=variants,
        deal_ends_at=min(ends) if ends else None,
        server_now=timezone.now(),
    )
