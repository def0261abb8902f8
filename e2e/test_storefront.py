"""A shopper browses the storefront in a real browser, in their language and market."""

import re

import pytest

from shop.tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalog():
    category = make_category(name="Jackets", name_de="Jacken", name_fr="Vestes")
    product = make_product(
        category=category,
        name="Rain jacket",
        name_de="Regenjacke",
        name_fr="Veste de pluie",
        prices={"DE": "1299.00", "US": "1199.00"},
    )
    return category, product


def test_german_visitor_sees_euro_prices_then_switches_market_and_language(
    live_server, new_page, catalog
):
    category, product = catalog
    page = new_page(locale="de-DE", extra_http_headers={"Accept-Language": "de-DE"})
    page.goto(f"{live_server.url}/")
    assert re.search(r"/de/$", page.url)

    page.goto(f"{live_server.url}/de/p/{product.slug}/")
    assert page.locator("h1").inner_text() == "Regenjacke"
    assert "1.299,00\xa0€" in page.locator("main").inner_text()
    assert "inkl. 19" in page.locator("main").inner_text()

    # The market switcher changes currency and tax display, not the language.
    with page.expect_navigation():
        page.select_option("#market-select", "US")
    assert re.search(r"/de/p/", page.url)
    text = page.locator("main").inner_text()
    assert "1.199,00\xa0$" in text
    assert "1.299,00" not in text

    # The language switcher changes the language, not the market.
    page.select_option("#language-select", "fr")
    page.wait_for_url(re.compile(r"/fr/p/"))
    assert page.locator("h1").inner_text() == "Veste de pluie"
    assert page.locator("#market-select").input_value() == "US"
    assert page.locator("html").get_attribute("lang") == "fr"


def test_listing_fits_a_phone_screen_and_starts_with_a_skip_link(
    live_server, new_page, catalog
):
    category, _ = catalog
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True)
    page.goto(f"{live_server.url}/en/c/{category.slug}/")
    assert page.locator(".product-card, article").first.is_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
