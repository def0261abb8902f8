from datetime import UTC, datetime, timedelta

import pytest

from shop.models import ShipmentStatus, User
from shop.orders.access import order_link_token
from shop.shipping.tests.helpers import NOW, make_order, make_shipment, scan

pytestmark = pytest.mark.django_db


# --- The tracking page -------------------------------------------------------------


@pytest.fixture
def shopper():
    return User.objects.create_user(email="erika@example.com", password="pw-123456!")


def test_tracking_page_shows_the_timeline_newest_first_in_the_market_zone(
    client, shopper
):
    order = make_order(user=shopper)
    shipment = make_shipment(order, tracking_number="JJD123")
    scan(
        shipment,
        ShipmentStatus.IN_TRANSIT,
        datetime(2025, 5, 19, 6, 15, tzinfo=UTC),
        location="Leipzig",
    )
    scan(
        shipment,
        ShipmentStatus.OUT_FOR_DELIVERY,
        datetime(2025, 5, 20, 8, 30, tzinfo=UTC),
        location="Berlin",
        description="Zustellung heute",
    )
    client.force_login(shopper)

    response = client.get(f"/de/orders/{order.number}/tracking/")

    assert response.status_code == 200
    html = response.content.decode()
    newest = (
        '<time datetime="2025-05-20T08:30:00+00:00" data-local-time>'
        "20.05.2025, 10:30:00 (Europe/Berlin)</time>"
    )
    oldest = (
        '<time datetime="2025-05-19T06:15:00+00:00" data-local-time>'
        "19.05.2025, 08:15:00 (Europe/Berlin)</time>"
    )
    assert newest in html
    assert oldest in html
    assert html.index(newest) < html.index(oldest)
    assert '<span class="parcel__number">JJD123</span>' in html
    assert "Zustellung heute" in html


def test_tracking_page_loads_the_local_time_module_and_no_inline_script(
    client, shopper
):
    order = make_order(user=shopper)
    make_shipment(order)
    client.force_login(shopper)

    html = client.get(f"/de/orders/{order.number}/tracking/").content.decode()

    assert '<script type="module" src="/static/js/local_time.js"></script>' in html
    assert "<script>" not in html
    assert " onclick=" not in html


def test_tracking_page_is_404_for_another_shoppers_order(client, shopper):
    other = User.objects.create_user(email="other@example.com")
    order = make_order(user=other)
    make_shipment(order)
    client.force_login(shopper)

    assert client.get(f"/de/orders/{order.number}/tracking/").status_code == 404


def test_tracking_page_sends_a_signed_out_visitor_to_sign_in(client, shopper):
    order = make_order(user=shopper)

    response = client.get(f"/en/orders/{order.number}/tracking/")

    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/login/")


def test_guest_tracking_page_opens_with_the_signed_link(client):
    order = make_order(language="en", market_code="US")
    make_shipment(order, tracking_number="1Z999")
    token = order_link_token(order=order)

    good = client.get(f"/en/order/{token}/tracking/")
    forged = client.get(f"/en/order/{token}x/tracking/")

    assert good.status_code == 200
    assert "1Z999" in good.content.decode()
    assert forged.status_code == 404


def test_tracking_page_without_parcels_says_the_order_has_not_left(client, shopper):
    order = make_order(user=shopper)
    client.force_login(shopper)

    html = client.get(f"/en/orders/{order.number}/tracking/").content.decode()

    assert (
        "Your order has not been handed to a carrier yet. As soon as it is, "
        "you will find its tracking here."
    ) in html


def test_tracking_page_runs_a_fixed_number_of_queries(
    client, shopper, django_assert_max_num_queries
):
    order = make_order(user=shopper)
    for _parcel in range(3):
        shipment = make_shipment(order)
        for hours in range(4):
            scan(shipment, ShipmentStatus.IN_TRANSIT, NOW - timedelta(hours=hours))
    client.force_login(shopper)
    client.get(f"/de/orders/{order.number}/tracking/")  # warm the market cache

    # session, user, header's cart count, order, its lines and events, parcels, scans
    with django_assert_max_num_queries(8):
        response = client.get(f"/de/orders/{order.number}/tracking/")

    assert response.content.decode().count('class="timeline__event ') == 12


def test_order_page_links_to_tracking_once_a_parcel_exists(client, shopper):
    order = make_order(user=shopper)
    client.force_login(shopper)
    link = f'href="/en/orders/{order.number}/tracking/"'

    before = client.get(f"/en/orders/{order.number}/").content.decode()
    make_shipment(order)
    after = client.get(f"/en/orders/{order.number}/").content.decode()

    assert link not in before
    assert link in after
