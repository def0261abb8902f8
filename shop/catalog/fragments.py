"""Parts of catalog pages kept across requests, for every visitor (signed in or
not, page cache on or off): rendered product cards per market and language, a
category with its breadcrumbs and children, a listing's facets, its filter form as
rendered with nothing chosen, and a product page's data per market. A listing reads
its parts in two cache round trips (the category's parts, then the page's cards):
on a busy server each round trip also waits for a CPU again.

Each entry carries the catalog version it was made at, so any catalog, price, stock
or promotion write makes it stale at once; and an entry with prices lives no longer
than the next start or end of a promotion of its variants
(`promotions_next_change`), so a price that changes with the clock is never served
from before the change. Cards of a running promotion show a countdown and are not
stored.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from shop.catalog.selectors import (
    NAV_CACHE_SECONDS,
    FacetGroup,
    NavCategory,
    category_ancestors,
    category_by_slug,
    category_children,
    facet_groups,
    market_tax_rate,
    nav_categories_key,
    nav_categories_read,
    product_cards,
    product_cards_prefetch,
    product_detail_for_market,
    product_facts_for_market,
)
from shop.compliance.selectors import today
from shop.pricing.selectors import promotions_next_change
from shop.storefront.cache import versioned_get_many, versioned_set_many

if TYPE_CHECKING:
    from django import forms
    from django_stubs_ext import WithAnnotations

    from shop.catalog.selectors import CardPrefetch, DetailPrefetch, FactsPrefetch
    from shop.models import Category, Market, Product, Variant

CARD_TEMPLATE = "shop/includes/product_card.html"
FILTERS_TEMPLATE = "shop/includes/listing_filters.html"


def _seconds_valid(*, variants: "Iterable[Variant]", now: datetime) -> int:
    """How long prices of these variants computed now stay right: the fragment
    lifetime, cut at their next promotion start or end."""
    lifetime = settings.CATALOG_FRAGMENT_SECONDS
    change = promotions_next_change(variants=variants, at=now)
    if change is None:
        return lifetime
    return max(0, min(lifetime, int((change - now).total_seconds())))


def _market_day(market: "Market") -> str:
    """The part of a key for what a market may be offered: entries of gated
    content are kept per day too, since a certificate lapses at midnight."""
    return f"{market.code}:{today().isoformat()}"


def _keep_priced(
    *,
    version: int,
    key: str,
    value: object,
    variants: "Iterable[Variant]",
    now: datetime,
) -> None:
    """Store an entry with prices worked out `now`, read at catalog `version`."""
    versioned_set_many(
        version=version,
        entries={key: value},
        timeout=_seconds_valid(variants=variants, now=now),
    )


@dataclass(frozen=True)
class CategoryPage:
    """What a category listing shows besides its products."""

    category: "Category"
    breadcrumbs: list["Category"]
    subcategories: list["Category"]
    facets: list[FacetGroup]
    nav: list[NavCategory]
    # The filter form with nothing chosen, as rendered for this path; None if not kept.
    filters_html: SafeString | None
    filters_key: str
    version: int


def category_page(*, slug: str, market: "Market", path: str) -> CategoryPage | None:
    """A category with its breadcrumbs, subcategories and facets in the market, the
    header's categories and the unfiltered filter form, read in one cache round trip
    (each is a separate round trip on a busy server); None if there is no such
    category."""
    language = get_language()
    category_key = f"fragment:category:{slug}"
    facets_key = f"fragment:facets:{_market_day(market)}:{slug}"
    nav_key = nav_categories_key(language=language)
    filters_key = f"fragment:filters:{_market_day(market)}:{language}:{path}"
    version, found = versioned_get_many(
        [category_key, facets_key, nav_key, filters_key]
    )
    made: dict[str, Any] = {}
    if category_key in found:
        parts = found[category_key]
    else:
        category = category_by_slug(slug=slug)
        if category is None:
            return None
        parts = made[category_key] = (
            category,
            category_ancestors(category=category),
            category_children(category=category),
        )
    if facets_key in found:
        facets = found[facets_key]
    else:
        facets = made[facets_key] = facet_groups(category=parts[0], market=market)
    versioned_set_many(
        version=version, entries=made, timeout=settings.CATALOG_FRAGMENT_SECONDS
    )
    if nav_key in found:
        nav = found[nav_key]
    else:
        nav = nav_categories_read()
        versioned_set_many(
            version=version, entries={nav_key: nav}, timeout=NAV_CACHE_SECONDS
        )
    filters_html = found.get(filters_key)
    return CategoryPage(
        category=parts[0],
        breadcrumbs=parts[1],
        subcategories=parts[2],
        facets=facets,
        nav=nav,
        # Rendered by our own template, escaped there.
        filters_html=None if filters_html is None else mark_safe(filters_html),  # noqa: S308
        filters_key=filters_key,
        version=version,
    )


def listing_filters_html(
    *, page: CategoryPage, form: "forms.Form", market: "Market", path: str
) -> SafeString:
    """The listing's filter form, rendered; kept when nothing is chosen (no field of
    the form in the query): the form every visitor of the bare listing sees."""
    untouched = not form.data.keys() & form.fields.keys()
    if untouched and page.filters_html is not None:
        return page.filters_html
    html = render_to_string(
        FILTERS_TEMPLATE, {"form": form, "market": market, "path": path}
    )
    if untouched:
        versioned_set_many(
            version=page.version,
            entries={page.filters_key: str(html)},
            timeout=settings.CATALOG_FRAGMENT_SECONDS,
        )
    return mark_safe(html)  # noqa: S308 (our own template escapes)


def product_detail(
    *, slug: str, market: "Market"
) -> "tuple[WithAnnotations[Product, DetailPrefetch], list[Category]] | None":
    """`product_detail_for_market` and the product's breadcrumbs, kept per market
    and day until the catalog version changes or one of its promotions starts or
    ends."""
    key = f"fragment:product:{_market_day(market)}:{slug}"
    version, found = versioned_get_many([key])
    if key in found:
        return found[key]
    now = timezone.now()
    product = product_detail_for_market(slug=slug, market=market)
    if product is None:
        return None
    detail = (product, category_ancestors(category=product.category))
    _keep_priced(
        version=version, key=key, value=detail, variants=product.variant_list, now=now
    )
    return detail


def product_facts(
    *, slug: str, market: "Market"
) -> "WithAnnotations[Product, FactsPrefetch] | None":
    """A product's specifications and variant prices in the market: the product
    page's stored data when a visit left it, else `product_facts_for_market`
    (lighter, no images or reviews), kept as long as the page's."""
    page_key = f"fragment:product:{_market_day(market)}:{slug}"
    facts_key = f"fragment:facts:{_market_day(market)}:{slug}"
    version, found = versioned_get_many([page_key, facts_key])
    if page_key in found:
        return found[page_key][0]
    if facts_key in found:
        return found[facts_key]
    now = timezone.now()
    product = product_facts_for_market(slug=slug, market=market)
    if product is None:
        return None
    _keep_priced(
        version=version,
        key=facts_key,
        value=product,
        variants=product.variant_list,
        now=now,
    )
    return product


