"""Flash deals: a time-limited price on the pinned product of a live show.

The host starts a deal for some minutes; every variant of the product gets a deal
price in each market it is sold in, computed from its current price. A deal is a
shop promotion (`shop.pricing.services.promotion_start`) that this module creates
and ends, with a `FlashDeal` row saying which show ran it. The shop prices it like
any promotion through `price_effective`, and knows nothing of shows: the price a
line pays, at the checkout too, is the deal price until `ends_at` and the regular
price after, so the checkout's "price changed" notice covers the end of a deal.

Viewers' countdowns run on server time: the socket event and the offer fragment both
carry the server's clock, and the page counts down against its offset to it.
"""

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from live import realtime
from live.access import ShowAction, access_show_for_control
from live.models import FlashDeal, PinEvent, Show, ShowStatus
from live.selectors.deals import iso_utc
from live.services.errors import ShowError
from shop.models import Product, Promotion, User, VariantPrice
from shop.pricing.services import (
    PromotionError,
    money_round,
    promotion_start,
    promotions_end,
)

DEAL_MINUTES_MIN = 1
DEAL_MINUTES_MAX = 60
PERCENT_OFF_MIN = 1
PERCENT_OFF_MAX = 90

__all__ = ["DealError", "flash_deal_end", "flash_deal_start"]


class DealError(ShowError):
    code = "deal"


# --- Starting and ending ----------------------------------------------------------


def _may_run_deals(show: Show, user: User) -> None:
    access_show_for_control(user=user, show=show, action=ShowAction.RUN_DEALS)


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
) -> list[Promotion]:
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
    prices: QuerySet[VariantPrice] | list[VariantPrice]  # a list once locked
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
    if Promotion.objects.filter(
        variant__product=product,
        market__in=[price.market_id for price in prices],
        ends_at__gt=now,
    ).exists():
        raise DealError(
            gettext_lazy("A deal on this product is running: end it first."),
            code="running",
        )
    ends_at = now + timedelta(minutes=minutes)
    label = f"Live show {show.pk}"
    deals = []
    try:
        with transaction.atomic():
            for price in prices:
                if percent is not None:
                    amount = money_round(price.amount * (100 - percent) / 100)
                    if not Decimal("0") < amount < price.amount:
                        continue  # too cheap for this percentage to lower it
                else:
                    assert amounts is not None  # given when percent_off is not
                    wanted = amounts.get((price.variant_id, price.market_id))
                    if wanted is None:
                        continue
                    amount = money_round(Decimal(wanted))
                deals.append(
                    promotion_start(
                        price=price,
                        amount=amount,
                        ends_at=ends_at,
                        by=by,
                        label=label,
                        at=now,
                    )
                )
            FlashDeal.objects.bulk_create(
                [FlashDeal(show=show, promotion=deal) for deal in deals]
            )
    except PromotionError as error:
        if error.code == "amount":
            raise DealError(
                gettext_lazy(
                    "A deal price must be above zero and below the current price."
                ),
                code="amount",
            ) from None
        # Another deal got there first (PostgreSQL's exclusion constraint).
        raise DealError(
            gettext_lazy("A deal on this product is running: end it first."),
            code="running",
        ) from None
    if not deals:
        raise DealError(
            gettext_lazy("This product has no price in this show's markets to lower."),
            code="no_prices",
        )
    _publish(
        show,
        {
            "state": "started",
            "product_id": product.pk,
            "starts_at": iso_utc(now),
            "ends_at": iso_utc(ends_at),
        },
    )
    return deals


@transaction.atomic
def flash_deal_end(*, show: Show, product: Product, by: User) -> int:
    """End the show's running deal on a product now; returns how many prices ended."""
    _may_run_deals(show, by)
    Show.objects.select_for_update().get(pk=show.pk)
    now = timezone.now()
    ended = promotions_end(
        promotions=Promotion.objects.filter(
            flash_deal__show=show, variant__product=product
        ),
        at=now,
    )
    if not ended:
        raise DealError(
            gettext_lazy("No deal is running on this product."), code="no_deal"
        )
    _publish(
        show, {"state": "ended", "product_id": product.pk, "ends_at": iso_utc(now)}
    )
    return ended
