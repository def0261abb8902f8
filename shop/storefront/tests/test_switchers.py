import pytest
from django.conf import settings

from shop.markets.services import MARKET_COOKIE
from shop.models import Market
from shop.tests.pages import EURO_1299, _html

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_english_while_arranging"),
]


# --- Market and language switchers -------------------------------------------------


def test_market_switch_sets_the_cookie_and_redirects_back(client):
    response = client.post("/market/", {"market": "DE", "next": "/fr/c/tents/?page=2"})

    assert response.status_code == 302
    assert response["Location"] == "/fr/c/tents/?page=2"
    assert response.cookies[MARKET_COOKIE].value == "DE"
    assert response.cookies[MARKET_COOKIE]["httponly"] is True


def test_market_switch_changes_the_market_of_the_next_page(client, catalog):
    client.post("/market/", {"market": "DE", "next": "/en/"})

    html = _html(client.get(f"/en/p/{catalog['product'].slug}/"))

    assert EURO_1299 in html


@pytest.mark.parametrize(
    ("market", "path", "locale"),
    [("GB", "/en/", "en-GB"), ("US", "/en/", "en-US"), ("DE", "/de/", "de-DE")],
)
def test_the_browser_writes_times_as_the_language_is_written_in_the_market(
    client, market, path, locale
):
    client.post("/market/", {"market": market, "next": path})

    html = _html(client.get(path))

    assert f'<meta name="format-locale" content="{locale}">' in html


def test_market_switch_keeps_the_language(client):
    response = client.post("/market/", {"market": "BR", "next": "/de/"})

    assert response["Location"] == "/de/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_market_switch_refuses_an_unknown_market(client):
    response = client.post("/market/", {"market": "XX", "next": "/en/"})

    assert response.status_code == 400
    assert "“XX” is not a market this shop sells to." in _html(response)
    assert MARKET_COOKIE not in response.cookies


def test_market_switch_refuses_an_inactive_market(client):
    Market.objects.filter(code="ID").update(is_active=False)

    response = client.post("/market/", {"market": "ID", "next": "/en/"})

    assert response.status_code == 400


def test_market_switch_refuses_an_open_redirect(client):
    response = client.post(
        "/market/", {"market": "DE", "next": "https://evil.example/phish"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_market_switch_only_accepts_post(client):
    assert client.get("/market/?market=DE").status_code == 405


def test_market_switch_saves_the_choice_for_signed_in_shoppers(
    client, django_user_model
):
    user = django_user_model.objects.create_user(email="bo@example.com")
    client.force_login(user)

    client.post("/market/", {"market": "FR", "next": "/en/"})

    user.refresh_from_db()
    assert user.preferred_market.code == "FR"


def test_language_switch_redirects_to_the_same_page_in_the_new_language(
    client, catalog
):
    url = f"/en/p/{catalog['product'].slug}/?variant=x"

    response = client.post("/language/", {"language": "de", "next": url})

    assert response.status_code == 302
    assert response["Location"] == f"/de/p/{catalog['product'].slug}/?variant=x"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"


def test_language_switch_maps_pt_br_pages(client):
    response = client.post(
        "/language/", {"language": "en", "next": "/pt-br/search/?q=x"}
    )

    assert response["Location"] == "/en/search/?q=x"


def test_language_switch_keeps_the_market(client):
    client.cookies[MARKET_COOKIE] = "BR"

    response = client.post("/language/", {"language": "id", "next": "/en/"})

    assert response["Location"] == "/id/"
    assert MARKET_COOKIE not in response.cookies


def test_language_switch_refuses_an_open_redirect(client):
    response = client.post(
        "/language/", {"language": "fr", "next": "https://evil.example/en/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_language_switch_refuses_a_staff_only_language(client):
    response = client.post("/language/", {"language": "zh-hans", "next": "/en/"})

    assert response.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_language_switch_saves_the_choice_for_signed_in_shoppers(
    client, django_user_model
):
    user = django_user_model.objects.create_user(email="cy@example.com")
    client.force_login(user)

    client.post("/language/", {"language": "es", "next": "/en/"})

    user.refresh_from_db()
    assert user.preferred_language == "es"
