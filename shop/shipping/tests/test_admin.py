from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from shop.models import (
    OrderStatus,
    Shipment,
    ShipmentAlert,
    ShipmentAlertKind,
    ShipmentStatus,
    TrackingEvent,
    User,
)
from shop.shipping.tests.helpers import NOW, make_order, make_shipment, scan

pytestmark = pytest.mark.django_db


# --- Admin -------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    staff = User.objects.create_superuser(email="staff@tradewind.example", password="x")
    client.force_login(staff)
    return client


def test_staff_record_a_shipment_in_the_admin_with_the_promised_day(staff_client):
    order = make_order(
        placed_at=datetime(2025, 5, 16, 10, 0, tzinfo=UTC), delivery_days_max=3
    )

    response = staff_client.post(
        reverse("admin:shop_shipment_add"),
        {
            "order": order.pk,
            "carrier": "DHL",
            "tracking_number": "jjd 42",
            "promised_by": "",
        },
    )

    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.tracking_number, shipment.promised_by) == (
        "JJD42",
        date(2025, 5, 21),
    )


def test_staff_add_a_tracking_event_by_hand_through_the_service(staff_client):
    order = make_order(status=OrderStatus.PAID)
    shipment = make_shipment(order, tracking_number="JJD9")
    prefix_old, prefix_new = "events", "events-2"

    response = staff_client.post(
        reverse("admin:shop_shipment_change", args=[shipment.pk]),
        {
            "carrier": "DHL",
            "tracking_number": "JJD9",
            "promised_by": "2025-05-23",
            f"{prefix_old}-TOTAL_FORMS": "0",
            f"{prefix_old}-INITIAL_FORMS": "0",
            f"{prefix_new}-TOTAL_FORMS": "1",
            f"{prefix_new}-INITIAL_FORMS": "0",
            f"{prefix_new}-0-occurred_at_0": "2025-05-20",
            f"{prefix_new}-0-occurred_at_1": "09:00:00",
            f"{prefix_new}-0-code": "in_transit",
            f"{prefix_new}-0-location": "Hamburg",
            f"{prefix_new}-0-description": "Per Telefon bestätigt",
            f"{prefix_new}-0-external_id": "",
        },
    )

    assert response.status_code == 302
    event = TrackingEvent.objects.get(shipment=shipment)
    assert (event.code, event.location, event.occurred_at) == (
        ShipmentStatus.IN_TRANSIT,
        "Hamburg",
        datetime(2025, 5, 20, 9, 0, tzinfo=UTC),
    )
    assert event.external_id.startswith("staff-")
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert order.status == OrderStatus.SHIPPED


def test_staff_acknowledge_alerts_in_the_admin(staff_client):
    shipment = make_shipment()
    alert = ShipmentAlert.objects.create(shipment=shipment, kind=ShipmentAlertKind.LATE)

    response = staff_client.post(
        reverse("admin:shop_shipmentalert_changelist"),
        {
            "action": "shipment_alerts_acknowledge_action",
            "_selected_action": [alert.pk],
        },
    )

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None


def test_admin_lists_open_alerts(staff_client):
    shipment = make_shipment(tracking_number="JJD31")
    ShipmentAlert.objects.create(shipment=shipment, kind=ShipmentAlertKind.CUSTOMS)

    response = staff_client.get(
        reverse("admin:shop_shipmentalert_changelist") + "?acknowledged_at__isempty=1"
    )

    assert response.status_code == 200
    assert "DHL JJD31" in response.content.decode()


def test_admin_shipment_page_shows_the_scans_and_a_form_for_a_new_one(staff_client):
    shipment = make_shipment(tracking_number="JJD55")
    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW, location="Kassel")

    response = staff_client.get(
        reverse("admin:shop_shipment_change", args=[shipment.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kassel" in html
    assert 'name="events-2-0-code"' in html
    assert 'name="events-0-code"' not in html  # recorded scans are read-only


@pytest.mark.parametrize("day", ["9999-12-31", "2025-05-01"])
def test_staff_cannot_record_a_scan_dated_far_ahead_or_before_the_order(
    staff_client, day
):
    order = make_order(status=OrderStatus.PAID)  # placed 2025-05-16
    shipment = make_shipment(order, tracking_number="JJD9")
    prefix_old, prefix_new = "events", "events-2"

    response = staff_client.post(
        reverse("admin:shop_shipment_change", args=[shipment.pk]),
        {
            "carrier": "DHL",
            "tracking_number": "JJD9",
            "promised_by": "2025-05-23",
            f"{prefix_old}-TOTAL_FORMS": "0",
            f"{prefix_old}-INITIAL_FORMS": "0",
            f"{prefix_new}-TOTAL_FORMS": "1",
            f"{prefix_new}-INITIAL_FORMS": "0",
            f"{prefix_new}-0-occurred_at_0": day,
            f"{prefix_new}-0-occurred_at_1": "09:00:00",
            f"{prefix_new}-0-code": "delivered",
            f"{prefix_new}-0-location": "",
            f"{prefix_new}-0-description": "",
            f"{prefix_new}-0-external_id": "",
        },
    )

    assert response.status_code == 200
    assert "A tracking event cannot be dated" in response.content.decode()
    assert not TrackingEvent.objects.exists()
