"""Payments: the provider interface, the offline test provider, and what a declined
or retried payment leaves behind (nothing)."""

import logging
from decimal import Decimal

import pytest
from django.test import override_settings

from shop.models import Order, OrderLine
from shop.orders.payments import payment_provider
from shop.orders.payments.base import ChargeStatus, card_last4, luhn_valid
from shop.orders.payments.offline import OfflineTestProvider
from shop.orders.services import PaymentDeclined, PaymentRetry
from shop.tests.commerce_helpers import (
    DE_ADDRESS,
    DECLINED_CARD,
    GOOD_CARD,
    RETRY_CARD,
    RecordingProvider,
    cart_with,
    place,
    shipping_method,
)
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db

FULL_NUMBER = "4242424242424242"


@pytest.mark.parametrize(
    ("card", "status"),
    [
        (GOOD_CARD, ChargeStatus.SUCCEEDED),
        (DECLINED_CARD, ChargeStatus.DECLINED),
        (RETRY_CARD, ChargeStatus.RETRY),
        ("5555 5555 5555 4444", ChargeStatus.DECLINED),
    ],
)
def test_offline_provider_answers_by_test_card(card, status):
    result = OfflineTestProvider().charge(
        amount=Decimal("10.00"),
        currency="EUR",
        card_number=card,
        idempotency_key="key-1",
    )
    assert result.status == status
    assert result.card_last4 == card[-4:]


def test_offline_provider_gives_the_same_reference_for_the_same_key():
    provider = OfflineTestProvider()
    first, again = (
        provider.charge(
            amount=Decimal("10.00"),
            currency="EUR",
            card_number=GOOD_CARD,
            idempotency_key="same-key",
        )
        for _ in range(2)
    )
    assert first.reference == again.reference
    assert first.reference.startswith("ch_")


def test_the_offline_provider_is_the_default():
    assert isinstance(payment_provider(), OfflineTestProvider)


@override_settings(PAYMENT_PROVIDER="shop.tests.commerce_helpers.RecordingProvider")
def test_the_setting_chooses_the_provider_class():
    assert isinstance(payment_provider(), RecordingProvider)


def test_card_helpers_keep_only_the_last_four_digits():
    assert card_last4("4242 4242 4242 4242") == "4242"
    assert luhn_valid(FULL_NUMBER)
    assert not luhn_valid("4242424242424241")


def _order_setup(stock: int = 5):
    jacket = make_product(prices={"DE": "119.00"}, stock=stock)
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(jacket, 2)], market_code="DE")
    return jacket, method, cart


def test_a_declined_card_leaves_no_order_and_no_stock_change():
    jacket, method, cart = _order_setup()

    with pytest.raises(PaymentDeclined):
        place(cart, DE_ADDRESS, method, card=DECLINED_CARD)

    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert jacket.variants.get().stock == 5
    assert cart.lines.get().quantity == 2


def test_a_card_that_asks_to_retry_leaves_no_order_and_no_stock_change():
    jacket, method, cart = _order_setup()

    with pytest.raises(PaymentRetry):
        place(cart, DE_ADDRESS, method, card=RETRY_CARD)

    assert Order.objects.count() == 0
    assert jacket.variants.get().stock == 5


def test_a_retry_is_asked_again_with_the_same_idempotency_key():
    jacket, method, cart = _order_setup()
    provider = RecordingProvider("retry", "succeeded")

    order = place(
        cart, DE_ADDRESS, method, key="retry-key-000000000001", provider=provider
    )

    assert [c["key"] for c in provider.charges] == ["retry-key-000000000001"] * 2
    assert order.status == "paid"
    assert jacket.variants.get().stock == 3


def test_only_the_last_four_digits_are_stored():
    _jacket, method, cart = _order_setup()

    order = place(cart, DE_ADDRESS, method, card=GOOD_CARD)

    assert order.card_last4 == "4242"
    stored = [str(value) for value in Order.objects.values().get().values()]
    assert not [value for value in stored if FULL_NUMBER in value.replace(" ", "")]


