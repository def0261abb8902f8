import re
from decimal import Decimal

import pytest

from shop.markets.services import MARKET_COOKIE
from shop.pricing.services import price_set
from shop.tests.factories import make_category, make_product
from shop.tests.pages import (
    EURO_1299,
    LANGUAGES,
    _fill_category,
    _html,
    _in_market,
    _market,
    _page_urls,
)
from shop.tests.test_translations import untranslated_ui_strings

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_english_while_arranging"),
]


# --- Every page, every language ----------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", ["home", "category", "product", "search"])
def test_storefront_page_renders_in_every_shopper_language(
    client, catalog, page, language
):
    response = client.get(_page_urls(catalog, language)[page])

    assert response.status_code == 200
    assert f'<html lang="{language}">' in _html(response)
    if language != "en":
        assert untranslated_ui_strings(_html(response), language) == []


@pytest.mark.parametrize("page", ["home", "category", "product", "search"])
def test_storefront_page_links_its_alternates_in_every_language(client, catalog, page):
    url = _page_urls(catalog, "fr")[page]

    html = _html(client.get(url))

    links = re.findall(
        r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html
    )
    expected = [
        (
            code,
            "http://testserver"
            + url.replace("/fr/", f"/{code}/", 1).replace("&", "&amp;"),
        )
        for code in LANGUAGES
    ]
    expected.append(("x-default", "http://testserver" + url.replace("/fr/", "/en/", 1)))
    assert links == expected


# --- Search --------------------------------------------------------------------------


def test_search_finds_a_product_by_a_word_of_its_name(client):
    make_product(name="Waterproof lantern", prices={"US": "25"})
    make_product(name="Copper kettle", prices={"US": "25"})

    html = _html(client.get("/en/search/?q=lantern"))

    assert "Waterproof lantern" in html
    assert "Copper kettle" not in html
    assert "$25.00" in html


def test_search_without_a_query_prompts_for_one(client):
    html = _html(client.get("/en/search/?q="))

    assert "What are you looking for?" in html


def test_search_with_a_too_long_query_explains_the_limit(client):
    response = client.get("/en/search/?q=" + "a" * 201)

    assert response.status_code == 200
    assert "Your search is too long: use at most 200 characters." in _html(response)


def test_search_without_results_says_so(client):
    html = _html(client.get("/en/search/?q=zeppelin"))

    assert "Nothing found for “zeppelin”." in html


@pytest.mark.parametrize("count", [3, 30])
def test_search_runs_a_fixed_number_of_queries(
    client, no_page_cache, django_assert_max_num_queries, count
):
    for index in range(count):
        make_product(name=f"Camping stove {index}", prices={"US": "10"})

    # The tenth query reads the listed variants' running promotions; the eleventh
    # the published legal pages (footer links, consent policy), cached for a minute.
    with django_assert_max_num_queries(11):
        response = client.get("/en/search/?q=stove")

    assert response.status_code == 200
    assert len(re.findall(r'class="card__title"', _html(response))) == min(count, 24)


@pytest.mark.parametrize("count", [3, 30])
def test_home_runs_a_fixed_number_of_queries(
    client, no_page_cache, django_assert_max_num_queries, count
):
    _fill_category(make_category(), count)

    # The eighth query reads the listed variants' running promotions; the ninth the
    # published legal pages (footer links, consent policy), cached for a minute.
    with django_assert_max_num_queries(9):
        response = client.get("/en/")

    assert response.status_code == 200


# --- Page cache ----------------------------------------------------------------------


def test_cached_page_is_served_again_without_database_queries(
    client, catalog, django_assert_num_queries
):
    url = f"/en/c/{catalog['root'].slug}/"
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert "Storm tent" in _html(second)
    assert _html(second).count("csrfmiddlewaretoken") == _html(first).count(
        "csrfmiddlewaretoken"
    )


def test_cached_page_varies_on_cookie_and_accept_language(client, catalog):
    url = f"/en/p/{catalog['product'].slug}/"
    client.get(url)

    response = client.get(url)

    assert "Cookie" in response["Vary"]
    assert "Accept-Language" in response["Vary"]