def product_cards_html(
    *, page: "Iterable[WithAnnotations[Product, CardPrefetch]]", market: "Market"
) -> list[SafeString]:
    """The rendered cards of one page of a listing, in order: stored cards from the
    cache; the rest get their prices and images in a fixed number of queries, are
    rendered once per market and language, and stored."""
    # A page already read (`listing_page`), or one query for the page's products,
    # without the card prefetches.
    products = (
        page
        if isinstance(page, list)
        else list(cast("QuerySet[Product]", page).prefetch_related(None))
    )
    language = get_language()
    keys = {
        product.pk: (
            f"fragment:card:{market.code}:{language}:{product.pk}:"
            # The listing's filters pick the price a card starts from.
            f"{getattr(product, 'from_price', None)}"
        )
        for product in products
    }
    version, found = versioned_get_many(list(keys.values()))
    missing = [product for product in products if keys[product.pk] not in found]
    if missing:
        now = timezone.now()
        product_cards_prefetch(products=missing, market=market)
        cards = product_cards(
            # Prefetched just above: now they carry what CardPrefetch names.
            products=cast("list[WithAnnotations[Product, CardPrefetch]]", missing),
            market=market,
            tax_rate=market_tax_rate(market=market),
        )
        by_lifetime: dict[int, dict[str, str]] = {}
        for card in cards:
            key = keys[card.product.pk]
            found[key] = render_to_string(
                CARD_TEMPLATE, {"card": card, "market": market}
            )
            if card.price is None or not card.price.is_promotion:
                variants = card.product.variant_list  # type: ignore[attr-defined]
                seconds = _seconds_valid(variants=variants, now=now)
                by_lifetime.setdefault(seconds, {})[key] = found[key]
        for seconds, entries in by_lifetime.items():
            versioned_set_many(version=version, entries=entries, timeout=seconds)
    # Rendered by our own template, escaped there.
    return [mark_safe(found[keys[product.pk]]) for product in products]  # noqa: S308
