"""Shipments: tracking events from staff and carriers (with the carrier webhook's
checks), the shopper's tracking timeline, and alerts when a parcel goes astray."""

import hashlib
import hmac
import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from shop.formatting import babel_locale
from shop.models import (
    CarrierWebhookDelivery,
    Market,
    Order,
    OrderStatus,
    Shipment,
    ShipmentAlert,
    ShipmentAlertKind,
    ShipmentStatus,
    TrackingEvent,
)
from shop.selectors import _add_business_days
from shop.services.mail import (
    site_url,
    staff_alert_recipients,
    templated_email_send,
)
from shop.services.orders import (
    OrderTransitionError,
    order_link_token,
    order_transition,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Tradewind-Signature"
# Once a carrier has the parcel, the order counts as shipped.
CARRIER_HAS_PARCEL = frozenset(
    {
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.IN_CUSTOMS,
        ShipmentStatus.OUT_FOR_DELIVERY,
        ShipmentStatus.DELIVERED,
    }
)
# Orders that ended: their parcels are no longer watched for anomalies.
ORDER_ENDED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


class ShipmentError(ValueError):
    """A shipment or tracking event that cannot be recorded as given."""


# --- Shipments and their events ----------------------------------------------------


def tracking_number_normalize(value: str) -> str:
    """`1z 999 aa1` -> `1Z999AA1`: carriers print spaces and ignore case."""
    return "".join(value.split()).upper()


def shipment_promised_date(*, order: Order) -> date:
    """The last delivery day the shopper was promised at checkout."""
    placed = order.placed_at.astimezone(_zone(order.market)).date()
    return _add_business_days(placed, order.delivery_days_max)


def shipment_key_clean(
    *, carrier: str, tracking_number: str, other_than: int | None = None
) -> tuple[str, str]:
    """The carrier and normalized tracking number, checked to be new."""
    carrier = carrier.strip()
    number = tracking_number_normalize(tracking_number)
    if not carrier or not number:
        raise ShipmentError(_("A shipment needs a carrier and a tracking number."))
    taken = Shipment.objects.filter(carrier__iexact=carrier, tracking_number=number)
    if taken.exclude(pk=other_than).exists():
        raise ShipmentError(
            _("The tracking number %(number)s of %(carrier)s is already recorded.")
            % {"number": number, "carrier": carrier}
        )
    return carrier, number


def shipment_create(
    *,
    order: Order,
    carrier: str,
    tracking_number: str,
    promised_by: date | None = None,
) -> Shipment:
    """Record a parcel of an order handed to a carrier; promised by checkout's date."""
    carrier, number = shipment_key_clean(
        carrier=carrier, tracking_number=tracking_number
    )
    return Shipment.objects.create(
        order=order,
        carrier=carrier,
        tracking_number=number,
        promised_by=promised_by or shipment_promised_date(order=order),
    )


def shipment_update(
    *, shipment: Shipment, carrier: str, tracking_number: str, promised_by: date | None
) -> Shipment:
    """Correct a shipment's carrier, tracking number or promised date."""
    shipment.carrier, shipment.tracking_number = shipment_key_clean(
        carrier=carrier, tracking_number=tracking_number, other_than=shipment.pk
    )
    shipment.promised_by = promised_by
    shipment.save(update_fields=["carrier", "tracking_number", "promised_by"])
    return shipment


def tracking_event_add(
    *,
    shipment: Shipment,
    code: str,
    occurred_at: datetime,
    description: str = "",
    location: str = "",
    external_id: str = "",
) -> tuple[TrackingEvent, bool]:
    """Add a tracking event once per external ID; the newest one sets the status.

    Returns the event and whether it is new. A new event that is the shipment's
    latest moves the order to shipped, and to delivered once all parcels are.
    """
    if code not in ShipmentStatus.values:
        raise ShipmentError(_("Unknown tracking status: %(code)s") % {"code": code})
    if timezone.is_naive(occurred_at):
        raise ShipmentError(_("The time of a tracking event needs its time zone."))
    # Events staff add by hand have no carrier ID: each is its own event.
    external_id = external_id.strip() or f"staff-{uuid.uuid4().hex}"
    with transaction.atomic():
        # Locking the parcel and its order serializes the order's scans: "newest"
        # is decided once, and the last parcel delivered sees all the others.
        locked = (
            Shipment.objects.select_for_update(of=("self", "order"))
            .select_related("order")
            .get(pk=shipment.pk)
        )
        event = TrackingEvent.objects.filter(
            shipment=locked, external_id=external_id
        ).first()
        if event is not None:
            return event, False
        event = TrackingEvent.objects.create(
            shipment=locked,
            code=code,
            occurred_at=occurred_at,
            description=description.strip()[:255],
            location=location.strip()[:120],
            external_id=external_id,
        )
        if locked.last_event_at is None or occurred_at > locked.last_event_at:
            locked.status = code
            locked.last_event_at = occurred_at
            locked.save(update_fields=["status", "last_event_at"])
            _order_follow(shipment=locked)
    shipment.status = locked.status
    shipment.last_event_at = locked.last_event_at
    return event, True


def _order_follow(*, shipment: Shipment) -> None:
    """Move the order along with its parcels, through the order lifecycle."""
    order = shipment.order
    steps = []
    if shipment.status in CARRIER_HAS_PARCEL and order.status in (
        OrderStatus.PAID,
        OrderStatus.PROCESSING,
    ):
        steps.append(OrderStatus.SHIPPED)
    if (
        shipment.status == ShipmentStatus.DELIVERED
        and not order.shipments.exclude(status=ShipmentStatus.DELIVERED).exists()
    ):
        steps.append(OrderStatus.DELIVERED)
    note = f"{shipment.carrier} {shipment.tracking_number}"
    for status in steps:
        try:
            order_transition(order=order, status=status, note=note)
        except OrderTransitionError:
            # A cancelled or unpaid order keeps its status; the parcel is still shown.
            logger.warning(
                "Order %s stays %s although parcel %s is %s.",
                order.number,
                order.status,
                note,
                shipment.status,
            )
            return


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
    if len(value.strip()) > max_length:
        raise KeyError(key)
    return value.strip()


def carrier_payload_parse(*, body: bytes) -> CarrierEventPayload:
    """Read a delivery's JSON body, or say exactly what is wrong with it.

    Expected: {"id": "<delivery ID>", "tracking_number": "…", "event": {"id": "…",
    "code": "<a ShipmentStatus value>", "occurred_at": "<ISO 8601 with offset>",
    "description": "…", "location": "…"}}.
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
    return CarrierEventPayload(
        delivery_id=fields["id"],
        tracking_number=tracking_number_normalize(fields["tracking_number"]),
        event_id=fields["event.id"],
        code=code,
        occurred_at=occurred_at,
        description=fields["event.description"],
        location=fields["event.location"],
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
        event, created = tracking_event_add(
            shipment=shipment,
            code=payload.code,
            occurred_at=payload.occurred_at,
            description=payload.description,
            location=payload.location,
            external_id=payload.event_id,
        )
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


# --- The shopper's tracking page ---------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    code: str
    label: str
    occurred_at: datetime
    local_text: str
    location: str
    description: str


@dataclass(frozen=True)
class ShipmentTimeline:
    shipment: Shipment
    status_label: str
    promised_text: str
    last_scan_text: str
    entries: list[TimelineEntry]


def _zone(market: Market) -> ZoneInfo:
    try:
        return ZoneInfo(market.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _moment_text(moment: datetime, *, market: Market, language: str) -> str:
    """A moment in the market's zone and the reader's locale, the zone named."""
    zone = _zone(market)
    locale = babel_locale(language, market.default_country)
    text = format_datetime(moment, format="medium", tzinfo=zone, locale=locale)
    return f"{text} ({zone.key})"


def _date_text(day: date | None, *, market: Market, language: str) -> str:
    if day is None:
        return ""
    return format_date(
        day, format="long", locale=babel_locale(language, market.default_country)
    )


def shipment_timelines(*, order: Order, language: str) -> list[ShipmentTimeline]:
    """The order's parcels, each with its events newest first; two queries."""
    shipments = order.shipments.order_by("created_at", "id").prefetch_related(
        Prefetch(
            "events",
            queryset=TrackingEvent.objects.order_by("-occurred_at", "-id"),
            to_attr="timeline_events",
        )
    )
    market = order.market
    timelines = []
    for shipment in shipments:
        entries = [
            TimelineEntry(
                code=event.code,
                label=event.get_code_display(),
                occurred_at=event.occurred_at,
                local_text=_moment_text(
                    event.occurred_at, market=market, language=language
                ),
                location=event.location,
                description=event.description,
            )
            for event in shipment.timeline_events
        ]
        timelines.append(
            ShipmentTimeline(
                shipment=shipment,
                status_label=shipment.get_status_display(),
                promised_text=_date_text(
                    shipment.promised_by, market=market, language=language
                ),
                last_scan_text=entries[0].local_text if entries else "",
                entries=entries,
            )
        )
    return timelines


def order_tracking_path(*, order: Order) -> str:
    """The tracking page's path in the order's language: the account's, or for a
    guest the signed link's."""
    with translation.override(order.language):
        if order.user_id is not None:
            return reverse("shop:order_tracking", kwargs={"number": order.number})
        return reverse(
            "shop:order_link_tracking",
            kwargs={"token": order_link_token(order=order)},
        )


# --- Anomalies ---------------------------------------------------------------------


def _open_shipments() -> QuerySet[Shipment]:
    return (
        Shipment.objects.exclude(status=ShipmentStatus.DELIVERED)
        .exclude(order__status__in=ORDER_ENDED)
        .select_related("order__market")
        .order_by("id")
    )


def _customs_since(shipment: Shipment) -> datetime:
    """When the parcel entered customs: the first of the latest run of customs scans."""
    since = shipment.last_event_at or shipment.created_at
    for event in reversed(shipment.events_in_order):
        if event.code != ShipmentStatus.IN_CUSTOMS:
            break
        since = event.occurred_at
    return since


def shipment_anomalies_find(*, now: datetime) -> list[tuple[Shipment, str]]:
    """Undelivered parcels with no scan for days, past their promised date, or held
    in customs too long, as (shipment, ShipmentAlertKind) pairs; four queries."""
    found: list[tuple[Shipment, str]] = []
    quiet_since = now - timedelta(days=settings.SHIPMENT_NO_SCAN_DAYS)
    for shipment in (
        _open_shipments()
        .annotate(last_seen=Coalesce("last_event_at", "created_at"))
        .filter(last_seen__lte=quiet_since)
    ):
        found.append((shipment, ShipmentAlertKind.NO_SCAN))
    # No market's today is later than UTC's tomorrow: the query narrows, the loop
    # decides in each market's own calendar.
    tomorrow_utc = now.astimezone(ZoneInfo("UTC")).date() + timedelta(days=1)
    for shipment in _open_shipments().filter(promised_by__lt=tomorrow_utc):
        today = now.astimezone(_zone(shipment.order.market)).date()
        if shipment.promised_by < today:
            found.append((shipment, ShipmentAlertKind.LATE))
    customs_since = now - timedelta(days=settings.SHIPMENT_CUSTOMS_DAYS)
    held = (
        _open_shipments()
        .filter(status=ShipmentStatus.IN_CUSTOMS)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TrackingEvent.objects.order_by("occurred_at", "id"),
                to_attr="events_in_order",
            )
        )
    )
    for shipment in held:
        if _customs_since(shipment) < customs_since:
            found.append((shipment, ShipmentAlertKind.CUSTOMS))
    return found


