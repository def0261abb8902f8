"""Shipments: tracking events, the order following its parcels, the tracking page,
anomaly alerts to staff and shoppers, and the staff admin."""

import itertools
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from shop.models import (
    CarrierWebhookDelivery,
    Market,
    Order,
    OrderEvent,
    OrderStatus,
    Shipment,
    ShipmentAlert,
    ShipmentAlertKind,
    ShipmentStatus,
    TrackingEvent,
    User,
)
from shop.orders.services import order_link_token
from shop.shipping.selectors import order_tracking_path
from shop.shipping.services.anomalies import (
    shipment_anomalies_check,
    shipment_anomalies_find,
)
from shop.shipping.services.shipments import (
    ShipmentError,
    shipment_create,
    tracking_event_add,
)
from shop.shipping.services.webhooks import carrier_webhook_deliveries_purge
from shop.shipping.tasks import shipment_anomalies_check_task

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 5, 20, 12, 0, tzinfo=UTC)  # a Tuesday
_numbers = itertools.count(1)


def make_order(
    *,
    market_code: str = "DE",
    language: str = "de",
    user: User | None = None,
    status: str = OrderStatus.PAID,
    placed_at: datetime = NOW - timedelta(days=4),
    delivery_days_max: int = 3,
    email: str = "kunde@example.com",
) -> Order:
    """A paid order as checkout leaves it (amounts do not matter here)."""
    n = next(_numbers)
    market = Market.objects.get(code=market_code)
    return Order.objects.create(
        number=f"TW-9{n:05d}",
        user=user,
        email=email,
        language=language,
        market=market,
        currency=market.currency,
        status=status,
        idempotency_key=f"shipments-test-{n}",
        full_name="Erika Mustermann",
        line1="Hauptstraße 5",
        postal_code="10115",
        city="Berlin",
        country=market.default_country,
        shipping_method_name="Standard",
        shipping_carrier="DHL",
        delivery_days_min=1,
        delivery_days_max=delivery_days_max,
        subtotal=Decimal("50.00"),
        shipping=Decimal("4.90"),
        tax=Decimal("8.77"),
        total=Decimal("54.90"),
        prices_include_tax=market.prices_include_tax,
        duties_mode="none",
        placed_at=placed_at,
        paid_at=placed_at,
        payment_provider="offline-test",
    )


def make_shipment(
    order: Order | None = None,
    *,
    tracking_number: str | None = None,
    carrier: str = "DHL",
    promised_by: date | None = date(2025, 5, 23),
    created_at: datetime = NOW - timedelta(days=1),
) -> Shipment:
    shipment = shipment_create(
        order=order or make_order(),
        carrier=carrier,
        tracking_number=tracking_number or f"JJD{next(_numbers):012d}",
        promised_by=promised_by,
    )
    # created_at is set on insert; tests place the parcel's creation in time.
    Shipment.objects.filter(pk=shipment.pk).update(created_at=created_at)
    shipment.refresh_from_db()
    return shipment


def scan(shipment: Shipment, code: str, at: datetime, event_id: str = "", **extra):
    return tracking_event_add(
        shipment=shipment,
        code=code,
        occurred_at=at,
        external_id=event_id or f"ev-{next(_numbers)}",
        **extra,
    )


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


# --- Anomalies ---------------------------------------------------------------------


def _kinds(found) -> list[tuple[int, str]]:
    return sorted((shipment.pk, kind) for shipment, kind in found)


def test_anomaly_found_after_three_days_without_a_scan():
    quiet = make_shipment(promised_by=date(2025, 5, 30))
    scan(quiet, ShipmentStatus.IN_TRANSIT, NOW - timedelta(days=3))
    recent = make_shipment(promised_by=date(2025, 5, 30))
    scan(
        recent,
        ShipmentStatus.IN_TRANSIT,
        NOW - timedelta(days=3) + timedelta(minutes=1),
    )

    found = shipment_anomalies_find(now=NOW)

    assert _kinds(found) == [(quiet.pk, ShipmentAlertKind.NO_SCAN)]


