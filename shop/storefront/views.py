"""Storefront pages (home, search, health) and the header's market and language
switchers."""

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shop.accounts.services import user_preferences_update
from shop.catalog.search import product_search
from shop.catalog.selectors import (
    market_tax_rate,
    nav_categories,
    product_cards,
    product_list_for_market,
    products_for_market,
)
from shop.catalog.views import PAGE_SIZE
from shop.checkout.services.cart import cart_market_follow
from shop.markets.cookies import language_cookie_set, market_cookie_set
from shop.markets.requests import MarketRequest
from shop.markets.services import markets_active
from shop.storefront.page_cache import CanonicalQuery, storefront_cached

HOME_PRODUCTS = 12
SEARCH_MAX_LENGTH = 200


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe; also the bare view the storefront benchmark compares against."""
    return HttpResponse("ok", content_type="text/plain")


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


def search_query_canonical(query: QueryDict) -> CanonicalQuery:
    """Results for free text are rendered afresh; the empty search page is cached."""
    return None if query.get("q", "").strip() else []


@require_safe
@storefront_cached()
def home(request: MarketRequest) -> HttpResponse:
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
@storefront_cached(query=search_query_canonical)
def search(request: MarketRequest) -> HttpResponse:
    market = request.market
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context: dict[str, Any] = {
        "form": form,
        "search_query": query,
        "page_obj": None,
        "cards": [],
    }
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
    cart_market_follow(user=request.user, session=request.session, market=market)
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
