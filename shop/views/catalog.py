"""Storefront pages and the header's market and language switchers."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shop.cookies import language_cookie_set, market_cookie_set
from shop.page_cache import storefront_cached
from shop.search import product_search
from shop.selectors import (
    FacetGroup,
    ProductSort,
    category_ancestors,
    category_by_slug,
    category_children,
    delivery_window,
    facet_groups,
    market_tax_rate,
    nav_categories,
    product_cards,
    product_detail_for_market,
    product_list_for_market,
    product_variant_options,
    products_for_market,
)
from shop.services.accounts import user_preferences_update
from shop.services.markets import markets_active
from shop.views.reviews import product_review_context

PAGE_SIZE = 24
HOME_PRODUCTS = 12
SEARCH_MAX_LENGTH = 200
# Query parameters the listing itself uses; an attribute with such a slug is renamed.
LISTING_PARAMS = frozenset(
    {"page", "sort", "price_min", "price_max", "in_stock", "q", "variant"}
)


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe; also the bare view the storefront benchmark compares against."""
    return HttpResponse("ok", content_type="text/plain")


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


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search products"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "Your search is too long: use at most %(limit_value)d characters."
            )
        },
    )


# --- Pages -----------------------------------------------------------------------


@require_safe
@storefront_cached
def home(request: HttpRequest) -> HttpResponse:
    market = request.market
    products = product_list_for_market(market=market)[:HOME_PRODUCTS]
    cards = product_cards(
        products=products, market=market, tax_rate=market_tax_rate(market=market)
    )
    return render(
        request,
        "shop/home.html",
        {"cards": cards, "top_categories": nav_categories()},
    )


@require_safe
@storefront_cached
def category(request: HttpRequest, slug: str) -> HttpResponse:
    market = request.market
    found = category_by_slug(slug=slug)
    if found is None:
        raise Http404
    form = ListingForm(request.GET, facets=facet_groups(category=found, market=market))
    form.is_valid()
    products = product_list_for_market(
        market=market, category=found, **form.listing_filters()
    )
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    cards = product_cards(
        products=page.object_list,
        market=market,
        tax_rate=market_tax_rate(market=market),
    )
    return render(
        request,
        "shop/category.html",
        {
            "category": found,
            "breadcrumbs": category_ancestors(category=found),
            "subcategories": category_children(category=found),
            "form": form,
            "page_obj": page,
            "cards": cards,
        },
    )


@require_safe
@storefront_cached
def product(request: HttpRequest, slug: str) -> HttpResponse:
    market = request.market
    found = product_detail_for_market(slug=slug, market=market)
    if found is None:
        raise Http404
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
            "breadcrumbs": category_ancestors(category=found.category),
            "options": options,
            "selected": selected,
            "specifications": found.specification_list,
            "images": found.image_list,
            "delivery_first": delivery_first,
            "delivery_last": delivery_last,
            **product_review_context(request=request, product=found),
        },
    )


@require_safe
@storefront_cached
def search(request: HttpRequest) -> HttpResponse:
    market = request.market
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "search_query": query, "page_obj": None, "cards": []}
    if query:
        products = products_for_market(
            products=product_search(query=query, language=translation.get_language()),
            market=market,
        )
        page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
        context["page_obj"] = page
        context["cards"] = product_cards(
            products=page.object_list,
            market=market,
            tax_rate=market_tax_rate(market=market),
        )
    return render(request, "shop/search.html", context)


# --- Switchers -------------------------------------------------------------------


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "shop/bad_request.html", {"message": message}, status=400)


def _safe_next(request: HttpRequest) -> str | None:
    """The `next` URL of the form if it points back into this site, else None."""
    url = request.POST.get("next") or request.headers.get("Referer", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _home_in(language: str) -> str:
    with translation.override(language):
        return reverse("shop:home")


def _in_language(url: str, language: str) -> str:
    """The same page under another language prefix; home if it cannot be mapped."""
    current = translation.get_language_from_path(urlsplit(url).path)
    if current is None:
        return _home_in(language)
    # Resolve the URL under its own prefix, then reverse it under the new one.
    with translation.override(current):
        translated = translate_url(url, language)
    if translated == url and current != language:
        return _home_in(language)
    return translated


@require_POST
def market_switch(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("market", "")
    market = markets_active().get(code)
    if market is None:
        return _bad_request(
            request,
            gettext("“%(code)s” is not a market this shop sells to.") % {"code": code},
        )
    response = redirect(_safe_next(request) or reverse("shop:home"))
    market_cookie_set(response, request=request, code=market.code)
    if request.user.is_authenticated:
        user_preferences_update(user=request.user, market=market)
    return response


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in settings.SHOPPER_LANGUAGES:
        return _bad_request(
            request,
            gettext("“%(code)s” is not a language this shop is available in.")
            % {"code": language},
        )
    next_url = _safe_next(request)
    target = _in_language(next_url, language) if next_url else _home_in(language)
    response = redirect(target)
    language_cookie_set(response, request=request, language=language)
    if request.user.is_authenticated:
        user_preferences_update(user=request.user, language=language)
    return response
