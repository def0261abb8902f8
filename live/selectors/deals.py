"""Flash deals as the cart and the show pages read them.

The shop's cart asks ``flash_deal_amount`` what a variant costs while a deal runs (it
reaches it through ``live.services.deals``, by name); the show page's buy box is
``pinned_offer``. Times go to browsers as ``iso_utc``, with the server's clock beside
them, so countdowns run on server time.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from django.db.models import Prefetch
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from live.models import FlashDeal, PinEvent, Show
from shop.models import AttributeValue, Market, Product, Variant, VariantPrice
from shop.storefront.formatting import money

PREFETCH_ATTR = "market_flash_deals"


def iso_utc(moment: datetime) -> str:
    """`2025-05-01T12:00:00.000Z`: what browsers parse the same everywhere."""
    return (
        moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


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


class ValuesPrefetch(TypedDict):
    value_list: list[AttributeValue]


def _label(variant: "WithAnnotations[Variant, ValuesPrefetch]") -> str:
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
            deal.prior_lowest_amount
            if deal is not None and on_deal and market.shows_prior_price
            else None
        )
        if deal is not None and on_deal:
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