def shipment_anomalies_check(*, now: datetime | None = None) -> list[ShipmentAlert]:
    """Record each anomaly not alerted before for its kind; after commit, email staff
    one list and each shopper concerned, in their language. Returns the new alerts."""
    now = now or timezone.now()
    found = shipment_anomalies_find(now=now)
    if not found:
        return []
    known = set(
        ShipmentAlert.objects.filter(
            shipment__in={shipment.pk for shipment, _kind in found}
        ).values_list("shipment_id", "kind")
    )
    new: list[ShipmentAlert] = []
    with transaction.atomic():
        for shipment, kind in found:
            if (shipment.pk, kind) in known:
                continue
            # A concurrent run may have raised it meanwhile: the unique key decides.
            alert, created = ShipmentAlert.objects.get_or_create(
                shipment=shipment, kind=kind, defaults={"created_at": now}
            )
            if created:
                alert.shipment = shipment
                new.append(alert)
        if new:
            alert_ids = [alert.pk for alert in new]
            transaction.on_commit(
                partial(shipment_alerts_staff_notify, alert_ids=alert_ids), robust=True
            )
            by_shipment: dict[int, list[int]] = defaultdict(list)
            for alert in new:
                by_shipment[alert.shipment_id].append(alert.pk)
            for shipment_id, ids in by_shipment.items():
                transaction.on_commit(
                    partial(
                        shipment_anomaly_shopper_notify,
                        shipment_id=shipment_id,
                        alert_ids=ids,
                    ),
                    robust=True,
                )
    return new


