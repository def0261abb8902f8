"""The cart: guests' and accounts' carts, stock limits, merging on login."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser

from shop.checkout.services.cart import (
    CART_SESSION_KEY,
    CartError,
    cart_add,
    cart_get,
    cart_get_or_create,
    cart_item_count,
    cart_line_unit_amount,
    cart_line_update,
    cart_merge,
    cart_refresh,
)
from shop.models import Cart, CartLine
from shop.pricing.services import price_set
from shop.tests.commerce_helpers import cart_with, market, new_session
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-shopper-password"  # noqa: S105


def _variant(product):
    return product.variants.get()


def _shopper(django_user_model, email="shopper@example.com"):
    user = django_user_model.objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_line_unit_amount_is_the_variant_price_in_the_market():
    jacket = make_product(prices={"DE": "119.00", "US": "99.00"})
    variant = _variant(jacket)
    assert cart_line_unit_amount(variant=variant, market=market("DE")) == Decimal(
        "119.00"
    )
    assert cart_line_unit_amount(variant=variant, market=market("US")) == Decimal(
        "99.00"
    )
    assert cart_line_unit_amount(variant=variant, market=market("ID")) is None


def test_guest_cart_lives_with_the_session_and_notes_the_price_seen():
    jacket = make_product(prices={"DE": "119.00"})
    session = new_session()

    cart = cart_with([(jacket, 2)], market_code="DE", session=session)

    assert session[CART_SESSION_KEY] == cart.pk
    assert cart.user is None
    assert cart_get(user=AnonymousUser(), session=session) == cart
    line = cart.lines.get()
    assert (line.quantity, line.unit_amount) == (2, Decimal("119.00"))


def test_adding_more_than_the_stock_caps_the_quantity_with_a_message():
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"}, stock=3)
    cart = cart_with([(jacket, 2)], market_code="DE")

    change = cart_add(cart=cart, variant_id=_variant(jacket).pk, quantity=5)

    assert change.quantity == 3
    assert change.notices == ["Only 3 of Rain jacket in stock: your cart holds 3."]
    assert cart.lines.get().quantity == 3


def test_an_out_of_stock_variant_cannot_be_added():
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"}, stock=0)
    cart = cart_get_or_create(
        user=AnonymousUser(), session=new_session(), market=market("DE")
    )
    with pytest.raises(CartError, match="Sorry, Rain jacket is out of stock."):
        cart_add(cart=cart, variant_id=_variant(jacket).pk, quantity=1)
    assert not cart.lines.exists()


def test_a_variant_without_a_price_in_the_market_cannot_be_added():
    jacket = make_product(name="Rain jacket", prices={"US": "99.00"})
    cart = cart_get_or_create(
        user=AnonymousUser(), session=new_session(), market=market("DE")
    )
    with pytest.raises(CartError, match="Rain jacket is not sold in your market."):
        cart_add(cart=cart, variant_id=_variant(jacket).pk, quantity=1)


def test_setting_a_line_to_zero_removes_it():
    jacket = make_product(prices={"DE": "119.00"})
    cart = cart_with([(jacket, 2)], market_code="DE")
    cart_line_update(cart=cart, line_id=cart.lines.get().pk, quantity=0)
    assert not cart.lines.exists()


def test_switching_market_takes_the_new_market_prices():
    jacket = make_product(prices={"DE": "119.00", "US": "99.00"})
    session = new_session()
    cart = cart_with([(jacket, 1)], market_code="DE", session=session)

    moved = cart_get_or_create(
        user=AnonymousUser(), session=session, market=market("US")
    )

    assert moved.pk == cart.pk
    assert moved.market.code == "US"
    assert moved.lines.get().unit_amount == Decimal("99.00")


def test_refresh_reports_a_price_change_and_notes_the_new_price():
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"})
    cart = cart_with([(jacket, 1)], market_code="DE")
    price_set(variant=_variant(jacket), market=market("DE"), amount=Decimal("99"))

    assert cart_refresh(cart=cart) == ["The price of Rain jacket changed."]
    assert cart.lines.get().unit_amount == Decimal("99.00")
    assert cart_refresh(cart=cart) == []


def test_guest_cart_is_merged_into_the_account_cart_quantities_added(
    django_user_model,
):
    user = _shopper(django_user_model)
    jacket = make_product(prices={"DE": "119.00"}, stock=10)
    mug = make_product(prices={"DE": "12.00"}, stock=10)
    cart_with([(jacket, 1)], market_code="DE", user=user)
    session = new_session()
    cart_with([(jacket, 2), (mug, 1)], market_code="DE", session=session)

    cart_merge(user=user, session=session)

    own = Cart.objects.get(user=user)
    quantities = {line.variant.product_id: line.quantity for line in own.lines.all()}
    assert quantities == {jacket.pk: 3, mug.pk: 1}
    assert Cart.objects.count() == 1
    assert CART_SESSION_KEY not in session


def test_merged_quantities_are_capped_by_stock(django_user_model):
    user = _shopper(django_user_model)
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"}, stock=3)
    cart_with([(jacket, 2)], market_code="DE", user=user)
    session = new_session()
    cart_with([(jacket, 2)], market_code="DE", session=session)

    change = cart_merge(user=user, session=session)

    assert CartLine.objects.get(cart__user=user).quantity == 3
    assert change.notices == ["Only 3 of Rain jacket in stock: your cart holds 3."]


def test_a_guest_cart_becomes_the_account_cart_when_it_has_none(django_user_model):
    user = _shopper(django_user_model)
    jacket = make_product(prices={"DE": "119.00"})
    session = new_session()
    guest = cart_with([(jacket, 1)], market_code="DE", session=session)

    cart_merge(user=user, session=session)

    guest.refresh_from_db()
    assert guest.user == user
    assert cart_item_count(user=user, session=session) == 1


# --- Pages -------------------------------------------------------------------------


def test_signing_in_merges_the_guest_cart(client, django_user_model):
    user = _shopper(django_user_model)
    jacket = make_product(prices={"US": "99.00"}, stock=10)
    cart_with([(jacket, 1)], market_code="US", user=user)
    client.post("/en/cart/add/", {"variant": _variant(jacket).pk, "quantity": 2})

    response = client.post(
        "/en/accounts/login/", {"login": user.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert CartLine.objects.get(cart__user=user).quantity == 3
    assert Cart.objects.filter(user=None).count() == 0


def test_cart_page_lists_lines_and_the_header_counts_items(client):
    jacket = make_product(name="Rain jacket", prices={"US": "99.00"})
    mug = make_product(name="Mug", prices={"US": "12.00"})
    client.post("/en/cart/add/", {"variant": _variant(jacket).pk, "quantity": 2})
    client.post("/en/cart/add/", {"variant": _variant(mug).pk, "quantity": 1})

    response = client.get("/en/cart/")

    page = response.content.decode()
    assert "Rain jacket" in page and "Mug" in page
    assert "$198.00" in page
    assert "$210.00" in page
    assert 'class="cart-link__count">(3' in page
    assert "Sales tax for your state is added at checkout." in page


def test_adding_too_many_shows_the_stock_message_on_the_cart_page(client):
    jacket = make_product(name="Rain jacket", prices={"US": "99.00"}, stock=2)
    response = client.post(
        "/en/cart/add/",
        {"variant": _variant(jacket).pk, "quantity": 5},
        follow=True,
    )
    assert "Only 2 of Rain jacket in stock: your cart holds 2." in (
        response.content.decode()
    )


def test_a_guest_with_a_cart_never_gets_the_anonymous_cached_page(client, settings):
    settings.STOREFRONT_CACHE_SECONDS = 600
    jacket = make_product(prices={"US": "99.00"})
    first = client.get("/en/")
    assert "cart-link__count" not in first.content.decode()

    client.post("/en/cart/add/", {"variant": _variant(jacket).pk, "quantity": 1})
    after = client.get("/en/")

    assert 'class="cart-link__count">(1' in after.content.decode()


def test_updating_a_line_on_the_cart_page_is_capped_by_stock(client):
    jacket = make_product(name="Rain jacket", prices={"US": "99.00"}, stock=4)
    client.post("/en/cart/add/", {"variant": _variant(jacket).pk, "quantity": 1})
    line = CartLine.objects.get()

    response = client.post(f"/en/cart/lines/{line.pk}/", {"quantity": 9}, follow=True)

    line.refresh_from_db()
    assert line.quantity == 4
    assert "Only 4 of Rain jacket in stock" in response.content.decode()


def test_another_shoppers_cart_line_cannot_be_changed(client):
    jacket = make_product(prices={"US": "99.00"})
    other = cart_with([(jacket, 1)], market_code="US")
    client.post("/en/cart/add/", {"variant": _variant(jacket).pk, "quantity": 1})

    client.post(f"/en/cart/lines/{other.lines.get().pk}/remove/")

    assert other.lines.count() == 1
