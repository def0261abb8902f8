"""Read queries the storefront pages share, with their joins and prefetches done."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypedDict, cast
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import (
    Avg,
    Count,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import WithAnnotations
from modeltranslation.utils import build_localized_fieldname, resolution_order

from shop.compliance.selectors import offerable_in_market_q, offerable_product_ids
from shop.models import (
    Attribute,
    AttributeValue,
    Category,
    Market,
    Product,
    ProductImage,
    Review,
    ReviewStatus,
    Specification,
    TaxRate,
    Variant,
    VariantPrice,
)
from shop.pricing.selectors import EffectivePrice, price_effective, prices_prefetch
from shop.pricing.services import tax_rate_for
from shop.storefront.cache import (
    CATALOG_VERSION_KEY,
    versioned_get_many,
    versioned_set_many,
)

LOW_STOCK_THRESHOLD = 3
REVIEWS_SHOWN = 20
ATTRIBUTE_CACHE_SECONDS = 60
NAV_CACHE_SECONDS = 3600


class ProductSort(models.TextChoices):
    NEWEST = "newest", _("Newest")
    PRICE_ASC = "price_asc", _("Price: low to high")
    PRICE_DESC = "price_desc", _("Price: high to low")
    NAME = "name", _("Name")


# --- Categories ------------------------------------------------------------------


@dataclass(frozen=True)
class NavCategory:
    """A top-level category as the header lists it."""

    name: str
    url: str


def category_tree() -> list[Category]:
    """Every category in tree order (parents before their children), one query."""
    return list(Category.objects.order_by("path"))


def category_by_slug(*, slug: str) -> Category | None:
    """The category with this slug, or None."""
    return Category.objects.filter(slug=slug).first()


def category_children(*, category: Category) -> list[Category]:
    """The direct subcategories of a category, in their set order."""
    return list(category.children.order_by("position", "path"))


def categories_top_level() -> list[Category]:
    """The roots of the category tree, in their set order."""
    return list(Category.objects.filter(parent=None).order_by("position", "path"))


def category_ancestors(*, category: Category) -> list[Category]:
    """The category and its ancestors, root first, read in one query from its path."""
    ids = [int(segment) for segment in category.path.split(".") if segment]
    return list(Category.objects.filter(pk__in=ids).order_by("depth"))


def nav_categories_key(*, language: str) -> str:
    """The cache key of the header's categories in a language."""
    return f"nav:categories:{language}"


def nav_categories_read() -> list[NavCategory]:
    """Top-level categories for the header, read from the database."""
    return [
        NavCategory(name=category.name, url=category.get_absolute_url())
        for category in categories_top_level()
    ]


def nav_categories() -> list[NavCategory]:
    """Top-level categories for the header, cached per language and catalog version."""
    key = nav_categories_key(language=get_language())
    version, found = versioned_get_many([key])
    if key in found:
        return found[key]
    items = nav_categories_read()
    versioned_set_many(version=version, entries={key: items}, timeout=NAV_CACHE_SECONDS)
    return items


def attribute_values_by_slug() -> dict[str, frozenset[str]]:
    """Every attribute's value slugs, by attribute slug; cached per catalog version.

    The page cache asks it to tell a facet filter from a parameter to ignore.
    """
    key = "catalog:attribute-values"
    found = cache.get_many([CATALOG_VERSION_KEY, key])
    version = found.get(CATALOG_VERSION_KEY, 0)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    values: dict[str, set[str]] = {}
    for attribute_slug, value_slug in AttributeValue.objects.values_list(
        "attribute__slug", "slug"
    ):
        values.setdefault(attribute_slug, set()).add(value_slug)
    known = {slug: frozenset(slugs) for slug, slugs in values.items()}
    # Attributes are edited without a catalog version bump: a short life bounds
    # how long a new facet is read as a parameter to ignore.
    cache.set(key, (version, known), timeout=ATTRIBUTE_CACHE_SECONDS)
    return known


def _in_subtree(category: Category, prefix: str = "category__") -> Q:
    return Q(**{f"{prefix}path": category.path}) | Q(
        **{f"{prefix}path__startswith": f"{category.path}."}
    )


# --- Product listings ------------------------------------------------------------


_TAX_RATE_ROW_ATTR = "_tax_rate_row"


def market_tax_rate(*, market: Market) -> TaxRate | None:
    """The tax rate of the market's default country, named beside its prices; read
    once per market object (markets are kept per process for a short while)."""
    if _TAX_RATE_ROW_ATTR not in market.__dict__:
        market.__dict__[_TAX_RATE_ROW_ATTR] = tax_rate_for(
            country=market.default_country
        )
    return market.__dict__[_TAX_RATE_ROW_ATTR]


