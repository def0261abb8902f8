"""A GET never writes: storefront, cart and checkout pages leave the database as
they found it, for a cart in the current market and a cart from another one."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.models import Cart, CartLine
from shop.pricing.services import price_set
from shop.tests.commerce_helpers import market, shipping_method
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")

PAGES = (
    "/en/",
    "/en/search/?q=jacket",
    "/en/p/{slug}/",
    "/en/cart/",
    "/en/checkout/",
    "/en/checkout/shipping/",
    "/en/checkout/review/",
    "/en/withdrawal/",
)


def _writes(client, url: str, product) -> list[str]:
    url = url.format(slug=product.slug)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 302), (url, response.status_code)
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(WRITES)
    ]


def _cart_state() -> list[tuple]:
    return list(
        CartLine.objects.order_by("pk").values_list(
            "pk", "cart_id", "cart__market__code", "quantity", "unit_amount"
        )
    ) + list(Cart.objects.order_by("pk").values_list("pk", "market_id", "updated_at"))


@pytest.fixture
def german_checkout(client):
    """A guest with a German cart, its address and shipping method chosen."""
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00", "US": "129.00"})
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    client.cookies["tw_market"] = "DE"
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 2})
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
    return jacket


@pytest.mark.parametrize("url", PAGES)
def test_get_in_the_carts_market_writes_nothing(client, german_checkout, url):
    before = _cart_state()

    assert _writes(client, url, german_checkout) == []
    assert _cart_state() == before


def test_review_after_a_price_change_shows_it_and_writes_nothing(
    client, german_checkout
):
    price_set(
        variant=german_checkout.variants.get(),
        market=market("DE"),
        amount=Decimal("129.00"),
    )
    before = _cart_state()

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/checkout/review/")

    assert "The price of Rain jacket changed." in response.content.decode()
    assert response.context["summary"].total == Decimal("263.95")
    assert not [
        q for q in queries.captured_queries if q["sql"].upper().startswith(WRITES)
    ]
    assert _cart_state() == before


@pytest.mark.parametrize("url", PAGES)
def test_get_with_a_cart_from_another_market_writes_nothing(
    client, german_checkout, url
):
    client.cookies["tw_market"] = "US"
    before = _cart_state()

    assert _writes(client, url, german_checkout) == []
    assert _cart_state() == before
    assert Cart.objects.get().market.code == "DE"


def test_cart_page_prices_a_cart_from_another_market_in_the_current_one(
    client, german_checkout
):
    client.cookies["tw_market"] = "US"

    response = client.get("/en/cart/")

    assert response.context["subtotal"] == Decimal("258.00")
    assert [row.price_changed for row in response.context["rows"]] == [False]
    assert CartLine.objects.get().unit_amount == Decimal("119.00")


def test_market_switch_moves_the_cart_to_the_chosen_market(client, german_checkout):
    client.post("/market/", {"market": "US", "next": "/en/cart/"})

    cart = Cart.objects.get()
    assert cart.market.code == "US"
    assert CartLine.objects.get().unit_amount == Decimal("129.00")


def test_the_next_cart_write_moves_a_cart_from_another_market(client, german_checkout):
    client.cookies["tw_market"] = "US"
    client.post(
        "/en/cart/add/",
        {"variant": german_checkout.variants.get().pk, "quantity": 1},
    )

    line = CartLine.objects.get()
    assert (line.cart.market.code, line.quantity, line.unit_amount) == (
        "US",
        3,
        Decimal("129.00"),
    )
