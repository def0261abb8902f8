from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from shop.models import (
    OrderStatus,
    ShipmentAlert,
    ShipmentAlertKind,
    ShipmentStatus,
    User,
)
from shop.orders.access import order_link_token
from shop.shipping.selectors import order_tracking_path
from shop.shipping.services.anomalies import (
    shipment_anomalies_check,
    shipment_anomalies_find,
)
from shop.shipping.tasks import shipment_anomalies_check_task
from shop.shipping.tests.helpers import NOW, make_order, make_shipment, scan

pytestmark = pytest.mark.django_db


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
        make_order(status=OrderStatus.CANCELLED, placed_at=NOW - timedelta(days=14)),
        promised_by=date(2025, 5, 1),
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