def test_the_card_number_is_neither_logged_nor_echoed_back(client, caplog):
    jacket = make_product(prices={"DE": "119.00"})
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    client.cookies["tw_market"] = "DE"
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})
    client.post(
        "/en/checkout/",
        {
            "email": "kunde@example.com",
            "full_name": "Erika Mustermann",
            "line1": "Hauptstraße 5",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
    )
    client.post("/en/checkout/shipping/", {"method": method.pk})
    form = client.get("/en/checkout/review/").context["form"]
    caplog.set_level(logging.DEBUG)

    response = client.post(
        "/en/checkout/place/",
        {
            "card_number": "4000 0000 0000 0002",
            "idempotency_key": form.initial["idempotency_key"],
            "expected_total": form.initial["expected_total"],
        },
    )

    assert response.status_code == 402
    assert "Your card was declined." in response.content.decode()
    assert "4000000000000002" not in response.content.decode()
    assert 'value="4000 0000 0000 0002"' not in response.content.decode()
    assert "4000000000000002" not in caplog.text
    assert Order.objects.count() == 0


def test_a_mistyped_card_number_is_not_written_back_into_the_page(client):
    jacket = make_product(prices={"US": "99.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})
    client.post(
        "/en/checkout/",
        {
            "email": "buyer@example.com",
            "full_name": "Pat Buyer",
            "line1": "1 Market St",
            "postal_code": "94105",
            "city": "San Francisco",
            "region": "CA",
            "country": "US",
        },
    )
    client.post("/en/checkout/shipping/", {"method": method.pk})
    form = client.get("/en/checkout/review/").context["form"]

    response = client.post(
        "/en/checkout/place/",
        {
            "card_number": "4242424242424241",
            "idempotency_key": form.initial["idempotency_key"],
            "expected_total": form.initial["expected_total"],
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Please check the card number." in page
    assert "4242424242424241" not in page
    assert Order.objects.count() == 0


# --- Invoice numbers ---------------------------------------------------------------


def test_declines_and_double_submits_consume_no_invoice_number(client):
    jacket, method, cart = _order_setup()

    with pytest.raises(PaymentDeclined):
        place(cart, DE_ADDRESS, method, card=DECLINED_CARD)
    first = place(cart, DE_ADDRESS, method, key="double-key-00000000001")
    again = place(
        cart_with([(jacket, 1)], market_code="DE"),
        DE_ADDRESS,
        method,
        key="double-key-00000000001",
    )
    second = place(cart_with([(jacket, 1)], market_code="DE"), DE_ADDRESS, method)

    assert again.pk == first.pk
    assert (first.invoice_number, second.invoice_number) == (1, 2)
    assert first.invoice_label == "INV-000001"
    assert first.number != first.invoice_label


def test_the_invoice_page_shows_the_invoice_number(client, django_user_model):
    owner = django_user_model.objects.create_user(email="owner@example.com")
    _jacket, method, cart = _order_setup()
    order = place(cart, DE_ADDRESS, method, user=owner)
    client.force_login(owner)

    page = client.get(f"/en/orders/{order.number}/invoice/").content.decode()

    assert "INV-000001" in page
    assert order.number in page


def test_backfill_numbers_paid_orders_in_the_order_they_were_paid():
    from importlib import import_module

    from django.apps import apps
    from django.utils import timezone

    from shop.models import InvoiceSequence

    jacket, method, cart = _order_setup()
    early = place(cart, DE_ADDRESS, method)
    late = place(cart_with([(jacket, 1)], market_code="DE"), DE_ADDRESS, method)
    Order.objects.filter(pk=late.pk).update(
        paid_at=timezone.now() - timezone.timedelta(days=2), invoice_number=None
    )
    Order.objects.filter(pk=early.pk).update(invoice_number=None)
    migration = import_module("shop.migrations.0011_invoice_numbers")

    migration.invoice_numbers_backfill(apps, None)

    numbers = dict(Order.objects.values_list("pk", "invoice_number"))
    assert (numbers[late.pk], numbers[early.pk]) == (1, 2)
    assert InvoiceSequence.objects.get(pk=1).last_number == 2
