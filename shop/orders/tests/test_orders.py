"""Orders: placing them once per key and once per unit of stock, their lifecycle,
the shopper's pages, the invoice and the confirmation email."""

import re
import threading
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, transaction
from django.http import Http404
from django.utils import translation
from django.utils.formats import date_format

from shop.checkout.services.checkout import CheckoutError
from shop.models import Order, OrderEvent, OrderStatus, Variant
from shop.orders import services as order_services
from shop.orders.access import access_order, order_link_path
from shop.orders.services import (
    OrderTransitionError,
    invoice_tax_breakdown,
    order_transition,
)
from shop.tests.commerce_helpers import (
    CA_ADDRESS,
    DE_ADDRESS,
    RecordingProvider,
    cart_with,
    new_key,
    place,
    shipping_method,
)
from shop.tests.factories import make_product

PASSWORD = "a-long-shopper-password"  # noqa: S105


def _german_order(*, user=None, language="de", provider=None, quantity=1) -> Order:
    jacket = make_product(
        name="Rain jacket", name_de="Regenjacke", prices={"DE": "119.00"}
    )
    method = shipping_method(market_code="DE", countries=["DE", "AT"], amount="5.95")
    cart = cart_with([(jacket, quantity)], market_code="DE", user=user)
    return place(
        cart, DE_ADDRESS, method, user=user, language=language, provider=provider
    )


# --- Placing -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_placed_order_is_paid_numbered_and_its_cart_emptied():
    jacket = make_product(prices={"DE": "119.00"}, stock=5)
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(jacket, 2)], market_code="DE")

    order = place(cart, DE_ADDRESS, method)

    assert re.fullmatch(r"TW-\d{6}", order.number)
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    assert order.total == Decimal("243.95")
    assert list(order.events.values_list("status", flat=True)) == [
        "pending_payment",
        "paid",
    ]
    assert jacket.variants.get().stock == 3
    assert not cart.lines.exists()


@pytest.mark.django_db
def test_order_numbers_follow_each_other():
    first = _german_order()
    second = _german_order()
    assert int(second.number[3:]) == int(first.number[3:]) + 1


@pytest.mark.django_db
def test_order_lines_keep_the_product_name_in_the_orders_language():
    order = _german_order(language="de")
    line = order.lines.get()
    assert (line.product_name, line.quantity, line.unit_gross_amount) == (
        "Regenjacke",
        1,
        Decimal("119.00"),
    )
    assert (line.tax_rate, line.tax_amount) == (Decimal("0.1900"), Decimal("19.00"))


@pytest.mark.django_db
def test_placing_again_with_the_same_key_returns_the_first_order():
    jacket = make_product(prices={"DE": "119.00"}, stock=5)
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(jacket, 1)], market_code="DE")
    provider = RecordingProvider()
    key = new_key()

    first = place(cart, DE_ADDRESS, method, key=key, provider=provider)
    cart_with([(jacket, 1)], market_code="DE")  # whatever the cart holds now
    again = order_services.order_place(
        cart=cart,
        address=DE_ADDRESS,
        shipping_method_id=method.pk,
        card_number="4242424242424242",
        idempotency_key=key,
        expected_total=first.total,
        language="en",
        provider=provider,
    )

    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert len(provider.charges) == 1
    assert jacket.variants.get().stock == 4


@pytest.mark.django_db
def test_a_double_submitted_order_form_makes_one_order(client):
    jacket = make_product(prices={"US": "99.00"}, stock=5)
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
    data = {
        "card_number": "4242 4242 4242 4242",
        "idempotency_key": form.initial["idempotency_key"],
        "expected_total": form.initial["expected_total"],
    }

    first = client.post("/en/checkout/place/", data)
    second = client.post("/en/checkout/place/", data)

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    order = Order.objects.get()
    assert first.url == order_link_path(order=order) + "?placed=1"
    assert order.total == Decimal("112.17")  # 99 + 5.99 + 7.18 (7.25 % of 99)
    assert jacket.variants.get().stock == 4
    page = client.get(first.url).content.decode()
    assert "Thank you for your order!" in page
    assert order.number in page


