"""Flash deals as the show pages read them.

The show page's buy box is ``pinned_offer``, priced by the shop's
``price_effective`` like every other page. Times go to browsers as ``iso_utc``,
with the server's clock beside them, so countdowns run on server time.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypedDict

from django.db.models import Prefetch
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from live.models import PinEvent, Show
from shop.compliance.selectors import products_offerable_in_market
from shop.models import AttributeValue, Market, Product, Variant
from shop.pricing.selectors import price_effective, prices_prefetch, remaining_text
from shop.storefront.formatting import money


def iso_utc(moment: datetime) -> str:
    """`2025-05-01T12:00:00.000Z`: what browsers parse the same everywhere."""
    return (
        moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


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
        return remaining_text(ends_at=self.deal_ends_at, now=self.server_now)


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
    pricing = prices_prefetch(market=market, at=at) if market is not None else []
    products = Product.objects.filter(pk=pinned_id, is_active=True)
    if market is not None:
        products = products_offerable_in_market(products=products, market=market)
    product = products.prefetch_related(
        Prefetch(
            "variants",
            queryset=Variant.objects.order_by("pk").prefetch_related(
                *pricing,
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
    ).first()
    if product is None:
        return None
    variants: list[OfferVariant] = []
    ends: list[datetime] = []
    country = market.default_country if market is not None else ""

    def fmt(amount: Decimal | None) -> str:
        if amount is None or market is None:
            return ""
        return money(amount, market.currency, language, country)

    for variant in product.variant_list if market is not None else []:
        assert market is not None  # the loop runs only with a market
        price = price_effective(variant=variant, market=market, at=at)
        if price is None:
            continue
        if price.is_promotion and price.ends_at is not None:
            ends.append(price.ends_at)
        variants.append(
            OfferVariant(
                id=variant.pk,
                label=_label(variant) or variant.sku,
                price=fmt(price.amount),
                regular_price=fmt(price.reference_amount),
                prior_lowest_price=fmt(price.prior_lowest_amount),
                percent_off=price.percent_off,
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
