"""The carriers' webhook: signed with HMAC-SHA256, replay-safe, strict about input."""

import json
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from shop.models import (
    CarrierWebhookDelivery,
    Order,
    OrderEvent,
    OrderStatus,
    ShipmentStatus,
    TrackingEvent,
)
from shop.shipping.services.webhooks import (
    CarrierEventPayload,
    carrier_delivery_receive,
    carrier_signature_header,
)
from shop.shipping.tests.helpers import make_order, make_shipment

pytestmark = pytest.mark.django_db

URL = "/webhooks/carriers/dhl/"
SECRET = "whsec-dhl-test"  # noqa: S105


@pytest.fixture(autouse=True)
def _carrier_secrets(settings):
    settings.CARRIER_WEBHOOK_SECRETS = {
        "dhl": SECRET,
        "ups": ["ups-new", "ups-old"],
    }


@pytest.fixture
def shipment():
    return make_shipment(
        make_order(status=OrderStatus.PAID),
        carrier="DHL",
        tracking_number="JJD000390007",
        promised_by=date(2025, 5, 23),
    )


def delivery(**changes) -> dict:
    payload = {
        "id": "dlv-1",
        "tracking_number": "JJD000390007",
        "event": {
            "id": "ev-1",
            "code": "in_transit",
            "occurred_at": "2025-05-20T08:30:00+02:00",
            "location": "Leipzig Hub",
            "description": "Processed at parcel center",
        },
    }
    payload.update(changes)
    return payload


def post(
    client: Client,
    payload: dict | bytes,
    *,
    url: str = URL,
    secret: str = SECRET,
    timestamp: int | None = None,
    header: str | None = None,
):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    if header is None:
        header = carrier_signature_header(
            secret=secret,
            timestamp=int(time.time()) if timestamp is None else timestamp,
            body=body,
        )
    return client.post(
        url,
        data=body,
        content_type="application/json",
        headers={"X-Tradewind-Signature": header},
    )


def _nothing_written() -> bool:
    return (
        TrackingEvent.objects.count() == 0
        and CarrierWebhookDelivery.objects.count() == 0
    )


def test_a_signed_delivery_records_the_event(client, shipment):
    response = post(client, delivery())

    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "event": "ev-1"}
    event = TrackingEvent.objects.get()
    assert (event.shipment_id, event.code, event.external_id) == (
        shipment.pk,
        ShipmentStatus.IN_TRANSIT,
        "ev-1",
    )
    assert event.occurred_at == datetime(2025, 5, 20, 6, 30, tzinfo=UTC)
    assert (event.location, event.description) == (
        "Leipzig Hub",
        "Processed at parcel center",
    )
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert Order.objects.get(pk=shipment.order_id).status == OrderStatus.SHIPPED
    stored = CarrierWebhookDelivery.objects.get()
    assert (stored.carrier, stored.delivery_id, stored.tracking_event_id) == (
        "dhl",
        "dlv-1",
        event.pk,
    )


def test_the_webhook_needs_no_csrf_token(shipment):
    response = post(Client(enforce_csrf_checks=True), delivery())

    assert response.status_code == 200


def test_a_replayed_delivery_is_answered_duplicate_and_changes_nothing(
    client, shipment
):
    body = json.dumps(delivery()).encode()
    header = carrier_signature_header(
        secret=SECRET, timestamp=int(time.time()), body=body
    )
    post(client, body, header=header)
    order_events = OrderEvent.objects.count()

    replay = post(client, body, header=header)

    assert replay.status_code == 200
    assert replay.json() == {"status": "duplicate", "event": "ev-1"}
    assert TrackingEvent.objects.count() == 1
    assert CarrierWebhookDelivery.objects.count() == 1
    assert OrderEvent.objects.count() == order_events


def test_a_delivery_id_is_accepted_once_even_when_signed_again(client, shipment):
    post(client, delivery(), timestamp=int(time.time()) - 200)
    later = delivery()
    later["event"] = {**later["event"], "id": "ev-2", "code": "delivered"}

    response = post(client, later)

    assert response.json() == {"status": "duplicate", "event": "ev-2"}
    assert list(TrackingEvent.objects.values_list("external_id", flat=True)) == ["ev-1"]
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT


