"""Addresses per country from Google's address data: field order, required fields,
postal-code patterns, states and provinces, clear errors per field, and the
address printed as its country writes it on review, order, invoice and email."""

import pytest

from shop.checkout.forms import CheckoutAddressForm
from shop.markets.addresses import address_lines, address_rules
from shop.orders.access import order_link_path
from shop.tests.commerce_helpers import (
    CA_ADDRESS,
    cart_with,
    market,
    place,
    shipping_method,
)
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


def _data(**values) -> dict:
    return {
        "email": "buyer@example.com",
        "full_name": "Pat Buyer",
        "line1": "1 Market St",
        **values,
    }


def test_the_address_data_is_bundled_with_the_package():
    rules = address_rules("US")
    assert ("CA", "California") in rules.regions
    assert rules.postal_code_examples == ("95014", "22162-1010")


def test_a_us_form_asks_city_state_and_zip_code_in_the_us_order():
    form = CheckoutAddressForm(market=market("US"))

    assert list(form.fields) == [
        "email",
        "full_name",
        "line1",
        "line2",
        "city",
        "region",
        "postal_code",
        "country",
    ]
    assert (form.fields["region"].label, form.fields["postal_code"].label) == (
        "State",
        "ZIP code",
    )
    states = dict(form.fields["region"].choices)
    assert (states["CA"], states["TX"], states["PR"]) == (
        "California",
        "Texas",
        "Puerto Rico",
    )
    assert form.fields["postal_code"].help_text == "Format: 95014"


def test_a_german_form_asks_postal_code_before_city_and_no_state():
    form = CheckoutAddressForm(market=market("DE"))

    assert list(form.fields) == [
        "email",
        "full_name",
        "line1",
        "line2",
        "postal_code",
        "city",
        "country",
    ]
    assert form.fields["postal_code"].help_text == (
        "Format: Germany: 26133; Austria: 1010"
    )


@pytest.mark.parametrize(
    ("market_code", "values", "errors"),
    [
        (
            "US",
            {"city": "San Francisco", "postal_code": "94105", "country": "US"},
            {"region": ["Choose your state."]},
        ),
        (
            "US",
            {
                "city": "San Francisco",
                "postal_code": "9410",
                "region": "CA",
                "country": "US",
            },
            {
                "postal_code": [
                    "This is not a postal code of United States "
                    "(e.g. 95014, 22162-1010)."
                ]
            },
        ),
        (
            "US",
            {
                "city": "New York",
                "postal_code": "94105",
                "region": "NY",
                "country": "US",
            },
            {"postal_code": ["This postal code is not in New York."]},
        ),
        (
            "US",
            {"postal_code": "94105", "region": "ZZ", "country": "US"},
            {
                "region": [
                    "Select a valid choice. ZZ is not one of the available choices."
                ],
                "city": ["This field is required."],
            },
        ),
        (
            "ID",
            {"city": "Jakarta", "postal_code": "10210", "country": "ID"},
            {"region": ["Choose your province."]},
        ),
        (
            "DE",
            {"city": "Wien", "postal_code": "10115", "country": "AT"},
            {
                "postal_code": [
                    "This is not a postal code of Austria (e.g. 1010, 3741)."
                ]
            },
        ),
        (
            "DE",
            {"city": "", "postal_code": "", "country": "DE"},
            {
                "postal_code": ["This field is required."],
                "city": ["This field is required."],
            },
        ),
        (
            "DE",
            {
                "line1": "x" * 5000,
                "city": "Berlin" * 100,
                "postal_code": "1" * 5000,
                "country": "DE",
            },
            {
                "line1": [
                    "Ensure this value has at most 200 characters (it has 5000)."
                ],
                "postal_code": [
                    "Ensure this value has at most 12 characters (it has 5000)."
                ],
                "city": ["Ensure this value has at most 100 characters (it has 600)."],
            },
        ),
    ],
)
def test_a_bad_address_gets_a_clear_error_on_each_field(market_code, values, errors):
    form = CheckoutAddressForm(_data(**values), market=market(market_code))
    assert form.errors == errors


@pytest.mark.parametrize(
    ("market_code", "values", "cleaned"),
    [
        (
            "US",
            {
                "city": "San Francisco",
                "postal_code": " 94105-1234 ",
                "region": "CA",
                "country": "US",
            },
            {"postal_code": "94105-1234", "region": "CA", "city": "San Francisco"},
        ),
        (
            "FR",
            {"city": "Luxembourg", "postal_code": "l-1111", "country": "LU"},
            {"postal_code": "1111", "region": "", "city": "Luxembourg"},
        ),
        (
            "BR",
            {
                "city": "São Paulo",
                "postal_code": "01304-000",
                "region": "SP",
                "country": "BR",
            },
            {"postal_code": "01304-000", "region": "SP", "city": "São Paulo"},
        ),
        (
            "ES",
            {"city": "Madrid", "postal_code": "28001", "region": "M", "country": "ES"},
            {"postal_code": "28001", "region": "M", "city": "Madrid"},
        ),
    ],
)
def test_a_good_address_is_kept_as_its_country_writes_it(market_code, values, cleaned):
    form = CheckoutAddressForm(_data(**values), market=market(market_code))
    assert form.is_valid(), form.errors
    assert {key: form.cleaned_data.get(key, "") for key in cleaned} == cleaned


@pytest.mark.parametrize(
    ("country", "postal_code", "city", "region", "last"),
    [
        ("US", "94105", "San Francisco", "CA", "San Francisco, CA 94105"),
        ("DE", "10115", "Berlin", "", "10115 Berlin"),
        ("AT", "1010", "Wien", "", "1010 Wien"),
        ("LU", "1111", "Luxembourg", "", "L-1111 Luxembourg"),
        ("ES", "28001", "Madrid", "M", "28001 Madrid M"),
    ],
)
def test_an_address_prints_as_its_country_writes_it(
    country, postal_code, city, region, last
):
    lines = address_lines(
        country=country,
        full_name="Pat Buyer",
        line1="1 Market St",
        line2="Suite 5",
        postal_code=postal_code,
        city=city,
        region=region,
    )
    assert lines == ["Pat Buyer", "1 Market St", "Suite 5", last]


def test_a_us_address_prints_city_state_zip_on_review_order_invoice_and_email(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    lamp = make_product(name="Desk lamp", prices={"US": "100.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    client.cookies["tw_market"] = "US"
    client.post("/en/cart/add/", {"variant": lamp.variants.get().pk, "quantity": 1})
    client.post(
        "/en/checkout/",
        _data(city="San Francisco", postal_code="94105", region="CA", country="US"),
    )
    client.post("/en/checkout/shipping/", {"method": method.pk})
    review = client.get("/en/checkout/review/").content.decode()
    cart = cart_with([(lamp, 1)], market_code="US")
    with django_capture_on_commit_callbacks(execute=True):
        order = place(cart, CA_ADDRESS, method)
    order_page = client.get(order_link_path(order=order)).content.decode()
    invoice = client.get(order_link_path(order=order) + "invoice/").content.decode()

    for text in (review, order_page, invoice, mailoutbox[0].body):
        assert "San Francisco, CA 94105" in text
        assert "94105 San Francisco" not in text
