"""Checkout: addresses that fit the country, shipping options, and a summary that
names every charge before the button, with taxes per destination."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from shop.checkout.forms import CheckoutAddressForm
from shop.checkout.services.checkout import (
    CheckoutError,
    checkout_summary,
    shipping_options,
)
from shop.markets.addresses import postal_code_fits_country, postal_code_normalize
from shop.models import (
    DutiesMode,
    Market,
    Order,
    Product,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
)
from shop.pricing.services import price_set
from shop.tests.commerce_helpers import (
    AT_ADDRESS,
    BR_ADDRESS,
    CA_ADDRESS,
    DE_ADDRESS,
    ID_ADDRESS,
    RecordingProvider,
    cart_with,
    market,
    place,
    shipping_method,
)
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


# --- Addresses -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "typed", "expected"),
    [
        ("US", "94105", "94105"),
        ("US", "94105-1234", "94105-1234"),
        ("US", "9410", None),
        ("DE", "10115", "10115"),
        ("DE", "1011", None),
        ("FR", "75001", "75001"),
        ("ES", "28001", "28001"),
        ("ID", "10210", "10210"),
        ("AT", "1010", "1010"),
        ("AT", "10101", None),
        ("BE", "1000", "1000"),
        ("LU", "1111", "1111"),
        ("LU", "L-1111", "1111"),
        ("BR", "01304-000", "01304-000"),
        ("BR", "01304000", "01304-000"),
        ("BR", "0130-4000", None),
        ("US", "941051234", "94105-1234"),
    ],
)
def test_postal_codes_follow_the_format_of_their_country(country, typed, expected):
    fits = postal_code_fits_country(country=country, postal_code=typed)
    normalized = postal_code_normalize(country=country, postal_code=typed)
    assert (normalized if fits else None) == expected


def _address_data(**overrides) -> dict:
    data = {
        "email": "kunde@example.com",
        "full_name": "Erika Mustermann",
        "line1": "Hauptstraße 5",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
    }
    data.update(overrides)
    return data


def test_german_address_form_has_no_state_field():
    form = CheckoutAddressForm(market=market("DE"))
    assert "region" not in form.fields
    assert [code for code, _name in form.fields["country"].choices] == ["DE", "AT"]


def test_us_address_needs_a_state_from_the_list():
    us = market("US")
    form = CheckoutAddressForm(
        _address_data(postal_code="94105", country="US", city="San Francisco"),
        market=us,
    )
    assert not form.is_valid()
    assert form.errors["region"] == ["Choose your state."]
    choices = dict(form.fields["region"].choices)
    assert choices["CA"] == "California"
    assert choices["TX"] == "Texas"


def test_us_address_with_state_and_zip_plus_four_is_valid():
    form = CheckoutAddressForm(
        _address_data(
            postal_code="94105-1234", country="US", region="CA", city="San Francisco"
        ),
        market=market("US"),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == "CA"


def test_address_form_refuses_a_country_outside_the_market():
    form = CheckoutAddressForm(_address_data(country="FR"), market=market("DE"))
    assert not form.is_valid()
    assert "country" in form.errors


def test_address_form_explains_a_wrong_postal_code():
    form = CheckoutAddressForm(
        _address_data(country="AT", postal_code="10115"), market=market("DE")
    )
    assert not form.is_valid()
    assert form.errors["postal_code"] == [
        "This is not a postal code of Austria (e.g. 1010, 3741)."
    ]


# --- Shipping --------------------------------------------------------------------


def test_shipping_options_come_from_the_zone_of_the_country_with_estimates():
    standard = shipping_method(
        market_code="DE", countries=["DE", "AT"], amount="4.90", days=(1, 3)
    )
    shipping_method(market_code="FR", countries=["FR"], name="Colissimo")
    options = shipping_options(
        market=market("DE"), country="AT", subtotal=Decimal("10.00")
    )
    assert [o.method for o in options] == [standard]
    assert options[0].amount == Decimal("4.90")
    assert (options[0].days_min, options[0].days_max) == (1, 3)
    assert options[0].first_day < options[0].last_day


def test_shipping_is_free_from_the_threshold():
    shipping_method(market_code="DE", countries=["DE"], free_above="50.00")
    below = shipping_options(market=market("DE"), country="DE", subtotal=Decimal("49"))
    above = shipping_options(market=market("DE"), country="DE", subtotal=Decimal("50"))
    assert (below[0].amount, below[0].is_free) == (Decimal("4.90"), False)
    assert (above[0].amount, above[0].is_free) == (Decimal("0.00"), True)


# --- Summaries and taxes ---------------------------------------------------------


def test_german_summary_includes_19_percent_vat_in_the_total():
    jacket = make_product(prices={"DE": "119.00"})
    method = shipping_method(market_code="DE", countries=["DE", "AT"], amount="5.95")
    cart = cart_with([(jacket, 1)], market_code="DE")

    summary = checkout_summary(
        cart=cart, address=DE_ADDRESS, shipping_method_id=method.pk
    )

    assert [(c.kind, c.amount) for c in summary.charges] == [
        ("items", Decimal("119.00")),
        ("shipping", Decimal("5.95")),
    ]
    assert summary.total == Decimal("124.95")
    assert summary.tax_included is True
    assert summary.tax_rate == Decimal("0.19")
    assert summary.tax_label == "incl. 19% VAT"
    # 124.95 gross at 19 %: 19.95 VAT, of which 0.95 on the shipping.
    assert summary.tax == Decimal("19.95")
    assert summary.shipping_tax == Decimal("0.95")
    assert summary.lines[0].tax_amount == Decimal("19.00")
    assert summary.charges_sum == summary.total


def test_austrian_destination_in_the_german_market_keeps_the_price_with_20_percent():
    jacket = make_product(prices={"DE": "119.00"})
    method = shipping_method(market_code="DE", countries=["DE", "AT"], amount="5.95")
    cart = cart_with([(jacket, 2)], market_code="DE")

    summary = checkout_summary(
        cart=cart, address=AT_ADDRESS, shipping_method_id=method.pk
    )

    # The price shown in the market is paid; Austria's 20 % VAT is inside it.
    assert summary.lines[0].unit_amount == Decimal("119.00")
    assert summary.subtotal == Decimal("238.00")
    assert summary.shipping == Decimal("5.95")
    assert summary.tax_rate == Decimal("0.20")
    assert summary.tax_label == "incl. 20% VAT"
    assert summary.tax == Decimal("40.66")  # 243.95 × 20 / 120
    assert summary.total == Decimal("243.95")
    assert summary.charges_sum == summary.total


def test_californian_summary_adds_7_25_percent_sales_tax_on_the_net_price():
    lamp = make_product(prices={"US": "100.00"})
    mug = make_product(prices={"US": "50.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    cart = cart_with([(lamp, 1), (mug, 1)], market_code="US")

    summary = checkout_summary(
        cart=cart, address=CA_ADDRESS, shipping_method_id=method.pk
    )

    assert summary.tax_included is False
    assert summary.tax_label == "plus sales tax"
    assert [(c.kind, c.label, c.amount) for c in summary.charges] == [
        ("items", "2 items", Decimal("150.00")),
        ("shipping", "Shipping: Standard", Decimal("5.99")),
        ("tax", "Sales tax, California, state rate: 7.25%", Decimal("10.88")),
    ]
    assert summary.total == Decimal("166.87")
    assert sum(line.tax_amount for line in summary.lines) == Decimal("10.88")


def test_indonesian_summary_includes_11_percent_ppn_and_charges_ddp_duties():
    batik = make_product(prices={"ID": "555000"})
    method = shipping_method(market_code="ID", countries=["ID"], amount="25000")
    cart = cart_with([(batik, 1)], market_code="ID")
    indonesia = market("ID")
    assert indonesia.duties_mode == DutiesMode.DDP

    summary = checkout_summary(
        cart=cart, address=ID_ADDRESS, shipping_method_id=method.pk
    )

    assert summary.tax_label == "incl. 11% VAT"
    assert summary.tax == Decimal("57477.48")  # 580000 × 0.11 / 1.11
    assert [(c.kind, c.amount) for c in summary.charges] == [
        ("items", Decimal("555000")),
        ("shipping", Decimal("25000")),
        ("duties", Decimal("41625.00")),  # 7.5 % of the goods
    ]
    assert summary.charges[2].label == (
        "Import duties, paid by us on your behalf (7.5%)"
    )
    assert summary.total == Decimal("621625.00")
    assert summary.duties_on_delivery is False


def test_ddp_duties_are_not_charged_below_the_duty_free_threshold():
    sticker = make_product(prices={"ID": "45000"})
    method = shipping_method(market_code="ID", countries=["ID"], amount="25000")
    cart = cart_with([(sticker, 1)], market_code="ID")

    summary = checkout_summary(
        cart=cart, address=ID_ADDRESS, shipping_method_id=method.pk
    )

    assert summary.duties == Decimal("0.00")
    assert summary.charges[-1].kind == "duties"
    assert summary.charges[-1].amount == Decimal("0.00")


def test_dap_market_charges_no_duties_and_says_the_buyer_pays_them():
    brazil = market("BR")
    assert brazil.duties_mode == DutiesMode.DAP
    rede = make_product(prices={"BR": "299.90"})
    method = shipping_method(market_code="BR", countries=["BR"], amount="24.90")
    cart = cart_with([(rede, 1)], market_code="BR")

    summary = checkout_summary(
        cart=cart, address=BR_ADDRESS, shipping_method_id=method.pk
    )

    assert [c.kind for c in summary.charges] == ["items", "shipping"]
    assert summary.duties_on_delivery is True
    assert summary.total == Decimal("324.80")


def test_summary_refuses_a_shipping_method_of_another_zone():
    jacket = make_product(prices={"DE": "119.00"})
    elsewhere = shipping_method(market_code="DE", countries=["AT"])
    cart = cart_with([(jacket, 1)], market_code="DE")
    with pytest.raises(CheckoutError):
        checkout_summary(cart=cart, address=DE_ADDRESS, shipping_method_id=elsewhere.pk)


@pytest.mark.parametrize(
    ("code", "address", "price", "shipping"),
    [
        ("DE", DE_ADDRESS, "119.00", "5.95"),
        ("US", CA_ADDRESS, "39.99", "5.99"),
        ("ID", ID_ADDRESS, "899000", "25000"),
    ],
)
def test_amount_charged_is_the_sum_of_the_summary_lines(code, address, price, shipping):
    first = make_product(prices={code: price})
    second = make_product(prices={code: price})
    method = shipping_method(
        market_code=code, countries=[address.country], amount=shipping
    )
    cart = cart_with([(first, 2), (second, 1)], market_code=code)
    summary = checkout_summary(cart=cart, address=address, shipping_method_id=method.pk)
    provider = RecordingProvider()

    order = place(cart, address, method, provider=provider)

    charged = provider.charges[0]["amount"]
    assert charged == summary.charges_sum == summary.total == order.total
    assert provider.charges[0]["currency"] == market(code).currency
    assert (
        order.subtotal
        + order.shipping
        + order.duties
        + (Decimal("0") if order.prices_include_tax else order.tax)
        == order.total
    )


# --- Pages -----------------------------------------------------------------------


def _checkout_as_guest(client, *, language: str, address: dict, method_id: int):
    client.post(f"/{language}/checkout/", address)
    client.post(f"/{language}/checkout/shipping/", {"method": method_id})
    return client.get(f"/{language}/checkout/review/")


def _add(client, product, quantity=1, *, language="en"):
    return client.post(
        f"/{language}/cart/add/",
        {"variant": product.variants.get().pk, "quantity": quantity},
    )


def test_german_review_page_names_every_charge_before_the_order_button(client):
    jacket = make_product(
        name="Rain jacket", name_de="Regenjacke", prices={"DE": "119.00"}
    )
    method = shipping_method(market_code="DE", countries=["DE", "AT"], amount="5.95")
    client.cookies["tw_market"] = "DE"
    _add(client, jacket, language="de")

    response = _checkout_as_guest(
        client, language="de", address=_address_data(), method_id=method.pk
    )

    assert response.status_code == 200
    page = response.content.decode()
    button = page.index("Zahlungspflichtig bestellen")
    for text in (
        "Regenjacke",
        "119,00\xa0€",
        "Versand: Standard",
        "5,95\xa0€",
        "124,95\xa0€",
        "inkl. 19\xa0% MwSt.",
        "19,95\xa0€",
        "/de/withdrawal/",
    ):
        assert -1 < page.index(text) < button, text
    assert "Import duties" not in page  # DE ships without import
    assert page.count("124,95\xa0€") == 2  # the total, and the reminder above it


def test_indonesian_review_page_shows_rupiah_without_sen_and_keeps_the_total(
    client,
):
    batik = make_product(name="Batik", prices={"ID": "555000"})
    method = shipping_method(market_code="ID", countries=["ID"], amount="25000")
    client.cookies["tw_market"] = "ID"
    _add(client, batik, language="id")
    address = _address_data(
        email="pembeli@example.co.id",
        full_name="Budi Santoso",
        line1="Jalan Sudirman 1",
        postal_code="10210",
        city="Jakarta",
        region="DKI Jakarta",
        country="ID",
    )

    response = _checkout_as_guest(
        client, language="id", address=address, method_id=method.pk
    )

    page = response.content.decode()
    for text in ("Rp555.000", "Rp25.000", "Rp41.625", "Rp621.625", "Rp57.477"):
        assert text in page, text
    assert "Rp621.625,00" not in page
    assert ",00" not in page.split("Rp", 1)[1]
    summary = response.context["summary"]
    assert summary.total == Decimal("621625.00")
    assert summary.tax == Decimal("57477.48")


def test_us_review_page_adds_sales_tax_as_its_own_line(client):
    lamp = make_product(name="Desk lamp", prices={"US": "100.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    client.cookies["tw_market"] = "US"
    _add(client, lamp)

    response = _checkout_as_guest(
        client,
        language="en",
        address=_address_data(
            country="US", region="CA", postal_code="94105", city="San Francisco"
        ),
        method_id=method.pk,
    )

    page = response.content.decode()
    button = page.index("Place order and pay")
    assert -1 < page.index("Sales tax, California, state rate: 7.25%") < button
    assert -1 < page.index("$7.25") < button
    assert -1 < page.index("$113.24") < button
    assert "on delivery" not in page  # a US seller shipping inside the US
    assert "Zahlungspflichtig" not in page


def test_price_change_is_shown_at_review_with_the_new_figures(client):
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"})
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    client.cookies["tw_market"] = "DE"
    _add(client, jacket)
    price_set(
        variant=jacket.variants.get(), market=market("DE"), amount=Decimal("129.00")
    )

    response = _checkout_as_guest(
        client, language="en", address=_address_data(), method_id=method.pk
    )

    page = response.content.decode()
    assert "The price of Rain jacket changed." in page
    assert response.context["summary"].total == Decimal("134.95")
    assert "134,95\xa0€" in page
    assert "124,95\xa0€" not in page


def test_price_change_after_the_summary_charges_nothing_and_shows_it_again(client):
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"})
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    client.cookies["tw_market"] = "DE"
    _add(client, jacket)
    review = _checkout_as_guest(
        client, language="en", address=_address_data(), method_id=method.pk
    )
    form = review.context["form"]
    price_set(
        variant=jacket.variants.get(), market=market("DE"), amount=Decimal("99.00")
    )

    response = client.post(
        "/en/checkout/place/",
        {
            "card_number": "4242424242424242",
            "idempotency_key": form.initial["idempotency_key"],
            "expected_total": form.initial["expected_total"],
        },
    )

    assert response.status_code == 409
    assert Order.objects.count() == 0
    assert jacket.variants.get().stock == 5
    page = response.content.decode()
    assert "The price of Rain jacket changed." in page
    assert "nothing was charged" in page
    assert response.context["summary"].total == Decimal("104.95")


def test_stock_drop_is_shown_at_review_and_the_quantity_capped(client):
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"}, stock=5)
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    client.cookies["tw_market"] = "DE"
    _add(client, jacket, 3)
    variant = jacket.variants.get()
    variant.stock = 1
    variant.save()

    response = _checkout_as_guest(
        client, language="en", address=_address_data(), method_id=method.pk
    )

    assert "Only 1 of Rain jacket left: your cart now holds 1." in (
        response.content.decode()
    )
    assert response.context["summary"].lines[0].quantity == 1


def test_checkout_redirects_an_empty_cart_to_the_cart_page(client):
    response = client.get("/en/checkout/")
    assert response.status_code == 302
    assert response.url == "/en/cart/"


def test_withdrawal_page_has_the_model_form_in_eu_markets(client):
    client.cookies["tw_market"] = "DE"
    response = client.get("/en/withdrawal/")
    page = response.content.decode()
    assert "within 14 days without giving any reason" in page
    assert "Model withdrawal form" in page
    assert "Tradewind GmbH" in page


def test_markets_start_with_14_day_withdrawal_in_the_eu_and_the_uk_only():
    # The UK's Consumer Contracts Regulations 2013 keep the 14-day period.
    days = dict(Market.objects.values_list("code", "withdrawal_days"))
    assert days == {
        "BR": 0,
        "DE": 14,
        "ES": 14,
        "FR": 14,
        "GB": 14,
        "ID": 0,
        "US": 0,
    }


def test_order_button_reads_zahlungspflichtig_bestellen_in_german():
    with translation.override("de"):
        assert translation.gettext("Order and pay") == "Zahlungspflichtig bestellen"


def test_demo_data_ships_to_every_country_of_every_market_idempotently():
    call_command("seed_demo", "--products", "0", "--force", stdout=io.StringIO())
    counts = (
        ShippingZone.objects.count(),
        ShippingMethod.objects.count(),
        ShippingRate.objects.count(),
    )
    call_command("seed_demo", "--products", "0", "--force", stdout=io.StringIO())

    assert counts == (
        ShippingZone.objects.count(),
        ShippingMethod.objects.count(),
        ShippingRate.objects.count(),
    )
    assert Product.objects.count() == 0
    for shop_market in Market.objects.filter(is_active=True):
        for country in shop_market.countries:
            options = shipping_options(
                market=shop_market, country=country, subtotal=Decimal("1")
            )
            assert len(options) == 2, (shop_market.code, country)
            assert options[0].amount > 0