def test_the_same_event_under_a_new_delivery_id_is_a_duplicate(client, shipment):
    post(client, delivery())

    response = post(client, delivery(id="dlv-2"))

    assert response.json() == {"status": "duplicate", "event": "ev-1"}
    assert TrackingEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_of_a_delivery_record_one_event():
    """Two workers receive the same delivery at once: the unique row lets one in."""
    shipment = make_shipment(make_order(), tracking_number="JJD-RACE")
    payload = CarrierEventPayload(
        delivery_id="dlv-race",
        tracking_number="JJD-RACE",
        event_id="ev-race",
        code=ShipmentStatus.IN_TRANSIT,
        occurred_at=datetime(2025, 5, 20, 6, 30, tzinfo=UTC),
        description="",
        location="",
    )
    results = []
    start = threading.Barrier(2)

    def receive() -> None:
        try:
            start.wait()
            results.append(carrier_delivery_receive(carrier="dhl", payload=payload))
        finally:
            connection.close()

    workers = [threading.Thread(target=receive) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(result.duplicate for result in results) == [False, True]
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 1
    assert CarrierWebhookDelivery.objects.filter(delivery_id="dlv-race").count() == 1


def test_a_wrong_signature_is_rejected_and_writes_nothing(client, shipment):
    response = post(client, delivery(), secret="not-the-secret")

    assert response.status_code == 401
    assert response.json() == {"error": "The signature does not match the body."}
    assert _nothing_written()


def test_a_body_changed_after_signing_is_rejected(client, shipment):
    body = json.dumps(delivery()).encode()
    header = carrier_signature_header(
        secret=SECRET, timestamp=int(time.time()), body=body
    )

    response = post(client, body.replace(b"in_transit", b"delivered"), header=header)

    assert response.status_code == 401
    assert _nothing_written()


def test_another_carriers_secret_does_not_sign_for_dhl(client, shipment):
    response = post(client, delivery(), secret="ups-new")

    assert response.status_code == 401
    assert _nothing_written()


def test_a_missing_signature_header_is_rejected(client, shipment):
    response = client.post(
        URL, data=json.dumps(delivery()), content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json() == {
        "error": "Missing or malformed X-Tradewind-Signature header "
        "(expected t=<unix time>,v1=<hex HMAC-SHA256>)."
    }
    assert _nothing_written()


def test_a_signature_older_than_five_minutes_is_a_replay(client, shipment):
    response = post(client, delivery(), timestamp=int(time.time()) - 301)

    assert response.status_code == 401
    assert response.json() == {
        "error": "The signature timestamp is more than 300 seconds away from our "
        "clock: a replay, or a clock to correct."
    }
    assert _nothing_written()


def test_a_signature_within_five_minutes_is_accepted(client, shipment):
    response = post(client, delivery(), timestamp=int(time.time()) - 290)

    assert response.status_code == 200


def test_a_signature_from_the_future_is_rejected(client, shipment):
    response = post(client, delivery(), timestamp=int(time.time()) + 301)

    assert response.status_code == 401
    assert _nothing_written()


def test_both_secrets_sign_while_one_is_rotated(client):
    make_shipment(make_order(), carrier="UPS", tracking_number="1Z999AA10123456784")
    url = "/webhooks/carriers/ups/"
    payload = delivery(tracking_number="1Z999AA10123456784")

    old = post(client, payload, url=url, secret="ups-old")
    new = post(
        client,
        delivery(
            id="dlv-9",
            tracking_number="1Z999AA10123456784",
            event={**payload["event"], "id": "ev-9"},
        ),
        url=url,
        secret="ups-new",
    )

    assert (old.status_code, new.status_code) == (200, 200)
    assert TrackingEvent.objects.count() == 2


def test_an_unknown_carrier_is_404(client, shipment):
    response = post(client, delivery(), url="/webhooks/carriers/pigeon/")

    assert response.status_code == 404
    assert response.json() == {"error": "Unknown carrier: pigeon"}
    assert _nothing_written()


def test_a_body_over_64_kb_is_413(client, shipment):
    big = delivery()
    big["event"] = {**big["event"], "description": "x" * (64 * 1024)}

    response = post(client, big)

    assert response.status_code == 413
    # Refused from Content-Length before the body is read (config.body_limit).
    assert response.json() == {"error": "The body is larger than 65536 bytes."}
    assert _nothing_written()


def test_bad_json_is_400(client, shipment):
    response = post(client, b'{"id": "dlv-1",')

    assert response.status_code == 400
    assert response.json() == {
        "error": "The body is not valid JSON: Expecting property name enclosed in "
        "double quotes: line 1 column 16 (char 15)"
    }
    assert _nothing_written()


def test_a_json_array_is_400(client, shipment):
    response = post(client, b"[]")

    assert response.status_code == 400
    assert response.json() == {"error": "The body must be a JSON object."}


def test_missing_fields_are_named_in_the_400(client, shipment):
    payload = delivery()
    del payload["tracking_number"]
    payload["event"] = {"id": "ev-1", "occurred_at": "2025-05-20 08:30"}

    response = post(client, payload)

    assert response.status_code == 400
    assert response.json() == {
        "error": "Missing or invalid fields: tracking_number, event.code, "
        "event.occurred_at. occurred_at is ISO 8601 with a UTC offset."
    }
    assert _nothing_written()


def test_an_unknown_tracking_number_is_400(client, shipment):
    response = post(client, delivery(tracking_number="JJD404"))

    assert response.status_code == 400
    assert response.json() == {"error": "Unknown tracking number for dhl: JJD404"}
    assert _nothing_written()


def test_an_unknown_status_code_is_400(client, shipment):
    payload = delivery()
    payload["event"] = {**payload["event"], "code": "lost_in_space"}

    response = post(client, payload)

    assert response.status_code == 400
    assert response.json() == {
        "error": "Unknown status code: lost_in_space. Known codes: label_created, "
        "in_transit, in_customs, out_for_delivery, delivered, exception."
    }
    assert _nothing_written()


def test_tracking_numbers_match_whatever_the_spacing(client, shipment):
    response = post(client, delivery(tracking_number="jjd 0003 9000 7"))

    assert response.status_code == 200
    assert TrackingEvent.objects.get().shipment_id == shipment.pk


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


def test_the_webhook_lives_outside_the_language_prefixes(client, shipment):
    response = post(client, delivery(), url="/de/webhooks/carriers/dhl/")

    assert response.status_code == 404
    assert _nothing_written()


def test_a_late_scan_from_the_carrier_keeps_the_newest_status(client, shipment):
    first = delivery()
    first["event"] = {
        **first["event"],
        "code": "delivered",
        "occurred_at": (datetime(2025, 5, 21, 9, 0, tzinfo=UTC)).isoformat(),
    }
    post(client, first)
    older = delivery(id="dlv-2")
    older["event"] = {**older["event"], "id": "ev-0"}

    response = post(client, older)

    assert response.json() == {"status": "accepted", "event": "ev-0"}
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipment.last_event_at == datetime(2025, 5, 21, 9, 0, tzinfo=UTC)


def _event_at(delivery_id: str, event_id: str, code: str, at: str, **extra) -> dict:
    payload = delivery(id=delivery_id)
    payload["event"] = {
        **payload["event"],
        "id": event_id,
        "code": code,
        "occurred_at": at,
        **extra,
    }
    return payload


def test_an_event_dated_year_9999_is_400_and_later_scans_still_count(client, shipment):
    response = post(
        client, _event_at("dlv-9", "ev-9", "delivered", "9999-01-01T00:00:00+00:00")
    )

    assert response.status_code == 400
    assert "future" in response.json()["error"]
    assert _nothing_written()
    post(client, _event_at("dlv-1", "ev-1", "in_transit", "2025-05-20T08:30:00+02:00"))
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT


def test_an_event_more_than_a_day_ahead_is_refused_and_one_hour_ahead_accepted(
    client, shipment
):
    ahead = datetime.now(UTC)

    too_far = post(
        client,
        _event_at(
            "dlv-2",
            "ev-2",
            "in_transit",
            (ahead + timedelta(days=1, hours=1)).isoformat(),
        ),
    )
    near = post(
        client,
        _event_at(
            "dlv-3", "ev-3", "in_transit", (ahead + timedelta(hours=1)).isoformat()
        ),
    )

    assert too_far.status_code == 400
    assert near.status_code == 200


def test_an_event_dated_before_the_order_is_400(client, shipment):
    response = post(
        client, _event_at("dlv-4", "ev-4", "in_transit", "2020-01-01T00:00:00+00:00")
    )

    assert response.status_code == 400
    assert "before the order" in response.json()["error"]
    assert _nothing_written()


def test_the_carriers_sequence_orders_events_whose_clocks_disagree(client, shipment):
    # The delivery scan's device clock ran an hour behind the hub's.
    post(
        client,
        _event_at(
            "dlv-1", "ev-1", "out_for_delivery", "2025-05-21T10:00:00+00:00", sequence=2
        ),
    )
    post(
        client,
        _event_at(
            "dlv-2", "ev-2", "delivered", "2025-05-21T09:30:00+00:00", sequence=3
        ),
    )
    post(
        client,
        _event_at(
            "dlv-3", "ev-3", "in_transit", "2025-05-21T09:45:00+00:00", sequence=1
        ),
    )

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED


def test_a_sequence_that_is_not_a_whole_number_is_400(client, shipment):
    response = post(
        client,
        _event_at(
            "dlv-1", "ev-1", "in_transit", "2025-05-20T08:30:00+00:00", sequence="2"
        ),
    )

    assert response.status_code == 400
    assert "event.sequence" in response.json()["error"]


def test_a_nul_in_a_json_field_is_400_naming_the_field(client, shipment):
    payload = delivery()
    payload["event"] = {**payload["event"], "location": "a\u0000b"}

    response = post(client, payload)

    assert response.status_code == 400
    assert "event.location" in response.json()["error"]
    assert _nothing_written()
