"""Shipments and their tracking events, from staff and carriers alike; an order
follows its parcels."""

import logging
import uuid
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.catalog.selectors import _add_business_days
from shop.models import Order, OrderStatus, Shipment, ShipmentStatus, TrackingEvent
from shop.orders.services import OrderTransitionError, order_transition
from shop.storefront.formatting import market_zone as _zone

logger = logging.getLogger(__name__)
# Once a carrier has the parcel, the order counts as shipped.
CARRIER_HAS_PARCEL = frozenset(
    {
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.IN_CUSTOMS,
        ShipmentStatus.OUT_FOR_DELIVERY,
        ShipmentStatus.DELIVERED,
    }
)


# A scanner's clock may run a little ahead; an event further ahead is a wrong date
# that would hide every real scan after it.
EVENT_MAX_AHEAD = timedelta(days=1)


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
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    if taken.exists():
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


def tracking_event_time_check(
    *, occurred_at: datetime, placed_at: datetime | None, now: datetime | None = None
) -> None:
    """Refuse a scan dated more than a day ahead, or before its order was placed."""
    if occurred_at > (now or timezone.now()) + EVENT_MAX_AHEAD:
        raise ShipmentError(
            _("A tracking event cannot be dated more than a day in the future.")
        )
    if placed_at is not None and occurred_at < placed_at:
        raise ShipmentError(
            _("A tracking event cannot be dated before the order was placed.")
        )


def tracking_event_add(
    *,
    shipment: Shipment,
    code: str,
    occurred_at: datetime,
    description: str = "",
    location: str = "",
    external_id: str = "",
    sequence: int | None = None,
    now: datetime | None = None,
) -> tuple[TrackingEvent, bool]:
    """Add a tracking event once per external ID; the newest one sets the status.

    Returns the event and whether it is new. "Newest" follows the carrier's
    sequence when both events have one, else the time of the scan. A new event that
    is the shipment's latest moves the order to shipped, and to delivered once all
    parcels are. An event dated before the order or more than a day ahead is refused.
    """
    if code not in ShipmentStatus.values:
        raise ShipmentError(_("Unknown tracking status: %(code)s") % {"code": code})
    if timezone.is_naive(occurred_at):
        raise ShipmentError(_("The time of a tracking event needs its time zone."))
    tracking_event_time_check(
        occurred_at=occurred_at, placed_at=shipment.order.placed_at, now=now
    )
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
            sequence=sequence,
        )
        if _is_newest(shipment=locked, event=event):
            locked.status = code
            locked.last_event_at = occurred_at
            locked.save(update_fields=["status", "last_event_at"])
            _order_follow(shipment=locked)
    shipment.status = locked.status
    shipment.last_event_at = locked.last_event_at
    return event, True


def _is_newest(*, shipment: Shipment, event: TrackingEvent) -> bool:
    """Whether a just-recorded event is the parcel's latest, by the carrier's
    sequence where both it and an earlier event carry one, else by time."""
    if event.sequence is not None:
        highest = (
            shipment.events.exclude(pk=event.pk)
            .filter(sequence__isnull=False)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        if highest is not None:
            return event.sequence > highest
    return shipment.last_event_at is None or event.occurred_at > shipment.last_event_at


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
