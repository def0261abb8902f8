import pytest
from django.core.cache import cache
from django.test import RequestFactory

from shop.markets.services import (
    MARKET_COOKIE,
    market_resolve,
    market_save,
    markets_active,
    markets_delete,
)
from shop.models import Market
from shop.storefront.cache import CATALOG_VERSION_KEY

pytestmark = pytest.mark.django_db


def _request(**headers):
    request = RequestFactory().get("/", **headers)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def test_market_resolves_from_explicit_choice_before_accept_language():
    request = _request(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    request.COOKIES[MARKET_COOKIE] = "BR"
    assert market_resolve(request=request).code == "BR"


def test_market_resolves_from_account_before_accept_language(django_user_model):
    user = django_user_model.objects.create_user(
        email="ana@example.com", preferred_market=Market.objects.get(code="ID")
    )
    request = _request(HTTP_ACCEPT_LANGUAGE="fr-FR")
    request.user = user
    assert market_resolve(request=request).code == "ID"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-AT,de;q=0.9,en;q=0.5", "DE"),
        ("fr-BE", "FR"),
        ("pt-BR,pt;q=0.8", "BR"),
        ("es", "ES"),
        ("id-ID", "ID"),
        ("en-US,en;q=0.9", "US"),
        ("en;q=0.2,de;q=0.9", "DE"),
    ],
)
def test_market_resolves_from_accept_language(header, expected):
    assert (
        market_resolve(request=_request(HTTP_ACCEPT_LANGUAGE=header)).code == expected
    )


def test_market_falls_back_to_default_market_for_unknown_language():
    assert market_resolve(request=_request(HTTP_ACCEPT_LANGUAGE="ja-JP")).code == "US"


def test_unknown_market_cookie_is_ignored():
    request = _request(HTTP_ACCEPT_LANGUAGE="es-ES")
    request.COOKIES[MARKET_COOKIE] = "XX"
    assert market_resolve(request=request).code == "ES"


def test_market_save_clears_the_cache_and_the_cached_pages(
    django_capture_on_commit_callbacks,
):
    us = Market.objects.get(code="US")
    assert markets_active()["US"].name_en == "United States"
    before = cache.get(CATALOG_VERSION_KEY, 0)
    us.name_en = "USA"

    with django_capture_on_commit_callbacks(execute=True):
        market_save(market=us)

    assert markets_active()["US"].name_en == "USA"
    assert cache.get(CATALOG_VERSION_KEY, 0) == before + 1


def test_markets_delete_forgets_the_deleted_market(
    django_capture_on_commit_callbacks,
):
    Market.objects.create(
        code="XX", name="Nowhere", currency="EUR", prices_include_tax=True
    )
    assert "XX" in markets_active()

    with django_capture_on_commit_callbacks(execute=True):
        count = markets_delete(markets=Market.objects.filter(code="XX"))

    assert count == 1
    assert "XX" not in markets_active()
