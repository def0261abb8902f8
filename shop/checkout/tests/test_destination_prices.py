"""In a market whose prices include VAT, the gross price on the product page is the
price paid in every country of the market; only the VAT inside it follows the
destination country's rate (review step, order lines, invoice)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from shop.checkout.services.checkout import ShippingAddress, checkout_summary
from shop.models import Market, TaxRate
from shop.orders.services import invoice_tax_breakdown
from shop.pricing.services import CENT
from shop.tests.commerce_helpers import cart_with, market, place, shipping_method
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


# Every country of every seeded EU market, with an address there.
EU_DESTINATIONS = [
    ("DE", "DE", "10115", "Berlin"),
    ("DE", "AT", "1010", "Wien"),
    ("FR", "FR", "75001", "Paris"),
    ("FR", "BE", "1000", "Bruxelles"),
    ("FR", "LU", "1111", "Luxembourg"),
    ("ES", "ES", "28001", "Madrid"),
]


def test_the_destinations_are_every_country_of_every_eu_market():
    seeded = [
        (m.code, country)
        for m in Market.objects.all()
        if "gdpr" in m.privacy_regimes
        for country in m.countries
    ]
    assert sorted(seeded) == sorted((m, c) for m, c, _z, _city in EU_DESTINATIONS)


def _address(country: str, postal_code: str, city: str) -> ShippingAddress:
    return ShippingAddress(
        email="kunde@example.com",
        full_name="Erika Mustermann",
        line1="Hauptstraße 5",
        postal_code=postal_code,
        city=city,
        country=country,
    )


@pytest.mark.parametrize(("code", "country", "postal_code", "city"), EU_DESTINATIONS)
def test_the_gross_price_shown_is_the_price_paid_in_every_eu_country(
    code, country, postal_code, city
):
    jacket = make_product(prices={code: "144.99"})
    pan = make_product(prices={code: "39.95"})
    method = shipping_method(market_code=code, countries=[country], amount="4.90")
    cart = cart_with([(jacket, 2), (pan, 1)], market_code=code)
    address = _address(country, postal_code, city)
    rate = TaxRate.objects.get(country=country, region="").rate

    summary = checkout_summary(cart=cart, address=address, shipping_method_id=method.pk)

    assert [(line.unit_amount, line.line_amount) for line in summary.lines] == [
        (Decimal("144.99"), Decimal("289.98")),
        (Decimal("39.95"), Decimal("39.95")),
    ]
    assert summary.subtotal == Decimal("329.93")
    assert summary.shipping == Decimal("4.90")
    assert summary.total == Decimal("334.83")
    assert summary.tax_rate == rate
    vat = (Decimal("334.83") * rate / (1 + rate)).quantize(CENT, ROUND_HALF_UP)
    assert summary.tax == vat
    assert sum(line.tax_amount for line in summary.lines) + summary.shipping_tax == vat

    order = place(cart, address, method)

    lines = list(order.lines.order_by("id"))
    assert [(line.unit_gross_amount, line.line_gross_amount) for line in lines] == [
        (Decimal("144.99"), Decimal("289.98")),
        (Decimal("39.95"), Decimal("39.95")),
    ]
    assert {line.tax_rate for line in lines} == {rate}
    for line in lines:
        assert line.line_net_amount + line.tax_amount == line.line_gross_amount
    assert (order.subtotal, order.shipping, order.total, order.tax) == (
        Decimal("329.93"),
        Decimal("4.90"),
        Decimal("334.83"),
        vat,
    )
    assert order.shipping_tax_rate == rate
    breakdown = invoice_tax_breakdown(order=order)
    assert [(row.rate, row.tax, row.gross) for row in breakdown] == [
        (rate, vat, Decimal("334.83"))
    ]
    assert breakdown[0].net == Decimal("334.83") - vat


def test_the_austrian_review_page_shows_the_german_price_with_austrian_vat(client):
    jacket = make_product(name="Daunenjacke Bergen", prices={"DE": "144.99"})
    method = shipping_method(market_code="DE", countries=["DE", "AT"], amount="4.90")
    client.cookies["tw_market"] = "DE"
    client.post("/de/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})
    client.post(
        "/de/checkout/",
        {
            "email": "kundin@example.at",
            "full_name": "Anna Huber",
            "line1": "Ringstraße 1",
            "postal_code": "1010",
            "city": "Wien",
            "country": "AT",
        },
    )
    client.post("/de/checkout/shipping/", {"method": method.pk})

    page = client.get("/de/checkout/review/").content.decode()

    assert "144,99\xa0€" in page
    assert "146,21\xa0€" not in page
    assert "149,89\xa0€" in page  # the total: 144.99 + 4.90
    assert "inkl. 20\xa0% MwSt." in page
    assert "24,98\xa0€" in page  # 149.89 × 20 / 120
    assert market("DE").default_country == "DE"
