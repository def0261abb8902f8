"""Shows as the pages present them: listings, featured products, the replay timeline."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _
from django_stubs_ext import WithAnnotations

from live.models import PinEvent, Show, ShowProduct, ShowReminder, ShowStatus
from shop.compliance.selectors import SAFETY_ANCHOR, products_offerable_in_market
from shop.models import Market, Product, ProductImage, User, Variant, VariantPrice
from shop.pricing.selectors import price_effective, prices_prefetch
from shop.pricing.services import tax_rate_for
from shop.storefront.formatting import babel_locale, money, tax_label

UPCOMING_LIMIT = 24
REPLAYS_LIMIT = 24


@dataclass(frozen=True)
class ProductCard:
    """A product as a show presents it: name, link, image and price in one market."""

    id: int
    name: str
    url: str
    safety_url: str
    image_url: str
    image_alt: str
    price: str
    regular_price: str
    prior_lowest_price: str
    tax_label: str

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class ShowListing:
    live: list[Show]
    upcoming: list[Show]
    replays: list[Show]


def _for_market(queryset: QuerySet[Show], market: Market | None) -> QuerySet[Show]:
    through = Show.markets.through.objects.filter(show_id=OuterRef("pk"))
    if market is None:
        return queryset.filter(~Exists(through))
    return queryset.filter(~Exists(through) | Exists(through.filter(market=market)))


def show_listing(*, market: Market | None) -> ShowListing:
    """Live, upcoming and ended shows for one market's shoppers: three queries."""
    shows = _for_market(Show.objects.select_related("host"), market)
    return ShowListing(
        live=list(shows.filter(status=ShowStatus.LIVE).order_by("-started_at", "pk")),
        upcoming=list(
            shows.filter(status=ShowStatus.SCHEDULED).order_by("scheduled_start", "pk")[
                :UPCOMING_LIMIT
            ]
        ),
        replays=list(
            shows.filter(status=ShowStatus.ENDED).order_by("-ended_at", "-pk")[
                :REPLAYS_LIMIT
            ]
        ),
    )


def show_reminded_ids(*, user: User | AnonymousUser, show_ids: list[int]) -> set[int]:
    """Which of these shows the user already asked to be reminded of."""
    if not user.is_authenticated or not show_ids:
        return set()
    return set(
        ShowReminder.objects.filter(user=user, show_id__in=show_ids).values_list(
            "show_id", flat=True
        )
    )


class FeaturedPrefetch(TypedDict):
    featured_list: list[ShowProduct]


def show_detail(*, pk: int) -> "WithAnnotations[Show, FeaturedPrefetch] | None":
    """A show with its host and featured products in running order."""
    return (
        Show.objects.select_related("host", "pinned_comment")
        .prefetch_related(
            Prefetch(
                "featured",
                queryset=ShowProduct.objects.select_related("product").filter(
                    product__is_active=True
                ),
                to_attr="featured_list",
            )
        )
        .filter(pk=pk)
        .first()
    )


def show_get(*, pk: int, with_host: bool = False) -> Show | None:
    """A show by its id, or None; with its host read in the same query if asked."""
    shows = Show.objects.select_related("host") if with_host else Show.objects
    return shows.filter(pk=pk).first()


async def show_for_stream(*, pk: int) -> Show | None:
    """The few fields the WHIP/WHEP endpoints check a request against."""
    return (
        await Show.objects.only("pk", "host_id", "status", "stream_key_hash")
        .filter(pk=pk)
        .afirst()
    )


def show_for_socket(*, show_id: int) -> Show | None:
    """The few fields a socket needs to serve a show."""
    return (
        Show.objects.only(
            "pk",
            "host_id",
            "status",
            "language",
            "slow_mode_seconds",
            "block_links",
            "chat_delivery",
        )
        .filter(pk=show_id)
        .first()
    )


def start_time_text(*, moment: datetime, market: Market | None, language: str) -> str:
    """A start time in the market's zone and the shopper's locale, zone named."""
    zone_name = market.timezone if market else "UTC"
    country = market.default_country if market else "US"
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return (
        format_datetime(
            moment,
            format="medium",
            tzinfo=zone,
            locale=babel_locale(language, country),
        )
        + f" ({zone_name})"
    )