def _summaries_meet(monkeypatch, parties: int) -> threading.Barrier:
    """Make every placement wait, after its summary, until all have one: they then
    reserve stock at the same moment."""
    barrier = threading.Barrier(parties, timeout=20)
    real = order_services.checkout_summary

    def summary_then_wait(**kwargs):
        summary = real(**kwargs)
        barrier.wait()
        return summary

    monkeypatch.setattr(order_services, "checkout_summary", summary_then_wait)
    return barrier


def _in_threads(jobs) -> list:
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_of_the_last_units_sell_each_unit_once(monkeypatch):
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"}, stock=2)
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    carts = [cart_with([(jacket, 1)], market_code="DE") for _ in range(4)]
    _summaries_meet(monkeypatch, len(carts))

    results = _in_threads(
        [lambda cart=cart: place(cart, DE_ADDRESS, method) for cart in carts]
    )

    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, order_services.OutOfStock)]
    assert (len(placed), len(refused)) == (2, 2)
    assert refused[0].messages == ["Rain jacket sold out while you were checking out."]
    assert Variant.objects.get(product=jacket).stock == 0
    assert Order.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_the_same_key_make_one_order(monkeypatch):
    jacket = make_product(prices={"DE": "119.00"}, stock=5)
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(jacket, 1)], market_code="DE")
    provider = RecordingProvider()
    key = new_key()
    _summaries_meet(monkeypatch, 2)

    results = _in_threads(
        [lambda: place(cart, DE_ADDRESS, method, key=key, provider=provider)] * 2
    )

    assert all(isinstance(r, Order) for r in results), results
    assert results[0].pk == results[1].pk
    assert Order.objects.count() == 1
    assert len(provider.charges) == 1
    assert Variant.objects.get(product=jacket).stock == 4


@pytest.mark.django_db
def test_an_empty_cart_cannot_be_ordered():
    jacket = make_product(prices={"DE": "119.00"})
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(jacket, 1)], market_code="DE")
    cart.lines.all().delete()
    with pytest.raises(CheckoutError, match="Your cart is empty."):
        place(cart, DE_ADDRESS, method)


# --- Lifecycle ---------------------------------------------------------------------


@pytest.mark.django_db
def test_an_order_moves_through_its_lifecycle_with_history():
    order = _german_order()
    for status in (
        OrderStatus.PROCESSING,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    ):
        order_transition(order=order, status=status)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert list(order.events.values_list("status", flat=True)) == [
        "pending_payment",
        "paid",
        "processing",
        "shipped",
        "delivered",
    ]


@pytest.mark.django_db
def test_a_transition_outside_the_lifecycle_is_refused():
    order = _german_order()
    order_transition(order=order, status=OrderStatus.SHIPPED)
    with pytest.raises(OrderTransitionError, match="cannot go from “Shipped”"):
        order_transition(order=order, status=OrderStatus.PROCESSING)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert OrderEvent.objects.filter(order=order).count() == 3


@pytest.mark.django_db
def test_cancelling_a_paid_order_restocks_and_refunds():
    order = _german_order(quantity=2)
    variant = order.lines.get().variant
    assert variant.stock == 3

    order_transition(order=order, status=OrderStatus.CANCELLED)

    variant.refresh_from_db()
    assert variant.stock == 5
    event = order.events.last()
    assert event.status == OrderStatus.CANCELLED
    assert event.note.startswith("re_")


# --- Access and pages --------------------------------------------------------------


@pytest.mark.django_db
def test_another_users_order_is_not_found(client, django_user_model):
    owner = django_user_model.objects.create_user(email="owner@example.com")
    other = django_user_model.objects.create_user(
        email="other@example.com", password=PASSWORD
    )
    order = _german_order(user=owner)

    with pytest.raises(Http404):
        access_order(user=other, number=order.number)
    client.force_login(other)
    assert client.get(f"/en/orders/{order.number}/").status_code == 404
    assert client.get(f"/en/orders/{order.number}/invoice/").status_code == 404


