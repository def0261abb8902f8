"""Orders, shipments and scans for the shipping tests."""

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from shop.models import Market, Order, OrderStatus, Shipment, User
from shop.shipping.services.shipments import shipment_create, tracking_event_add

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
        # Scans may not predate their order: the default order is old enough for
        # every scan these tests date.
        order=order or make_order(placed_at=NOW - timedelta(days=60)),
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
