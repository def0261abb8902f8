"""Catalog pages: category listings with their filters, and product pages."""

from django import forms
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shop.catalog.fragments import (
    category_page,
    listing_filters_html,
    product_cards_html,
    product_detail,
)
from shop.catalog.selectors import (
    FacetGroup,
    ProductSort,
    attribute_values_by_slug,
    delivery_window,
    listing_page,
    market_tax_rate,
    product_list_for_market,
    product_variant_options,
)
from shop.compliance.selectors import certificates_shown, product_safety_of
from shop.markets.requests import MarketRequest
from shop.reviews.views import product_review_context
from shop.storefront.page_cache import (
    CanonicalQuery,
    page_param_canonical,
    storefront_cached,
)

PAGE_SIZE = 24
# Query parameters the listing itself uses; an attribute with such a slug is renamed.
LISTING_PARAMS = frozenset(
    {"page", "sort", "price_min", "price_max", "in_stock", "q", "variant"}
)


# --- Forms -----------------------------------------------------------------------


def facet_param(attribute_slug: str) -> str:
    """The query parameter of an attribute's facet: its slug, unless that is taken."""
    if attribute_slug in LISTING_PARAMS:
        return f"attr-{attribute_slug}"
    return attribute_slug


class ListingForm(forms.Form):
    """The filters and sort order of a category listing, read from the query string."""

    price_min = forms.DecimalField(
        label=_("Minimum price"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter the minimum price as a number, e.g. 10 or 10.50.")
        },
    )
    price_max = forms.DecimalField(
        label=_("Maximum price"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter the maximum price as a number, e.g. 10 or 10.50.")
        },
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"), choices=ProductSort.choices, required=False
    )

    def __init__(self, *args, facets: list[FacetGroup], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.facets = facets
        for group in facets:
            self.fields[facet_param(group.attribute.slug)] = forms.MultipleChoiceField(
                label=group.attribute.name,
                required=False,
                choices=[(value.slug, value.name) for value in group.values],
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": _(
                        "%(value)s is not one of the values you can filter by."
                    )
                },
            )

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # the base clean() returns cleaned_data
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "price_max",
                _("The maximum price must not be below the minimum price."),
            )
        return data

    def facet_fields(self) -> list[forms.BoundField]:
        return [self[facet_param(group.attribute.slug)] for group in self.facets]

    def listing_filters(self) -> dict:
        """The valid part of the input as selector arguments; bad parts left out."""
        data = getattr(self, "cleaned_data", {})
        value_groups = []
        for group in self.facets:
            chosen = set(data.get(facet_param(group.attribute.slug)) or ())
            ids = [value.pk for value in group.values if value.slug in chosen]
            if ids:
                value_groups.append(ids)
        return {
            "price_min": data.get("price_min"),
            "price_max": data.get("price_max"),
            "in_stock": bool(data.get("in_stock")),
            "value_groups": value_groups,
            "sort": data.get("sort") or ProductSort.NEWEST,
        }


# --- Page cache keys -------------------------------------------------------------


def listing_query_canonical(query: QueryDict) -> CanonicalQuery:
    """The listing's filters as the page cache keys them; prices are free input and
    are not cached. Names the listing does not read are left out."""
    if query.get("price_min") or query.get("price_max"):
        return None
    pairs = page_param_canonical(query)
    if pairs is None:
        return None
    sorts = query.getlist("sort")
    if sorts and sorts != [""]:
        if len(sorts) > 1 or sorts[0] not in ProductSort.values:
            return None
        pairs.append(("sort", sorts[0]))
    # A checkbox: anything but empty or "false" is on (CheckboxInput's reading).
    if query.getlist("in_stock") and query.getlist("in_stock")[-1] not in ("", "false"):
        pairs.append(("in_stock", "on"))
    others = [name for name in query if name not in LISTING_PARAMS]
    if others:
        known = {
            facet_param(slug): values
            for slug, values in attribute_values_by_slug().items()
        }
        for name in others:
            if name not in known:
                continue
            chosen = set(query.getlist(name))
            if not chosen <= known[name]:
                return None
            pairs.extend((name, value) for value in sorted(chosen))
    return pairs


def product_query_canonical(query: QueryDict) -> CanonicalQuery:
    """A chosen variant is rendered afresh; the bare product page is cached."""
    return None if query.get("variant") else []


@require_safe
@storefront_cached(query=listing_query_canonical)
def category(request: MarketRequest, slug: str) -> HttpResponse:
    market = request.market
    parts = category_page(slug=slug, market=market, path=request.path)
    if parts is None:
        raise Http404
    form = ListingForm(request.GET, facets=parts.facets)
    form.is_valid()
    products = product_list_for_market(
        market=market, category=parts.category, **form.listing_filters()
    )
    page = listing_page(
        products=products, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return render(
        request,
        "shop/category.html",
        {
            "category": parts.category,
            "breadcrumbs": parts.breadcrumbs,
            "subcategories": parts.subcategories,
            # Read with the category: the header asks no cache of its own.
            "nav_categories": parts.nav,
            "filters_html": listing_filters_html(
                page=parts, form=form, market=market, path=request.path
            ),
            "page_obj": page,
            "rendered_cards": product_cards_html(page=page.object_list, market=market),
        },
    )


@require_safe
@storefront_cached(query=product_query_canonical)
def product(request: MarketRequest, slug: str) -> HttpResponse:
    market = request.market
    detail = product_detail(slug=slug, market=market)
    if detail is None:
        raise Http404
    found, breadcrumbs = detail
    options = product_variant_options(
        product=found,
        market=market,
        tax_rate=market_tax_rate(market=market),
        sku=request.GET.get("variant"),
    )
    selected = next((option for option in options if option.selected), None)
    delivery_first, delivery_last = delivery_window(market=market)
    return render(
        request,
        "shop/product.html",
        {
            "product": found,
            "breadcrumbs": breadcrumbs,
            "options": options,
            "selected": selected,
            "specifications": found.specification_list,
            "images": found.image_list,
            "safety": product_safety_of(product=found),
            "certificates": certificates_shown(product=found, market=market),
            "delivery_first": delivery_first,
            "delivery_last": delivery_last,
            **product_review_context(request=request, product=found),
        },
    )
