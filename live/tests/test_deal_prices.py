"""Flash deal prices in the cart and at checkout, and the EU prior-price rule."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from live import selectors
from live.services.deals import flash_deal_start
from live.tests.deal_setup import (
    deals_expire,
    jacket_with_history,
    live_with_pinned,
    market,
    offer_html,
)
from shop.checkout.services.cart import cart_rows
from shop.checkout.services.checkout import checkout_summary
from shop.models import CartLine, Order
from shop.pricing.selectors import price_effective
from shop.storefront.formatting import money
from shop.tests.commerce_helpers import DE_ADDRESS, cart_with, shipping_method
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_while_arranging():
    with translation.override("en"):
        yield


# --- The price holds in the cart and at checkout ---------------------------------


def test_a_cart_line_added_during_a_deal_keeps_the_deal_price_while_it_runs():
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"})
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")

    cart = cart_with([(jacket, 2)], market_code="DE")

    assert CartLine.objects.get(cart=cart).unit_amount == Decimal("95.20")
    (row,) = cart_rows(cart=cart)
    assert (row.unit_amount, row.line_amount, row.price_changed) == (
        Decimal("95.20"),
        Decimal("190.40"),
        False,
    )
    summary = checkout_summary(
        cart=cart, address=DE_ADDRESS, shipping_method_id=method.pk
    )
    assert summary.stale is False
    assert summary.subtotal == Decimal("190.40")
    assert summary.total == Decimal("196.35")


def test_the_deal_price_holds_at_checkout_until_the_last_moment():
    jacket = make_product(prices={"DE": "119.00"})
    show = live_with_pinned(jacket)
    (deal,) = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(jacket, 1)], market_code="DE")

    just_before = checkout_summary(
        cart=cart,
        address=DE_ADDRESS,
        shipping_method_id=method.pk,
        now=deal.ends_at - timedelta(microseconds=1),
    )
    at_the_end = checkout_summary(
        cart=cart, address=DE_ADDRESS, shipping_method_id=method.pk, now=deal.ends_at
    )

    assert (just_before.subtotal, just_before.stale) == (Decimal("95.20"), False)
    assert (at_the_end.subtotal, at_the_end.stale) == (Decimal("119.00"), True)


def test_a_deal_in_one_market_leaves_other_markets_at_their_price():
    jacket = make_product(prices={"US": "100.00", "DE": "119.00"})
    show = live_with_pinned(jacket)
    show.markets.set([market("DE")])
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    cart = cart_with([(jacket, 1)], market_code="US")

    assert CartLine.objects.get(cart=cart).unit_amount == Decimal("100.00")


def test_after_the_deal_ends_checkout_reprices_and_says_the_price_changed(client):
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"})
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    client.cookies["tw_market"] = "DE"
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})
    assert CartLine.objects.get().unit_amount == Decimal("95.20")

    deals_expire(show)
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
    response = client.get("/en/checkout/review/")

    page = response.content.decode()
    assert "The price of Rain jacket changed." in page
    assert response.context["summary"].total == Decimal("124.95")
    # The page wrote nothing: the order button takes the new price into the cart.
    assert CartLine.objects.get().unit_amount == Decimal("95.20")
    form = response.context["form"]
    placed = client.post(
        "/en/checkout/place/",
        {
            "card_number": "4242424242424242",
            "idempotency_key": form.initial["idempotency_key"],
            "expected_total": form.initial["expected_total"],
        },
    )
    assert placed.status_code == 302
    assert Order.objects.get().total == Decimal("124.95")


# --- The EU prior-price rule --------------------------------------------------------


def test_the_deal_keeps_the_lowest_price_of_the_30_days_before_it_started():
    jacket = jacket_with_history()
    show = live_with_pinned(jacket)

    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )

    assert {d.market.code: d.prior_lowest_amount for d in deals} == {
        "DE": Decimal("99.00"),
        "US": Decimal("100.00"),
    }


def test_german_viewers_see_the_prior_lowest_price_beside_the_deal(client):
    jacket = jacket_with_history()
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.cookies["tw_market"] = "DE"

    page = client.get(f"/en/live/{show.pk}/").content.decode()

    offer = offer_html(page)
    # EU rule: the reduction is measured against the 30-day low (99,00), not the
    # price just before the deal (119,00): 95,20 is 4 % below it, not 20 %.
    assert "Flash deal: 4% off" in offer
    assert (
        '<del class="live-offer__regular" data-offer-regular>99,00\xa0€</del>' in offer
    )
    assert (
        '<strong class="live-offer__amount" data-offer-price>95,20\xa0€</strong>'
        in offer
    )
    assert "Lowest price in the last 30 days: 99,00\xa0€" in offer


def test_us_viewers_see_the_deal_without_a_prior_price(client):
    jacket = jacket_with_history()
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.cookies["tw_market"] = "US"

    page = client.get(f"/en/live/{show.pk}/").content.decode()

    offer = offer_html(page)
    assert '<del class="live-offer__regular" data-offer-regular>$100.00</del>' in offer
    assert (
        '<strong class="live-offer__amount" data-offer-price>$80.00</strong>' in offer
    )
    assert '<p class="live-offer__prior" data-offer-prior hidden></p>' in offer
    assert "Lowest price in the last 30 days: $" not in offer


def test_the_german_cart_shows_the_prior_lowest_price_during_a_deal(client):
    jacket = jacket_with_history()
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.cookies["tw_market"] = "DE"
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})

    page = client.get("/en/cart/").content.decode()

    # EU rule: struck against the 30-day low, not the price before the deal.
    assert "<del>99,00\xa0€</del>" in page
    assert "<del>119,00\xa0€</del>" not in page
    assert "Lowest price in the last 30 days: 99,00\xa0€" in page


def test_the_us_cart_shows_the_deal_without_a_prior_price(client):
    jacket = jacket_with_history()
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.cookies["tw_market"] = "US"
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})

    page = client.get("/en/cart/").content.decode()

    assert "<del>$100.00</del>" in page
    assert "Lowest price in the last 30 days" not in page


def test_the_cart_shows_no_deal_after_it_ended(client):
    jacket = jacket_with_history()
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.cookies["tw_market"] = "DE"
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})
    deals_expire(show)

    page = client.get("/en/cart/").content.decode()

    assert "Lowest price in the last 30 days" not in page
    assert "Price changed since you added it (was 95,20\xa0€)." in page


def _cart_page_queries(client, products) -> int:
    for product in products:
        client.post(
            "/en/cart/add/", {"variant": product.variants.get().pk, "quantity": 1}
        )
    client.get("/en/cart/")  # the first visit fills per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/en/cart/").status_code == 200
    return len(captured)


def test_the_cart_page_reads_deals_in_a_fixed_number_of_queries():
    products = [make_product(prices={"DE": "119.00"}) for _ in range(4)]
    for product in products:
        show = live_with_pinned(product)
        flash_deal_start(
            show=show, product=product, by=show.host, minutes=5, percent_off=20
        )
    one, four = Client(), Client()
    one.cookies["tw_market"] = four.cookies["tw_market"] = "DE"

    assert _cart_page_queries(one, products[:1]) == _cart_page_queries(four, products)


def test_the_pinned_offer_shows_the_numbers_of_price_effective():
    jacket = jacket_with_history()
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    de = market("DE")

    offer = selectors.pinned_offer(show=show, market=de, language="en")
    price = price_effective(variant=jacket.variants.get(), market=de)

    (shown,) = offer.variants
    assert (price.amount, price.reference_amount) == (
        Decimal("95.20"),
        Decimal("99.00"),
    )
    assert shown.price == money(price.amount, "EUR", "en", "DE")
    assert shown.regular_price == money(price.reference_amount, "EUR", "en", "DE")
    assert shown.percent_off == price.percent_off == 4
    assert offer.deal_ends_at == price.ends_at