def test_new_price_shows_on_the_next_request_after_a_cached_one(
    client, catalog, django_capture_on_commit_callbacks
):
    url = f"/en/p/{catalog['product'].slug}/"
    assert "$1,299.00" in _html(client.get(url))
    assert "$1,299.00" in _html(client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        price_set(
            variant=catalog["product"].variants.get(),
            market=_market("US"),
            amount=Decimal("1099"),
        )

    html = _html(client.get(url))
    assert "$1,099.00" in html
    assert "$1,299.00" not in html


def test_cached_pages_differ_per_market(client, catalog):
    url = f"/en/p/{catalog['product'].slug}/"
    _in_market(client, "US").get(url)
    _in_market(client, "DE").get(url)

    us_html = _html(_in_market(client, "US").get(url))
    de_html = _html(_in_market(client, "DE").get(url))

    assert "$1,299.00" in us_html
    assert EURO_1299 in de_html
    assert "€" not in us_html.split("<main")[1]


def test_cached_pages_differ_per_language(client, catalog):
    client.get(f"/en/p/{catalog['product'].slug}/")
    client.get(f"/de/p/{catalog['product'].slug}/")

    assert "Sturmzelt" in _html(client.get(f"/de/p/{catalog['product'].slug}/"))
    assert "Storm tent" in _html(client.get(f"/en/p/{catalog['product'].slug}/"))


def test_cached_page_gives_each_visitor_a_working_csrf_token(client, catalog):
    from django.test import Client

    url = f"/en/c/{catalog['root'].slug}/"
    client.get(url)
    visitor = Client(enforce_csrf_checks=True)

    html = _html(visitor.get(url))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = visitor.post(
        "/market/", {"market": "DE", "next": url, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert response.cookies[MARKET_COOKIE].value == "DE"


def test_signed_in_shopper_is_not_served_the_anonymous_cache(
    client, catalog, django_user_model
):
    url = f"/en/p/{catalog['product'].slug}/"
    client.get(url)
    user = django_user_model.objects.create_user(email="ana@example.com")
    client.force_login(user)

    html = _html(client.get(url))

    assert "Sign out" in html
    assert "Sign in" not in html


# --- Header --------------------------------------------------------------------------


def test_header_has_skip_link_search_and_both_switchers(client):
    html = _html(client.get("/de/"))

    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert 'action="/de/search/"' in html
    assert 'name="q"' in html
    assert 'action="/market/"' in html
    assert 'action="/language/"' in html
    assert '<option value="de" lang="de" selected>Deutsch</option>' in html


def test_header_lists_top_level_categories(client, catalog):
    html = _html(client.get("/de/"))

    nav = html.split('class="category-nav"')[1].split("</nav>")[0]
    assert f'<a href="/de/c/{catalog["root"].slug}/">Draußen</a>' in nav
    assert "Zelte" not in nav


def test_header_shows_account_links_for_signed_in_staff(client, django_user_model):
    staff = django_user_model.objects.create_user(email="st@example.com", is_staff=True)
    client.force_login(staff)

    html = _html(client.get("/en/"))

    assert 'href="/en/accounts/profile/"' in html
    assert 'href="/admin/"' in html
    assert 'action="/en/accounts/logout/"' in html


def test_header_shows_sign_in_and_sign_up_for_visitors(client):
    html = _html(client.get("/en/"))

    assert 'href="/en/accounts/login/"' in html
    assert 'href="/en/accounts/signup/"' in html


def test_page_cache_is_off_when_its_lifetime_is_zero(
    client, catalog, no_page_cache, django_assert_max_num_queries
):
    url = f"/en/c/{catalog['root'].slug}/"
    client.get(url)

    with django_assert_max_num_queries(12) as captured:
        client.get(url)

    assert len(captured.captured_queries) > 0


def _stored_pages() -> set[bytes]:
    """The page cache's entries as Redis holds them."""
    from django.core.cache import cache

    # The Redis backend's own client: the test runs against Redis, as production.
    client = cache._cache.get_client(None)  # type: ignore[attr-defined]
    return set(client.keys(cache.make_key("page:*")))


@pytest.mark.parametrize("page", ["home", "category", "product", "search"])
def test_tracking_parameters_share_one_cached_page(client, catalog, page):
    url = {
        "home": "/en/",
        "category": f"/en/c/{catalog['root'].slug}/",
        "product": f"/en/p/{catalog['product'].slug}/",
        "search": "/en/search/",
    }[page]

    for number in range(50):
        assert client.get(f"{url}?utm_x={number}").status_code == 200

    assert len(_stored_pages()) == 1
    assert "utm_x" not in _html(client.get(f"{url}?utm_x=7"))


def test_listing_filters_are_keyed_in_canonical_order(client, catalog):
    _fill_category(catalog["root"], 2)
    url = f"/en/c/{catalog['root'].slug}/"

    client.get(f"{url}?sort=name&in_stock=on&colour-2=red&colour-2=blue")
    client.get(f"{url}?colour-2=blue&in_stock=1&colour-2=red&sort=name&utm_x=1")

    assert len(_stored_pages()) == 1


@pytest.mark.parametrize(
    "query",
    [
        "sort=bogus",
        "page=abc",
        "colour-2=no-such-value",
        "price_min=7",
        "page=1&page=2",
    ],
)
def test_unknown_or_free_values_are_rendered_but_not_stored(client, catalog, query):
    _fill_category(catalog["root"], 2)

    response = client.get(f"/en/c/{catalog['root'].slug}/?{query}")

    assert response.status_code == 200
    assert _stored_pages() == set()


def test_free_text_search_is_rendered_but_not_stored(client, catalog):
    for number in range(5):
        assert "Storm tent" in _html(client.get(f"/en/search/?q=storm&n={number}"))

    assert _stored_pages() == set()


@pytest.mark.parametrize("page", ["home", "category", "product"])
def test_absolute_links_name_the_site_url_not_the_requests_host(
    client, catalog, page, settings
):
    settings.ALLOWED_HOSTS = ["shop.example", "attacker.example"]
    settings.SITE_URL = "https://shop.example"
    url = {
        "home": "/en/",
        "category": f"/en/c/{catalog['root'].slug}/",
        "product": f"/en/p/{catalog['product'].slug}/",
    }[page]

    first = _html(client.get(url, HTTP_HOST="attacker.example"))
    second = _html(client.get(url, HTTP_HOST="shop.example"))

    for html in (first, second):
        assert "attacker.example" not in html
        assert f'<link rel="canonical" href="https://shop.example{url}">' in html
        assert (
            f'hreflang="de" href="https://shop.example{url.replace("/en/", "/de/")}"'
            in html
        )