def _matching_variants(
    *,
    market: Market,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    value_groups: Sequence[Sequence[int]] = (),
    in_stock: bool = False,
) -> QuerySet[Variant]:
    """Variants of the outer product priced in the market that pass the filters."""
    price_filter: dict[str, object] = {"prices__market": market}
    if price_min is not None:
        price_filter["prices__amount__gte"] = price_min
    if price_max is not None:
        price_filter["prices__amount__lte"] = price_max
    variants = Variant.objects.filter(product=OuterRef("pk"), **price_filter)
    if in_stock:
        variants = variants.filter(stock__gt=0)
    # One filter() per attribute: the same variant must match every attribute.
    for group in value_groups:
        if group:
            variants = variants.filter(values__in=list(group))
    return variants


class PricesPrefetch(TypedDict):
    market_prices: list[VariantPrice]


class CardPrefetch(TypedDict):
    """What `products_for_market` annotates and prefetches on each product."""

    from_price: Decimal | None
    variant_list: "list[WithAnnotations[Variant, PricesPrefetch]]"
    first_images: list[ProductImage]


class VariantDetailPrefetch(TypedDict):
    value_list: list[AttributeValue]
    market_prices: list[VariantPrice]


class FactsPrefetch(TypedDict):
    """What `product_facts_for_market` prefetches on the product."""

    specification_list: list[Specification]
    variant_list: "list[WithAnnotations[Variant, VariantDetailPrefetch]]"


class DetailPrefetch(FactsPrefetch):
    """What `product_detail_for_market` prefetches and annotates on the product."""

    image_list: list[ProductImage]
    approved_reviews: list[Review]
    rating_average: Any
    rating_count: int


def _card_prefetches(market: Market) -> list[Prefetch]:
    return [
        Prefetch(
            "variants",
            queryset=Variant.objects.order_by("position", "id").prefetch_related(
                *prices_prefetch(market=market)
            ),
            to_attr="variant_list",
        ),
        Prefetch(
            "images",
            queryset=ProductImage.objects.order_by("position", "id")[:1],
            to_attr="first_images",
        ),
    ]


def product_cards_prefetch(*, products: Sequence[Product], market: Market) -> None:
    """Fetch what `product_cards` reads for products loaded without it (a fixed
    number of queries, whatever their number)."""
    prefetch_related_objects(products, *_card_prefetches(market))


def _name_sort_key() -> Lower:
    """The product name in the active language, with the same fallbacks as display."""
    fields = [
        NullIf(F(build_localized_fieldname("name", language)), Value(""))
        for language in resolution_order(get_language() or "en")
    ]
    return Lower(Coalesce(*fields) if len(fields) > 1 else fields[0])


def products_for_market(
    *,
    products: QuerySet[Product],
    market: Market,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    value_groups: Sequence[Sequence[int]] = (),
    in_stock: bool = False,
) -> "QuerySet[WithAnnotations[Product, CardPrefetch]]":
    """Products with a variant that passes the filters in the market, for cards."""
    # `from_price`: the lowest market price among the variants that pass the filters.
    variants = _matching_variants(
        market=market,
        price_min=price_min,
        price_max=price_max,
        value_groups=value_groups,
        in_stock=in_stock,
    )
    lowest = (
        variants.order_by()
        .values("product")
        .annotate(lowest=Min("prices__amount"))
        .values("lowest")[:1]
    )
    return cast(  # the plugin cannot see through _card_prefetches()
        "QuerySet[WithAnnotations[Product, CardPrefetch]]",
        products.filter(offerable_in_market_q(market=market))
        .annotate(from_price=Subquery(lowest))
        .filter(from_price__isnull=False)
        .prefetch_related(*_card_prefetches(market)),
    )


def product_list_for_market(
    *,
    market: Market,
    category: Category | None = None,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    value_groups: Sequence[Sequence[int]] = (),
    in_stock: bool = False,
    sort: str = ProductSort.NEWEST,
) -> "QuerySet[WithAnnotations[Product, CardPrefetch]]":
    """Active products of a category's subtree sold in the market, filtered, sorted."""
    products = Product.objects.all()
    if category is not None:
        products = products.filter(_in_subtree(category))
    products = products_for_market(
        products=products,
        market=market,
        price_min=price_min,
        price_max=price_max,
        value_groups=value_groups,
        in_stock=in_stock,
    )
    if sort == ProductSort.PRICE_ASC:
        return products.order_by("from_price", "-created_at", "id")
    if sort == ProductSort.PRICE_DESC:
        return products.order_by("-from_price", "-created_at", "id")
    if sort == ProductSort.NAME:
        return products.order_by(_name_sort_key(), "id")
    return products.order_by("-created_at", "-id")


