import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from shop.models import (
    CarrierWebhookDelivery,
    OrderEvent,
    OrderStatus,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
)
from shop.shipping.services.shipments import ShipmentError, tracking_event_add
from shop.shipping.services.webhooks import carrier_webhook_deliveries_purge
from shop.shipping.tests.helpers import NOW, make_order, make_shipment, scan

pytestmark = pytest.mark.django_db


# --- Shipments and events ------------------------------------------------------------


def test_shipment_create_normalizes_the_tracking_number():
    shipment = make_shipment(tracking_number=" jjd 0001 2345 ")

    assert shipment.tracking_number == "JJD00012345"
    assert shipment.status == ShipmentStatus.LABEL_CREATED
    assert shipment.last_event_at is None


def test_shipment_create_promises_the_last_delivery_day_of_checkout():
    # Placed on Friday 16 May in Berlin; 3 business days: Mon, Tue, Wed.
    order = make_order(
        placed_at=datetime(2025, 5, 16, 10, 0, tzinfo=UTC), delivery_days_max=3
    )

    shipment = make_shipment(order, promised_by=None)

    assert shipment.promised_by == date(2025, 5, 21)


def test_shipment_create_refuses_a_tracking_number_recorded_for_the_carrier():
    make_shipment(tracking_number="JJD1", carrier="DHL")

    with pytest.raises(ShipmentError) as error:
        make_shipment(tracking_number="jjd1", carrier="dhl")

    assert str(error.value) == "The tracking number JJD1 of dhl is already recorded."
    assert Shipment.objects.count() == 1


def test_tracking_event_sets_status_and_last_scan():
    shipment = make_shipment()
    at = NOW - timedelta(hours=5)

    event, created = scan(shipment, ShipmentStatus.IN_TRANSIT, at, location="Leipzig")

    shipment.refresh_from_db()
    assert created is True
    assert (event.code, event.location) == (ShipmentStatus.IN_TRANSIT, "Leipzig")
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert shipment.last_event_at == at


def test_tracking_event_is_added_once_per_external_id():
    shipment = make_shipment()
    first, _created = scan(shipment, ShipmentStatus.IN_TRANSIT, NOW, event_id="ev-1")

    again, created = scan(
        shipment, ShipmentStatus.DELIVERED, NOW + timedelta(hours=1), event_id="ev-1"
    )

    shipment.refresh_from_db()
    assert created is False
    assert again.pk == first.pk
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 1
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert shipment.last_event_at == NOW


def test_an_older_event_arriving_late_does_not_change_the_status():
    shipment = make_shipment()
    scan(shipment, ShipmentStatus.OUT_FOR_DELIVERY, NOW)

    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW - timedelta(days=1))

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.OUT_FOR_DELIVERY
    assert shipment.last_event_at == NOW
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 2


def test_staff_events_without_carrier_id_are_each_recorded():
    shipment = make_shipment()

    tracking_event_add(
        shipment=shipment, code=ShipmentStatus.IN_TRANSIT, occurred_at=NOW
    )
    tracking_event_add(
        shipment=shipment, code=ShipmentStatus.IN_TRANSIT, occurred_at=NOW
    )

    assert TrackingEvent.objects.filter(shipment=shipment).count() == 2


def test_tracking_event_refuses_an_unknown_status_code():
    shipment = make_shipment()

    with pytest.raises(ShipmentError) as error:
        scan(shipment, "teleported", NOW)

    assert str(error.value) == "Unknown tracking status: teleported"
    assert TrackingEvent.objects.count() == 0


def test_tracking_event_refuses_a_time_without_zone():
    shipment = make_shipment()

    with pytest.raises(ShipmentError):
        scan(shipment, ShipmentStatus.IN_TRANSIT, datetime(2025, 5, 20, 12, 0))

    assert TrackingEvent.objects.count() == 0


def test_the_first_carrier_scan_marks_the_order_shipped():
    order = make_order(status=OrderStatus.PAID)
    shipment = make_shipment(order, tracking_number="JJD77")

    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW)

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    event = OrderEvent.objects.get(order=order)
    assert (event.status, event.note) == (OrderStatus.SHIPPED, "DHL JJD77")


def test_a_label_alone_leaves_the_order_paid():
    order = make_order(status=OrderStatus.PAID)
    shipment = make_shipment(order)

    scan(shipment, ShipmentStatus.LABEL_CREATED, NOW)

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert OrderEvent.objects.filter(order=order).count() == 0


def test_delivery_moves_a_paid_order_through_shipped_to_delivered():
    order = make_order(status=OrderStatus.PROCESSING)
    shipment = make_shipment(order)

    scan(shipment, ShipmentStatus.DELIVERED, NOW)

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert list(
        OrderEvent.objects.filter(order=order)
        .order_by("id")
        .values_list("status", flat=True)
    ) == [OrderStatus.SHIPPED, OrderStatus.DELIVERED]


def test_the_order_is_delivered_only_when_every_parcel_is():
    order = make_order()
    first = make_shipment(order)
    second = make_shipment(order)

    scan(first, ShipmentStatus.DELIVERED, NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED

    scan(second, ShipmentStatus.DELIVERED, NOW + timedelta(hours=2))
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_a_cancelled_order_keeps_its_status_when_its_parcel_moves():
    order = make_order(status=OrderStatus.CANCELLED)
    shipment = make_shipment(order)

    scan(shipment, ShipmentStatus.DELIVERED, NOW)

    order.refresh_from_db()
    shipment.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert shipment.status == ShipmentStatus.DELIVERED
    assert OrderEvent.objects.filter(order=order).count() == 0


@pytest.mark.django_db(transaction=True)
def test_parcels_delivered_at_the_same_moment_deliver_the_order():
    """Two carriers report the last two parcels at once, in two transactions."""
    order = make_order()
    parcels = [make_shipment(order), make_shipment(order)]
    start = threading.Barrier(2)

    def deliver(shipment: Shipment) -> None:
        try:
            start.wait()
            scan(shipment, ShipmentStatus.DELIVERED, NOW)
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver, args=(p,)) for p in parcels]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_webhook_delivery_ids_are_forgotten_after_thirty_days():
    CarrierWebhookDelivery.objects.create(
        carrier="dhl", delivery_id="old", received_at=NOW - timedelta(days=31)
    )
    CarrierWebhookDelivery.objects.create(
        carrier="dhl", delivery_id="recent", received_at=NOW - timedelta(days=29)
    )

    assert carrier_webhook_deliveries_purge(now=NOW) == 1
    assert list(
        CarrierWebhookDelivery.objects.values_list("delivery_id", flat=True)
    ) == ["recent"]
