"""A guest buys two products and sees every charge before the order button, in the
German market and in the US market."""

from decimal import Decimal

import pytest

from shop.models import Order, OrderStatus
from shop.tests.commerce_helpers import shipping_method
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)


def _in_market(new_page, live_server, code: str):
    page = new_page()
    page.context.add_cookies(
        [{"name": "tw_market", "value": code, "url": live_server.url}]
    )
    return page


def _add_to_cart(page, url: str) -> None:
    page.goto(url)
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url("**/cart/")


def _address(page, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)


def test_a_guest_checks_out_in_the_german_market(live_server, new_page):
    tent = make_product(name="Storm tent", name_de="Sturmzelt", prices={"DE": "249.00"})
    mug = make_product(name="Camp mug", name_de="Campingbecher", prices={"DE": "12.50"})
    shipping_method(market_code="DE", countries=["DE", "AT"], amount="4.90")
    page = _in_market(new_page, live_server, "DE")

    _add_to_cart(page, f"{live_server.url}/de/p/{tent.slug}/")
    _add_to_cart(page, f"{live_server.url}/de/p/{mug.slug}/")
    assert page.locator(".cart-link__count").inner_text().startswith("(2")
    page.click("a.button[href$='/checkout/']")
    _address(
        page,
        {
            "email": "erika@example.com",
            "full_name": "Erika Mustermann",
            "line1": "Hauptstraße 5",
            "postal_code": "10115",
            "city": "Berlin",
        },
    )
    assert page.locator("#id_region").count() == 0  # no state in Germany
    page.click(".checkout-form button[type=submit]")
    page.check("input[name=method]")
    page.click(".checkout-form button[type=submit]")

    summary = page.locator(".summary-charges").inner_text()
    assert "261,50\xa0€" in summary  # 249.00 + 12.50
    assert "4,90\xa0€" in summary
    assert "266,40\xa0€" in summary
    assert "inkl. 19\xa0% MwSt." in summary
    assert page.locator("a[href='/de/withdrawal/']").is_visible()
    button = page.locator("button.order-button")
    assert button.inner_text() == "Zahlungspflichtig bestellen"
    page.fill("#id_card_number", "4242 4242 4242 4242")
    button.click()

    page.wait_for_selector(".order-thanks")
    order = Order.objects.get()
    assert order.number in page.locator("main").inner_text()
    assert (order.status, order.total) == (OrderStatus.PAID, Decimal("266.40"))
    assert order.lines.count() == 2


def test_a_guest_checks_out_in_the_us_market_with_sales_tax(live_server, new_page):
    lamp = make_product(name="Desk lamp", prices={"US": "40.00"})
    mug = make_product(name="Camp mug", prices={"US": "10.00"})
    shipping_method(market_code="US", countries=["US"], amount="5.99")
    page = _in_market(new_page, live_server, "US")

    _add_to_cart(page, f"{live_server.url}/en/p/{lamp.slug}/")
    _add_to_cart(page, f"{live_server.url}/en/p/{mug.slug}/")
    page.click("a.button[href$='/checkout/']")
    _address(
        page,
        {
            "email": "pat@example.com",
            "full_name": "Pat Buyer",
            "line1": "1 Market St",
            "postal_code": "94105",
            "city": "San Francisco",
        },
    )
    page.select_option("#id_region", "CA")
    page.click(".checkout-form button[type=submit]")
    page.check("input[name=method]")
    page.click(".checkout-form button[type=submit]")

    summary = page.locator(".summary-charges").inner_text()
    assert "Sales tax US-CA (7.25%)" in summary
    assert "$3.63" in summary  # 7.25 % of $50.00
    assert "$59.62" in summary  # 50.00 + 5.99 + 3.63
    assert "collects them from you on delivery" in page.locator("main").inner_text()
    button = page.locator("button.order-button")
    assert button.inner_text() == "Place order and pay"
    page.fill("#id_card_number", "4242 4242 4242 4242")
    button.click()

    page.wait_for_selector(".order-thanks")
    order = Order.objects.get()
    assert order.number in page.locator("main").inner_text()
    assert (order.tax, order.total) == (Decimal("3.63"), Decimal("59.62"))