class _CountedPaginator(Paginator):
    """A paginator told the size of its list: it asks no COUNT query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


LISTING_PAGE_MAX = 1_000_000


def listing_page(
    *, products: "QuerySet[Product]", number: str | None, per_page: int
) -> Page:
    """One page of a listing, as `Paginator.get_page` picks it, and the listing's
    size, in one query (a window count) instead of a COUNT and the page's query; the
    page's products come without the card prefetches."""
    products = products.prefetch_related(None)
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 1
    # A number far past any listing's end (OFFSET is a 64-bit integer in SQL) is
    # past the end without asking the database.
    if 1 <= wanted <= LISTING_PAGE_MAX:
        start = (wanted - 1) * per_page
        rows = list(
            products.annotate(listing_size=Window(Count("pk")))[
                start : start + per_page
            ]
        )
        if rows or wanted == 1:
            size = rows[0].listing_size if rows else 0
            paginator = _CountedPaginator(products, per_page, count=size)
            return Page(rows, wanted, paginator)
    # Below 1 or past the end: the last page, as get_page answers.
    everything = Paginator(products, per_page)
    return everything.page(everything.num_pages)


@dataclass(frozen=True)
class FacetGroup:
    """An attribute and its values found among a subtree's products."""

    attribute: Attribute
    values: list[AttributeValue]


def facet_groups(*, category: Category, market: Market) -> list[FacetGroup]:
    """Attribute values of variants sold in the market within a category's subtree,
    of products that may be offered there (a gated product lends no filter)."""
    values = (
        AttributeValue.objects.filter(
            Q(variants__product__category__path=category.path)
            | Q(variants__product__category__path__startswith=f"{category.path}."),
            variants__product__in=Product.objects.filter(
                offerable_in_market_q(market=market)
            ),
            variants__prices__market=market,
        )
        .select_related("attribute")
        .order_by("attribute__slug", "position", "slug")
        .distinct()
    )
    groups: dict[int, FacetGroup] = {}
    for value in values:
        group = groups.get(value.attribute_id)
        if group is None:
            group = groups[value.attribute_id] = FacetGroup(
                attribute=value.attribute, values=[]
            )
        group.values.append(value)
    return list(groups.values())


@dataclass(frozen=True)
class ProductCard:
    """What a product card shows: the product, its lowest price, stock and image."""

    product: Product
    price: EffectivePrice | None
    has_price_range: bool
    in_stock: bool
    image: ProductImage | None


def product_cards(
    *,
    products: "Iterable[WithAnnotations[Product, CardPrefetch]]",
    market: Market,
    tax_rate: TaxRate | None,
) -> list[ProductCard]:
    """Cards for products fetched by `products_for_market` (no further queries)."""
    cards = []
    now = timezone.now()
    for product in products:
        priced = [
            (variant, price)
            for variant in product.variant_list
            if (
                price := price_effective(
                    variant=variant, market=market, at=now, tax_rate=tax_rate
                )
            )
            is not None
        ]
        # The listing's filters chose `from_price` among the variants' prices
        # (promotions aside); show the cheapest of the variants it came from.
        from_price = getattr(product, "from_price", None)
        chosen = [
            pair for pair in priced if pair[0].market_prices[0].amount == from_price
        ]
        cheapest = min(chosen or priced, key=lambda pair: pair[1].amount, default=None)
        amounts = {price.amount for _, price in priced}
        cards.append(
            ProductCard(
                product=product,
                price=cheapest[1] if cheapest else None,
                has_price_range=len(amounts) > 1,
                in_stock=any(variant.stock > 0 for variant, _ in priced),
                image=product.first_images[0] if product.first_images else None,
            )
        )
    return cards


# --- The product page ------------------------------------------------------------


def _facts_prefetches(market: Market) -> list[Prefetch]:
    """The FactsPrefetch names: specifications, and variants with their attribute
    values and their prices in the market."""
    variants = Variant.objects.order_by("position", "id").prefetch_related(
        Prefetch(
            "values",
            queryset=AttributeValue.objects.select_related("attribute").order_by(
                "attribute__slug", "position", "slug"
            ),
            to_attr="value_list",
        ),
        *prices_prefetch(market=market),
    )
    return [
        Prefetch(
            "specifications",
            queryset=Specification.objects.order_by("position", "id"),
            to_attr="specification_list",
        ),
        Prefetch("variants", queryset=variants, to_attr="variant_list"),
    ]