@pytest.mark.django_db
def test_the_order_page_shows_its_history_in_the_market_zone_for_the_browser(
    client, django_user_model
):
    owner = django_user_model.objects.create_user(email="owner@example.com")
    order = _german_order(user=owner)
    placed = datetime(2025, 5, 20, 8, 30, tzinfo=UTC)
    Order.objects.filter(pk=order.pk).update(placed_at=placed)
    order.events.update(created_at=placed)
    client.force_login(owner)

    html = client.get(f"/de/orders/{order.number}/").content.decode()

    assert (
        '<time datetime="2025-05-20T08:30:00+00:00" data-local-time>'
        "20.05.2025, 10:30:00 (Europe/Berlin)</time>"
    ) in html
    assert "Aufgegeben am\xa020.05.2025, 10:30:00 (Europe/Berlin)" in html
    assert '<script type="module" src="/static/js/local_time.js"></script>' in html


@pytest.mark.django_db
def test_the_order_history_lists_only_the_users_own_orders(client, django_user_model):
    owner = django_user_model.objects.create_user(email="owner@example.com")
    mine = _german_order(user=owner)
    theirs = _german_order()
    client.force_login(owner)

    page = client.get("/en/orders/").content.decode()

    assert mine.number in page
    assert theirs.number not in page


@pytest.mark.django_db
def test_a_guest_views_the_order_through_the_signed_link_only(client):
    order = _german_order()
    link = order_link_path(order=order)

    assert client.get(link).status_code == 200
    assert order.number in client.get(link).content.decode()
    assert client.get(link[:-3] + "xx/").status_code == 404
    assert client.get(f"/en/orders/{order.number}/").status_code == 302  # sign in


@pytest.mark.django_db
def test_the_invoice_speaks_the_orders_language(client, django_user_model):
    owner = django_user_model.objects.create_user(email="owner@example.com")
    order = _german_order(user=owner, language="de")
    client.force_login(owner)

    response = client.get(f"/en/orders/{order.number}/invoice/")

    page = response.content.decode()
    with translation.override("de"):
        placed = date_format(
            order.placed_at.astimezone(ZoneInfo("Europe/Berlin")), "DATE_FORMAT"
        )
    assert 'lang="de"' in page
    assert placed in page
    assert "Regenjacke" in page
    assert "124,95\xa0€" in page
    assert "Tradewind GmbH" in page and "DE312345678" in page
    # The VAT breakdown: 19 % on goods and shipping, net and tax.
    assert [
        (row.rate, row.net, row.tax, row.gross)
        for row in invoice_tax_breakdown(order=order)
    ] == [(Decimal("0.1900"), Decimal("105.00"), Decimal("19.95"), Decimal("124.95"))]
    assert "105,00\xa0€" in page and "19,95\xa0€" in page


@pytest.mark.django_db
def test_the_german_invoice_names_the_vat_id_ust_idnr(client, django_user_model):
    owner = django_user_model.objects.create_user(email="owner@example.com")
    order = _german_order(user=owner, language="de")
    client.force_login(owner)

    page = client.get(f"/en/orders/{order.number}/invoice/").content.decode()

    assert "USt-IdNr.: DE312345678" in page
    assert "Steuernummer" not in page


@pytest.mark.django_db
def test_an_english_invoice_names_the_vat_id_and_its_local_name(
    client, django_user_model
):
    owner = django_user_model.objects.create_user(email="owner@example.com")
    order = _german_order(user=owner, language="en")
    client.force_login(owner)

    page = client.get(f"/en/orders/{order.number}/invoice/").content.decode()

    assert "VAT ID (USt-IdNr.): DE312345678" in page


