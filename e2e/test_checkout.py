"""A guest buys two products and sees every charge before the order button, in the
German market (to Germany and to Austria, at the product page's price) and in the
US market (San Francisco's sales tax)."""

from decimal import Decimal

import pytest

from shop.management.commands.seed_demo import DEMO_TAX_RATES
from shop.models import Order, OrderStatus
from shop.pricing.tax_import import local_tax_rates_import
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
    local_tax_rates_import(data=DEMO_TAX_RATES.read_bytes())
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
    assert "Sales tax, San Francisco (CA): 8.625%" in summary
    assert "$4.31" in summary  # 8.625 % of $50.00
    assert "$60.30" in summary  # 50.00 + 5.99 + 4.31
    main = page.locator("main").inner_text()
    assert "San Francisco, CA 94105" in main
    assert "duties" not in main.lower()  # a US seller shipping inside the US
    assert "You pay $60.30. Nothing else is charged after this button." in main
    button = page.locator("button.order-button")
    assert button.inner_text() == "Place order and pay"
    page.fill("#id_card_number", "4242 4242 4242 4242")
    button.click()

    page.wait_for_selector(".order-thanks")
    order = Order.objects.get()
    assert order.number in page.locator("main").inner_text()
    assert (order.tax, order.total) == (Decimal("4.31"), Decimal("60.30"))


def test_an_austrian_guest_pays_the_price_of_the_product_page(live_server, new_page):
    jacket = make_product(
        name="Down jacket", name_de="Daunenjacke Bergen", prices={"DE": "144.99"}
    )
    shipping_method(market_code="DE", countries=["DE", "AT"], amount="4.90")
    page = _in_market(new_page, live_server, "DE")

    page.goto(f"{live_server.url}/de/p/{jacket.slug}/")
    shown = page.locator(".price__amount").first.inner_text()
    assert "144,99\xa0€" in shown
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url("**/cart/")
    page.click("a.button[href$='/checkout/']")
    _address(
        page,
        {
            "email": "anna@example.at",
            "full_name": "Anna Huber",
            "line1": "Ringstraße 1",
            "postal_code": "1010",
            "city": "Wien",
        },
    )
    page.select_option("#id_country", "AT")
    page.click(".checkout-form button[type=submit]")
    page.check("input[name=method]")
    page.click(".checkout-form button[type=submit]")

    items = page.locator(".summary-items").inner_text()
    summary = page.locator(".summary-charges").inner_text()
    assert "144,99\xa0€" in items
    assert "146,21" not in items + summary
    assert "149,89\xa0€" in summary  # 144.99 + 4.90
    assert "inkl. 20\xa0% MwSt." in summary
    assert "24,98\xa0€" in summary  # Austria's 20 % inside 149.89
    assert "1010 Wien" in page.locator("main").inner_text()
    page.fill("#id_card_number", "4242 4242 4242 4242")
    page.locator("button.order-button").click()

    page.wait_for_selector(".order-thanks")
    order = Order.objects.get()
    line = order.lines.get()
    assert (line.unit_gross_amount, line.tax_rate) == (
        Decimal("144.99"),
        Decimal("0.2000"),
    )
    assert (order.total, order.tax) == (Decimal("149.89"), Decimal("24.98"))
    assert "149,89\xa0€" in page.locator("main").inner_text()
