"""The shopper's tracking timeline, in the market's time zone and language."""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation

from shop.models import Market, Order, Shipment, TrackingEvent
from shop.orders.access import order_link_token
from shop.storefront.formatting import babel_locale, moment_text

logger = logging.getLogger(__name__)


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
                local_text=moment_text(
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