def product_facts_for_market(
    *, slug: str, market: Market
) -> "WithAnnotations[Product, FactsPrefetch] | None":
    """A product offerable in the market with its specs and variant prices: what
    the product page states of it, without images and reviews."""
    product = (
        Product.objects.filter(slug=slug)
        .prefetch_related(*_facts_prefetches(market))
        .first()
    )
    if product is None or product.pk not in offerable_product_ids(market=market):
        return None
    return cast("WithAnnotations[Product, FactsPrefetch]", product)


def product_detail_for_market(
    *, slug: str, market: Market
) -> "WithAnnotations[Product, DetailPrefetch] | None":
    """An active product with images, specs, variant prices and approved reviews."""
    # The prefetches below are the DetailPrefetch names.
    return cast(
        "WithAnnotations[Product, DetailPrefetch] | None",
        (
            Product.objects.filter(offerable_in_market_q(market=market), slug=slug)
            .select_related("category", "safety")
            .prefetch_related(
                Prefetch(
                    "images",
                    queryset=ProductImage.objects.order_by("position", "id"),
                    to_attr="image_list",
                ),
                *_facts_prefetches(market),
                Prefetch(
                    "reviews",
                    queryset=Review.objects.filter(
                        status=ReviewStatus.APPROVED
                    ).order_by("-created_at", "-id")[:REVIEWS_SHOWN],
                    to_attr="approved_reviews",
                ),
            )
            .annotate(
                rating_average=Avg(
                    "reviews__rating", filter=Q(reviews__status=ReviewStatus.APPROVED)
                ),
                rating_count=Count(
                    "reviews", filter=Q(reviews__status=ReviewStatus.APPROVED)
                ),
            )
            .first()
        ),
    )


class StockState(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    LOW = "low", _("Only a few left")
    OUT = "out", _("Out of stock")


@dataclass(frozen=True)
class VariantOption:
    """One choosable variant of a product page, with its price in the market."""

    variant: Variant
    label: str
    price: EffectivePrice | None
    stock_state: str
    selected: bool


def _stock_state(stock: int) -> str:
    if stock <= 0:
        return StockState.OUT
    if stock <= LOW_STOCK_THRESHOLD:
        return StockState.LOW
    return StockState.IN_STOCK


def product_variant_options(
    *,
    product: "WithAnnotations[Product, DetailPrefetch]",
    market: Market,
    tax_rate: TaxRate | None,
    sku: str | None,
) -> list[VariantOption]:
    """The variants of a product from `product_detail_for_market`, one selected."""
    # The variant named by `sku`; else the first in stock and sold in the market,
    # else the first sold in the market, else the first.
    variants = product.variant_list
    chosen = next((v for v in variants if sku and v.sku == sku), None)
    if chosen is None:
        chosen = (
            next((v for v in variants if v.market_prices and v.stock > 0), None)
            or next((v for v in variants if v.market_prices), None)
            or next(iter(variants), None)
        )
    options = []
    now = timezone.now()
    for variant in variants:
        label = ", ".join(
            f"{value.attribute.name}: {value.name}" for value in variant.value_list
        )
        options.append(
            VariantOption(
                variant=variant,
                label=label or variant.sku,
                price=price_effective(
                    variant=variant, market=market, at=now, tax_rate=tax_rate
                ),
                stock_state=_stock_state(variant.stock),
                selected=variant is chosen,
            )
        )
    return options


def _add_business_days(start: date, days: int) -> date:
    current = start
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def delivery_window(
    *, market: Market, now: datetime | None = None
) -> tuple[date, date]:
    """First and last expected delivery day: business days from today in the market."""
    today = (now or timezone.now()).astimezone(ZoneInfo(market.timezone)).date()
    return (
        _add_business_days(today, market.delivery_days_min),
        _add_business_days(today, market.delivery_days_max),
    )


def product_get(*, pk: int | str) -> Product | None:
    """A product by its id, active or not (staff pick it), or None."""
    return Product.objects.filter(pk=pk).first()


def product_active_by_slug(*, slug: str) -> Product | None:
    """An active product by its slug, without prices, or None."""
    return Product.objects.filter(slug=slug, is_active=True).first()