def shipment_alerts_acknowledge(
    *, alerts: QuerySet[ShipmentAlert], now: datetime | None = None
) -> int:
    """Mark alerts as handled by staff; returns how many were open."""
    return alerts.filter(acknowledged_at=None).update(
        acknowledged_at=now or timezone.now()
    )


def shipment_alerts_staff_notify(*, alert_ids: list[int]) -> None:
    """Email staff the new shipment anomalies in one message, with the admin's link."""
    recipients = staff_alert_recipients()
    alerts = list(
        ShipmentAlert.objects.filter(pk__in=alert_ids)
        .select_related("shipment__order")
        .order_by("shipment__order__number", "shipment_id", "kind")
    )
    if not alerts or not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "alerts": alerts,
            "admin_url": site_url()
            + reverse("admin:shop_shipmentalert_changelist")
            + "?acknowledged_at__isempty=1",
        }
    templated_email_send(
        template="shop/emails/shipment_alert_staff",
        context=context,
        to=recipients,
        language=settings.LANGUAGE_CODE,
    )
    logger.info("Shipment alerts %s sent to staff.", alert_ids)


def shipment_anomaly_shopper_notify(*, shipment_id: int, alert_ids: list[int]) -> None:
    """Tell the shopper, in the order's language, what happened to their parcel and
    what we are doing about it; each alert is written about once."""
    shipment = Shipment.objects.select_related("order__market").get(pk=shipment_id)
    alerts = list(
        ShipmentAlert.objects.filter(
            pk__in=alert_ids, shipment=shipment, shopper_notified_at=None
        )
    )
    if not alerts:
        return
    order = shipment.order
    market = order.market
    language = order.language
    with translation.override(language):
        context = {
            "order": order,
            "shipment": shipment,
            "kinds": {alert.kind for alert in alerts},
            "no_scan_days": settings.SHIPMENT_NO_SCAN_DAYS,
            "customs_days": settings.SHIPMENT_CUSTOMS_DAYS,
            "last_scan_text": _date_text(
                (shipment.last_event_at or shipment.created_at)
                .astimezone(_zone(market))
                .date(),
                market=market,
                language=language,
            ),
            "promised_text": _date_text(
                shipment.promised_by, market=market, language=language
            ),
            "tracking_url": site_url() + order_tracking_path(order=order),
        }
    templated_email_send(
        template="shop/emails/shipment_anomaly",
        context=context,
        to=[order.email],
        language=language,
    )
    ShipmentAlert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(
        shopper_notified_at=timezone.now()
    )
    logger.info("Shopper told of anomalies %s of %s.", alert_ids, shipment)
