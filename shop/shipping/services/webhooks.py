"""The carriers' webhook: signature checks, payload parsing, one acceptance per
delivery, and the purge of old delivery IDs."""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shop.models import CarrierWebhookDelivery, Shipment, ShipmentStatus, TrackingEvent
from shop.shipping.services.shipments import (
    ShipmentError,
    tracking_event_add,
    tracking_number_normalize,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Tradewind-Signature"


# --- The carrier webhook -----------------------------------------------------------


class WebhookRejected(Exception):
    """A webhook delivery refused; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CarrierEventPayload:
    """A carrier's delivery, read and checked: one tracking event of one parcel."""

    delivery_id: str
    tracking_number: str
    event_id: str
    code: str
    occurred_at: datetime
    description: str
    location: str
    sequence: int | None = None


@dataclass(frozen=True)
class CarrierDeliveryResult:
    duplicate: bool
    event: TrackingEvent | None


def carrier_webhook_secrets(*, carrier: str) -> list[str]:
    """The carrier's signing secrets (two while one is rotated); none: unknown."""
    value = settings.CARRIER_WEBHOOK_SECRETS.get(carrier.lower())
    if not value:
        return []
    values = [value] if isinstance(value, str) else list(value)
    return [secret for secret in values if isinstance(secret, str) and secret]


def carrier_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `<timestamp>.<raw body>` under the carrier's secret."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def carrier_signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    """The signature header a carrier sends: `t=<unix time>,v1=<hex>`."""
    signature = carrier_signature(secret=secret, timestamp=timestamp, body=body)
    return f"t={timestamp},v1={signature}"


def _signature_header_parse(header: str) -> tuple[int | None, list[str]]:
    timestamp = None
    signatures = []
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    return timestamp, signatures


def carrier_signature_verify(
    *, carrier: str, header: str, body: bytes, now: datetime | None = None
) -> None:
    """Accept a body signed with the carrier's secret less than 5 minutes ago."""
    secrets = carrier_webhook_secrets(carrier=carrier)
    if not secrets:
        raise WebhookRejected(f"Unknown carrier: {carrier}", status=404)
    timestamp, signatures = _signature_header_parse(header)
    if timestamp is None or not signatures:
        raise WebhookRejected(
            f"Missing or malformed {SIGNATURE_HEADER} header "
            "(expected t=<unix time>,v1=<hex HMAC-SHA256>).",
            status=401,
        )
    expected = [
        carrier_signature(secret=secret, timestamp=timestamp, body=body)
        for secret in secrets
    ]
    if not any(
        hmac.compare_digest(mine, theirs) for mine in expected for theirs in signatures
    ):
        raise WebhookRejected("The signature does not match the body.", status=401)
    now = now or timezone.now()
    tolerance = settings.CARRIER_WEBHOOK_TOLERANCE_SECONDS
    if abs(now.timestamp() - timestamp) > tolerance:
        raise WebhookRejected(
            f"The signature timestamp is more than {tolerance} seconds away "
            "from our clock: a replay, or a clock to correct.",
            status=401,
        )


def _text_field(data: dict, key: str, *, max_length: int, required: bool) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise KeyError(key)
    if "\x00" in value:  # PostgreSQL cannot store it
        raise KeyError(key)
    if len(value.strip()) > max_length:
        raise KeyError(key)
    return value.strip()


def carrier_payload_parse(*, body: bytes) -> CarrierEventPayload:
    """Read a delivery's JSON body, or say exactly what is wrong with it.

    Expected: {"id": "<delivery ID>", "tracking_number": "…", "event": {"id": "…",
    "code": "<a ShipmentStatus value>", "occurred_at": "<ISO 8601 with offset>",
    "description": "…", "location": "…", "sequence": <optional whole number>}}.
    Strings must not hold NUL characters (PostgreSQL cannot store them).
    """
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise WebhookRejected(f"The body is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise WebhookRejected("The body must be a JSON object.")
    event = data.get("event")
    if not isinstance(event, dict):
        event = {}
    invalid = []
    fields = {}
    for prefix, source, key, max_length, required in (
        ("", data, "id", 100, True),
        ("", data, "tracking_number", 64, True),
        ("event.", event, "id", 100, True),
        ("event.", event, "code", 20, True),
        ("event.", event, "occurred_at", 40, True),
        ("event.", event, "description", 255, False),
        ("event.", event, "location", 120, False),
    ):
        try:
            fields[prefix + key] = _text_field(
                source, key, max_length=max_length, required=required
            )
        except KeyError:
            invalid.append(prefix + key)
    occurred_at = None
    if "event.occurred_at" in fields:
        try:
            occurred_at = parse_datetime(fields["event.occurred_at"])
        except ValueError:
            occurred_at = None
        if occurred_at is None or timezone.is_naive(occurred_at):
            invalid.append("event.occurred_at")
    sequence = event.get("sequence")
    if sequence is not None and (
        isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0
    ):
        invalid.append("event.sequence")
    if invalid:
        raise WebhookRejected(
            "Missing or invalid fields: "
            + ", ".join(invalid)
            + ". occurred_at is ISO 8601 with a UTC offset."
        )
    code = fields["event.code"]
    if code not in ShipmentStatus.values:
        raise WebhookRejected(
            f"Unknown status code: {code}. Known codes: "
            + ", ".join(ShipmentStatus.values)
            + "."
        )
    assert occurred_at is not None  # refused above when missing or invalid
    return CarrierEventPayload(
        delivery_id=fields["id"],
        tracking_number=tracking_number_normalize(fields["tracking_number"]),
        event_id=fields["event.id"],
        code=code,
        occurred_at=occurred_at,
        description=fields["event.description"],
        location=fields["event.location"],
        sequence=sequence,
    )


def carrier_delivery_receive(
    *, carrier: str, payload: CarrierEventPayload, now: datetime | None = None
) -> CarrierDeliveryResult:
    """Record a verified delivery once: its tracking event, or nothing for a replay.

    The delivery's row claims its ID first, so a replayed or concurrent duplicate
    stops at the unique key and writes nothing.
    """
    carrier = carrier.lower()
    if CarrierWebhookDelivery.objects.filter(
        carrier=carrier, delivery_id=payload.delivery_id
    ).exists():
        return CarrierDeliveryResult(duplicate=True, event=None)
    shipment = Shipment.objects.filter(
        carrier__iexact=carrier, tracking_number=payload.tracking_number
    ).first()
    if shipment is None:
        raise WebhookRejected(
            f"Unknown tracking number for {carrier}: {payload.tracking_number}"
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery = CarrierWebhookDelivery.objects.create(
                    carrier=carrier,
                    delivery_id=payload.delivery_id,
                    received_at=now or timezone.now(),
                )
        except IntegrityError:
            return CarrierDeliveryResult(duplicate=True, event=None)
        try:
            event, created = tracking_event_add(
                shipment=shipment,
                code=payload.code,
                occurred_at=payload.occurred_at,
                description=payload.description,
                location=payload.location,
                external_id=payload.event_id,
                sequence=payload.sequence,
                now=now,
            )
        except ShipmentError as error:
            # Rolls the delivery's row back too: a corrected resend is accepted.
            raise WebhookRejected(str(error)) from error
        delivery.tracking_event = event
        delivery.save(update_fields=["tracking_event"])
    return CarrierDeliveryResult(duplicate=not created, event=event)


def carrier_webhook_deliveries_purge(*, now: datetime | None = None) -> int:
    """Forget delivery IDs older than the retention; returns how many were removed.

    Their signatures expired long ago, and a re-signed old event still meets the
    tracking events' own uniqueness, so nothing is recorded twice.
    """
    cutoff = (now or timezone.now()) - timedelta(
        days=settings.CARRIER_WEBHOOK_DELIVERY_DAYS
    )
    deleted, _by_model = CarrierWebhookDelivery.objects.filter(
        received_at__lt=cutoff
    ).delete()
    return deleted