@pytest.mark.django_db
def test_the_us_invoice_names_the_ein_as_the_tax_number(client, django_user_model):
    owner = django_user_model.objects.create_user(email="owner@example.com")
    lamp = make_product(prices={"US": "100.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    cart = cart_with([(lamp, 1)], market_code="US", user=owner)
    order = place(cart, CA_ADDRESS, method, user=owner)
    client.force_login(owner)

    page = client.get(f"/en/orders/{order.number}/invoice/").content.decode()

    assert "Tax number (EIN): 88-1234567" in page
    assert "VAT ID" not in page


@pytest.mark.django_db
def test_the_us_invoice_shows_sales_tax_on_top(client, django_user_model):
    owner = django_user_model.objects.create_user(email="owner@example.com")
    lamp = make_product(prices={"US": "100.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    cart = cart_with([(lamp, 1)], market_code="US", user=owner)
    order = place(cart, CA_ADDRESS, method, user=owner)
    client.force_login(owner)

    page = client.get(f"/en/orders/{order.number}/invoice/").content.decode()

    assert "$7.25" in page
    assert "$113.24" in page
    assert "Tradewind Inc." in page


# --- Email -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_confirmation_email_is_sent_after_commit_in_the_shoppers_language(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = _german_order(language="de")
        assert mail.outbox == []

    assert len(callbacks) >= 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["kunde@example.com"]
    assert order.number in email.subject
    body = email.body
    with translation.override("de"):
        placed = date_format(
            order.placed_at.astimezone(ZoneInfo("Europe/Berlin")), "DATE_FORMAT"
        )
    assert placed in body
    assert "1 × Regenjacke: 119,00\xa0€" in body
    assert "124,95\xa0€" in body
    assert "http://testserver/de/order/" in body
    assert "binnen\xa014 Tagen ohne Angabe von Gründen" in body
    assert "Muster-Widerrufsformular" in body
    assert "http://testserver/de/withdrawal/" in body


@pytest.mark.django_db
def test_a_us_confirmation_has_no_withdrawal_section(
    django_capture_on_commit_callbacks, django_user_model
):
    owner = django_user_model.objects.create_user(email="owner@example.com")
    lamp = make_product(name="Desk lamp", prices={"US": "100.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    cart = cart_with([(lamp, 1)], market_code="US", user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        order = place(cart, CA_ADDRESS, method, user=owner)

    body = mail.outbox[0].body
    assert "Sales tax, California, state rate: $7.25" in body
    assert "Model withdrawal form" not in body
    assert f"http://testserver/en/orders/{order.number}/" in body


# --- Admin -------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_filter_orders_and_move_them_on_with_an_action(admin_client):
    shipped = _german_order()
    waiting = _german_order()

    response = admin_client.post(
        "/admin/shop/order/",
        {"action": "mark_shipped", "_selected_action": [shipped.pk]},
    )
    listing = admin_client.get("/admin/shop/order/?status__exact=shipped")

    assert response.status_code == 302
    shipped.refresh_from_db()
    assert shipped.status == OrderStatus.SHIPPED
    page = listing.content.decode()
    assert shipped.number in page
    assert waiting.number not in page
    detail = admin_client.get(f"/admin/shop/order/{shipped.pk}/change/")
    assert detail.status_code == 200
    assert "Regenjacke" in detail.content.decode()


@pytest.mark.django_db
def test_a_refused_admin_transition_is_reported(admin_client):
    order = _german_order()
    order_transition(order=order, status=OrderStatus.CANCELLED)

    response = admin_client.post(
        "/admin/shop/order/",
        {"action": "mark_shipped", "_selected_action": [order.pk]},
        follow=True,
    )

    assert "cannot go from “Cancelled” to “Shipped”" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


# --- Invoice numbers ---------------------------------------------------------------


@pytest.mark.django_db
def test_invoice_numbers_follow_each_other_without_gaps():
    from shop.orders.services import invoice_number_take

    with transaction.atomic():
        first = invoice_number_take()
    with transaction.atomic():
        second = invoice_number_take()

    assert second == first + 1


@pytest.mark.django_db
def test_a_rolled_back_payment_gives_its_invoice_number_back():
    from shop.orders.services import invoice_number_take

    with transaction.atomic():
        before = invoice_number_take()
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_number_take()
        raise RuntimeError("declined after numbering")
    with transaction.atomic():
        after = invoice_number_take()

    assert after == before + 1
