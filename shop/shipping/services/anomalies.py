"""Alerts when a parcel goes astray: no scan for days, past the promised date, or
stuck in customs; staff and the shopper are told once."""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial
from typing import TypedDict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django_stubs_ext import WithAnnotations

from shop.models import (
    OrderStatus,
    Shipment,
    ShipmentAlert,
    ShipmentAlertKind,
    ShipmentStatus,
    TrackingEvent,
)
from shop.orders.mail import site_url, staff_alert_recipients, templated_email_send
from shop.shipping.selectors import _date_text, order_tracking_path
from shop.storefront.formatting import market_zone as _zone

logger = logging.getLogger(__name__)
# Orders that ended: their parcels are no longer watched for anomalies.
ORDER_ENDED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


# --- Anomalies ---------------------------------------------------------------------


def _open_shipments() -> QuerySet[Shipment]:
    return (
        Shipment.objects.exclude(status=ShipmentStatus.DELIVERED)
        .exclude(order__status__in=ORDER_ENDED)
        .select_related("order__market")
        .order_by("id")
    )


class EventsPrefetch(TypedDict):
    events_in_order: list[TrackingEvent]


def _customs_since(shipment: "WithAnnotations[Shipment, EventsPrefetch]") -> datetime:
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
    shipment: Shipment
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
        assert shipment.promised_by is not None  # filtered on it
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