def test_a_label_never_scanned_counts_from_its_creation():
    never = make_shipment(
        promised_by=date(2025, 5, 30), created_at=NOW - timedelta(days=4)
    )
    make_shipment(promised_by=date(2025, 5, 30), created_at=NOW - timedelta(days=2))

    found = shipment_anomalies_find(now=NOW)

    assert _kinds(found) == [(never.pk, ShipmentAlertKind.NO_SCAN)]


def test_anomaly_found_past_the_promised_date():
    late = make_shipment(promised_by=date(2025, 5, 19))
    scan(late, ShipmentStatus.IN_TRANSIT, NOW - timedelta(hours=1))
    due_today = make_shipment(promised_by=date(2025, 5, 20))
    scan(due_today, ShipmentStatus.IN_TRANSIT, NOW - timedelta(hours=1))

    found = shipment_anomalies_find(now=NOW)

    assert _kinds(found) == [(late.pk, ShipmentAlertKind.LATE)]


def test_lateness_is_decided_in_the_market_calendar():
    # 18:00 UTC on 20 May is already 21 May in Jakarta, still 20 May in New York.
    evening = datetime(2025, 5, 20, 18, 0, tzinfo=UTC)
    jakarta = make_shipment(
        make_order(market_code="ID", language="id"), promised_by=date(2025, 5, 20)
    )
    new_york = make_shipment(
        make_order(market_code="US", language="en"), promised_by=date(2025, 5, 20)
    )
    for shipment in (jakarta, new_york):
        scan(shipment, ShipmentStatus.IN_TRANSIT, evening - timedelta(hours=1))

    found = shipment_anomalies_find(now=evening)

    assert _kinds(found) == [(jakarta.pk, ShipmentAlertKind.LATE)]


def test_anomaly_found_in_customs_for_more_than_two_days():
    held = make_shipment(promised_by=date(2025, 5, 30))
    scan(held, ShipmentStatus.IN_TRANSIT, NOW - timedelta(days=5))
    scan(held, ShipmentStatus.IN_CUSTOMS, NOW - timedelta(days=2, minutes=1))
    scan(held, ShipmentStatus.IN_CUSTOMS, NOW - timedelta(hours=3))  # still held
    cleared_soon = make_shipment(promised_by=date(2025, 5, 30))
    scan(cleared_soon, ShipmentStatus.IN_CUSTOMS, NOW - timedelta(days=2))
    scan(cleared_soon, ShipmentStatus.IN_TRANSIT, NOW - timedelta(hours=3))
    just_arrived = make_shipment(promised_by=date(2025, 5, 30))
    scan(just_arrived, ShipmentStatus.IN_CUSTOMS, NOW - timedelta(days=1))

    found = shipment_anomalies_find(now=NOW)

    assert _kinds(found) == [(held.pk, ShipmentAlertKind.CUSTOMS)]


def test_delivered_parcels_are_never_anomalies():
    delivered = make_shipment(promised_by=date(2025, 5, 1))
    scan(delivered, ShipmentStatus.IN_CUSTOMS, NOW - timedelta(days=20))
    scan(delivered, ShipmentStatus.DELIVERED, NOW - timedelta(days=10))

    assert shipment_anomalies_find(now=NOW) == []


def test_parcels_of_cancelled_orders_are_not_watched():
    shipment = make_shipment(
        make_order(status=OrderStatus.CANCELLED), promised_by=date(2025, 5, 1)
    )
    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW - timedelta(days=10))

    assert shipment_anomalies_find(now=NOW) == []


def test_anomaly_find_runs_four_queries(django_assert_num_queries):
    for days in (1, 4, 6):
        shipment = make_shipment(promised_by=date(2025, 5, 18))
        scan(shipment, ShipmentStatus.IN_CUSTOMS, NOW - timedelta(days=days))

    with django_assert_num_queries(4):
        found = shipment_anomalies_find(now=NOW)

    assert len(found) == 3 + 2 + 2  # late: 3, no scan: 2, customs: 2


