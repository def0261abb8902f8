"""Who may see an order: the owner (signed in) or a guest's signed link, nobody else.

Every order page (detail, invoice, tracking) is checked for every role; a 404 never
tells a stranger whether the order exists.
"""

import pytest
from django.core import signing
from django.http import Http404
from django.test import Client

from shop.models import Order, User
from shop.orders.access import (
    ORDER_LINK_SALT,
    access_guest_order,
    access_guest_order_by_email,
    order_link_path,
    order_link_token,
)
from shop.shipping.tests.helpers import make_order, make_shipment

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = [
    "/en/orders/{number}/",
    "/en/orders/{number}/invoice/",
    "/en/orders/{number}/tracking/",
]
LINK_PAGES = [
    "/en/order/{token}/",
    "/en/order/{token}/invoice/",
    "/en/order/{token}/tracking/",
]


_emails = iter(range(1, 10_000))


def make_user(**fields) -> User:
    fields.setdefault("email", f"shopper{next(_emails)}@example.com")
    return User.objects.create_user(password="pw-for-tests-only", **fields)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("page", ACCOUNT_PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 200), ("other_shopper", 404), ("staff", 404), ("anonymous", 302)],
)
def test_an_account_order_opens_for_its_owner_only(page, role, status):
    owner = make_user(email="owner@example.com")
    order = make_order(user=owner, language="en", market_code="US")
    make_shipment(order, tracking_number="1Z999")
    user = {
        "owner": owner,
        "other_shopper": make_user(email="other@example.com"),
        "staff": make_user(email="staff@example.com", is_staff=True),
        "anonymous": None,
    }[role]

    response = _client(user).get(page.format(number=order.number))

    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", LINK_PAGES)
def test_a_guest_link_opens_its_guest_order(page):
    order = make_order(language="en", market_code="US")
    make_shipment(order, tracking_number="1Z999")

    response = Client().get(page.format(token=order_link_token(order=order)))

    assert response.status_code == 200
    assert order.number in response.content.decode()


@pytest.mark.parametrize("page", LINK_PAGES)
def test_a_link_forged_for_an_account_order_is_404(page):
    """With the SECRET_KEY alone (public in development) a link opens nothing."""
    order = make_order(user=make_user(), language="en", market_code="US")
    for payload in (order.number, [order.number, order.access_key]):
        token = signing.dumps(payload, salt=ORDER_LINK_SALT, compress=True)

        assert Client().get(page.format(token=token)).status_code == 404


@pytest.mark.parametrize("page", LINK_PAGES)
def test_a_link_forged_without_the_orders_access_key_is_404(page):
    order = make_order(language="en", market_code="US")
    forged = [
        signing.dumps(order.number, salt=ORDER_LINK_SALT, compress=True),
        signing.dumps([order.number, "guessed"], salt=ORDER_LINK_SALT, compress=True),
        # A link signed as before, with the number alone under the old salt.
        signing.dumps(order.number, salt="shop.order-link", compress=True),
    ]

    for token in forged:
        assert Client().get(page.format(token=token)).status_code == 404


def test_each_order_has_its_own_random_access_key():
    first, second = make_order(), make_order()

    assert len(first.access_key) == 32
    assert first.access_key != second.access_key
    assert Order.objects.get(pk=first.pk).access_key == first.access_key


def test_account_orders_have_no_signed_link():
    order = make_order(user=make_user())

    with pytest.raises(ValueError):
        order_link_path(order=order)


def test_a_guest_link_names_its_order_and_nothing_else():
    order = make_order()
    make_order()

    assert access_guest_order(token=order_link_token(order=order)) == order


def test_a_guest_order_opens_with_its_number_and_email_in_any_case():
    order = make_order(email="Gast@Example.com")

    found = access_guest_order_by_email(
        number=order.number.lower(), email=" gast@example.COM "
    )

    assert found.pk == order.pk


@pytest.mark.parametrize(
    "email", ["other@example.com", "gast@example.co", "", "gast@example.com.evil"]
)
def test_a_guest_order_stays_closed_with_another_email(email):
    order = make_order(email="gast@example.com")

    with pytest.raises(Http404):
        access_guest_order_by_email(number=order.number, email=email)


def test_an_account_order_never_opens_by_number_and_email():
    order = make_order(user=make_user(), email="owner@example.com")

    with pytest.raises(Http404):
        access_guest_order_by_email(number=order.number, email="owner@example.com")