def product_cards(
    *, product_ids: list[int], market: Market | None, language: str
) -> list[ProductCard]:
    """Cards for products, priced from their cheapest variant in the market."""
    if not product_ids:
        return []
    pricing = prices_prefetch(market=market) if market is not None else []
    products = Product.objects.filter(pk__in=product_ids, is_active=True)
    if market is not None:
        # A product gated in the market is not advertised in its shows either.
        products = products_offerable_in_market(products=products, market=market)
    products = products.prefetch_related(
        Prefetch(
            "images",
            queryset=ProductImage.objects.order_by("position", "id"),
            to_attr="image_list",
        ),
        Prefetch(
            "variants",
            queryset=Variant.objects.prefetch_related(*pricing),
            to_attr="variant_list",
        ),
    )
    by_id = {product.pk: product for product in products}
    rate = tax_rate_for(country=market.default_country) if market is not None else None
    cards = []
    for pk in product_ids:
        product = by_id.get(pk)
        if product is not None:
            # Prefetched above as CardPrefetch names.
            cards.append(
                _card(
                    cast("WithAnnotations[Product, CardPrefetch]", product),
                    market,
                    language,
                    rate,
                )
            )
    return cards


class PricesPrefetch(TypedDict):
    market_prices: list[VariantPrice]


class CardPrefetch(TypedDict):
    image_list: list[ProductImage]
    variant_list: "list[WithAnnotations[Variant, PricesPrefetch]]"


def _card(
    product: "WithAnnotations[Product, CardPrefetch]",
    market: Market | None,
    language: str,
    rate,
) -> ProductCard:
    image = product.image_list[0] if product.image_list else None
    picture = (image.thumbnail or image.image) if image is not None else None
    image_url = picture.url if picture else ""
    candidates = (
        [
            price
            for variant in product.variant_list
            if (price := price_effective(variant=variant, market=market, tax_rate=rate))
            is not None
        ]
        if market is not None
        else []
    )
    price_text = regular_text = prior_text = label = ""
    if candidates and market is not None:
        shown = min(candidates, key=lambda price: price.amount)
        country = market.default_country

        def fmt(amount: Decimal | None) -> str:
            if amount is None:
                return ""
            return money(amount, shown.currency, language, country)

        price_text = fmt(shown.amount)
        regular_text = fmt(shown.reference_amount)
        prior_text = fmt(shown.prior_lowest_amount)
        label = tax_label(market, shown.tax_rate)
    else:
        price_text = _("Not available in your market")
    return ProductCard(
        id=product.pk,
        name=product.name,
        url=product.get_absolute_url(),
        safety_url=f"{product.get_absolute_url()}#{SAFETY_ANCHOR}",
        image_url=image_url,
        image_alt=(image.alt_text if image is not None else "") or product.name,
        price=price_text,
        regular_price=regular_text,
        prior_lowest_price=prior_text,
        tax_label=label,
    )


def pinned_product_id(*, show: Show) -> int | None:
    """The product pinned right now, if any."""
    return (
        PinEvent.objects.filter(show=show, unpinned_at__isnull=True)
        .values_list("product_id", flat=True)
        .first()
    )


@dataclass(frozen=True)
class PinMark:
    """A product pin on the replay's timeline, `offset` seconds into the show."""

    offset: int
    product_id: int
    product_name: str
    pinned_at: datetime
    unpinned_at: datetime | None

    @property
    def offset_text(self) -> str:
        hours, rest = divmod(self.offset, 3600)
        minutes, seconds = divmod(rest, 60)
        if hours:
            return f"{hours}:{minutes:02d}:{seconds:02d}"
        return f"{minutes}:{seconds:02d}"


def pin_timeline(*, show: Show) -> list[PinMark]:
    """Which product was pinned when, as offsets into the recording (or the show)."""
    start = show.recording_started_at or show.started_at
    marks = []
    for pin in PinEvent.objects.filter(show=show).select_related("product"):
        offset = int((pin.pinned_at - start).total_seconds()) if start else 0
        marks.append(
            PinMark(
                offset=max(offset, 0),
                product_id=pin.product_id,
                product_name=pin.product.name,
                pinned_at=pin.pinned_at,
                unpinned_at=pin.unpinned_at,
            )
        )
    return marks