@pytest.fixture
def staff_inbox(settings):
    settings.STAFF_ALERT_EMAILS = ["ops@tradewind.example"]
    return settings.STAFF_ALERT_EMAILS


def test_each_anomaly_is_alerted_once(staff_inbox, django_capture_on_commit_callbacks):
    shipment = make_shipment(promised_by=date(2025, 5, 30))
    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW - timedelta(days=4))

    with django_capture_on_commit_callbacks(execute=True):
        first = shipment_anomalies_check(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        second = shipment_anomalies_check(now=NOW + timedelta(hours=1))

    assert [(a.shipment_id, a.kind) for a in first] == [
        (shipment.pk, ShipmentAlertKind.NO_SCAN)
    ]
    assert second == []
    assert ShipmentAlert.objects.count() == 1
    assert len(mail.outbox) == 2  # staff once, shopper once


def test_a_new_kind_of_anomaly_on_an_alerted_parcel_is_alerted(
    staff_inbox, django_capture_on_commit_callbacks
):
    shipment = make_shipment(promised_by=date(2025, 5, 21))
    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW - timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        shipment_anomalies_check(now=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        later = shipment_anomalies_check(now=NOW + timedelta(days=2))

    assert [a.kind for a in later] == [ShipmentAlertKind.LATE]
    assert sorted(
        ShipmentAlert.objects.filter(shipment=shipment).values_list("kind", flat=True)
    ) == [ShipmentAlertKind.LATE, ShipmentAlertKind.NO_SCAN]


def test_alert_emails_wait_for_the_commit(
    staff_inbox, django_capture_on_commit_callbacks
):
    shipment = make_shipment(promised_by=date(2025, 5, 1))
    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        shipment_anomalies_check(now=NOW)

    assert len(callbacks) == 2  # the staff list and the shopper's letter
    assert mail.outbox == []


def test_staff_get_one_email_listing_every_new_anomaly(
    staff_inbox, django_capture_on_commit_callbacks
):
    late = make_shipment(
        make_order(), tracking_number="JJD500", promised_by=date(2025, 5, 18)
    )
    scan(late, ShipmentStatus.IN_TRANSIT, NOW - timedelta(hours=1))
    held = make_shipment(
        make_order(), tracking_number="JJD600", promised_by=date(2025, 5, 30)
    )
    scan(held, ShipmentStatus.IN_CUSTOMS, NOW - timedelta(days=2, hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        shipment_anomalies_check(now=NOW)

    staff = [m for m in mail.outbox if m.to == ["ops@tradewind.example"]]
    assert len(staff) == 1
    assert staff[0].subject == "Shipments: 2 new anomalies"
    body = staff[0].body
    assert (
        f"- {late.order.number} · DHL JJD500 · Past the promised date\n"
        "  Status: In transit; last scan: 2025-05-20 11:00 UTC; "
        "promised by: 2025-05-18\n"
    ) in body
    assert (
        f"- {held.order.number} · DHL JJD600 · Stuck in customs\n"
        "  Status: In customs; last scan: 2025-05-18 11:00 UTC; "
        "promised by: 2025-05-30\n"
    ) in body
    assert (
        "Open alerts in the admin: "
        "https://127.0.0.1:8000/admin/shop/shipmentalert/?acknowledged_at__isempty=1"
    ) in body


def test_staff_alerts_go_to_staff_accounts_when_no_list_is_set(
    settings, django_capture_on_commit_callbacks
):
    settings.STAFF_ALERT_EMAILS = []
    User.objects.create_user(email="lead@tradewind.example", is_staff=True)
    User.objects.create_user(email="gone@tradewind.example", is_staff=True)
    User.objects.filter(email="gone@tradewind.example").update(is_active=False)
    User.objects.create_user(email="shopper@example.com")
    shipment = make_shipment(promised_by=date(2025, 5, 1))
    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        shipment_anomalies_check(now=NOW)

    assert [m.to for m in mail.outbox if m.subject.startswith("Shipments")] == [
        ["lead@tradewind.example"]
    ]


def test_the_shopper_is_written_in_the_order_language(
    staff_inbox, django_capture_on_commit_callbacks
):
    order = make_order(language="de", email="kunde@example.com")
    shipment = make_shipment(
        order, tracking_number="JJD42", promised_by=date(2025, 5, 19)
    )
    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        shipment_anomalies_check(now=NOW)

    letter = next(m for m in mail.outbox if m.to == ["kunde@example.com"])
    assert letter.subject == f"Ihre Bestellung {order.number} verspätet sich"
    assert "Ihr Paket hätte bis zum 19. Mai 2025 ankommen sollen" in letter.body
    assert "Wir haben den Versanddienst gebeten, Ihr Paket zu suchen." in letter.body


def test_the_shopper_is_written_in_indonesian_for_an_indonesian_order(
    staff_inbox, django_capture_on_commit_callbacks
):
    order = make_order(market_code="ID", language="id", email="pembeli@example.co.id")
    shipment = make_shipment(order, promised_by=date(2025, 5, 30))
    scan(shipment, ShipmentStatus.IN_CUSTOMS, NOW - timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        shipment_anomalies_check(now=NOW)

    letter = next(m for m in mail.outbox if m.to == ["pembeli@example.co.id"])
    assert letter.subject == f"Kabar tentang pengiriman pesanan Anda {order.number}"
    assert "Paket Anda telah ditahan di bea cukai lebih dari 2 hari." in letter.body


def test_the_shopper_letter_links_a_guest_to_the_signed_tracking_page(
    staff_inbox, django_capture_on_commit_callbacks, client
):
    order = make_order(language="de", email="gast@example.com")
    shipment = make_shipment(order, promised_by=date(2025, 5, 19))
    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        shipment_anomalies_check(now=NOW)

    letter = next(m for m in mail.outbox if m.to == ["gast@example.com"])
    path = order_tracking_path(order=order)
    assert path == f"/de/order/{order_link_token(order=order)}/tracking/"
    assert f"https://127.0.0.1:8000{path}" in letter.body
    assert client.get(path).status_code == 200


def test_shopper_notification_is_recorded_on_the_alert(
    staff_inbox, django_capture_on_commit_callbacks
):
    shipment = make_shipment(promised_by=date(2025, 5, 1))
    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        (alert,) = shipment_anomalies_check(now=NOW)

    alert.refresh_from_db()
    assert alert.shopper_notified_at is not None
    assert alert.created_at == NOW


def test_the_periodic_task_raises_the_alerts(
    staff_inbox, django_capture_on_commit_callbacks
):
    shipment = make_shipment(promised_by=date(2000, 1, 1))
    scan(shipment, ShipmentStatus.IN_TRANSIT, NOW)

    with django_capture_on_commit_callbacks(execute=True):
        shipment_anomalies_check_task()

    # The task runs at today's date: the parcel is late and long without a scan.
    assert sorted(ShipmentAlert.objects.values_list("shipment_id", "kind")) == [
        (shipment.pk, ShipmentAlertKind.LATE),
        (shipment.pk, ShipmentAlertKind.NO_SCAN),
    ]


def test_beat_runs_the_anomaly_check_every_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["shipment-anomalies-check"]

    assert entry["task"] == "shop.shipping.tasks.shipment_anomalies_check_task"
    assert entry["schedule"].minute == {15}
    assert entry["schedule"].hour == set(range(24))


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


def test_order_page_links_to_tracking_once_a_parcel_exists(client, shopper):
    order = make_order(user=shopper)
    client.force_login(shopper)
    link = f'href="/en/orders/{order.number}/tracking/"'

    before = client.get(f"/en/orders/{order.number}/").content.decode()
    make_shipment(order)
    after = client.get(f"/en/orders/{order.number}/").content.decode()

    assert link not in before
    assert link in after
