"""Test data for carts, checkouts and orders, made through the services."""

import itertools
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore

from shop.checkout.services.cart import cart_add, cart_get_or_create
from shop.checkout.services.checkout import ShippingAddress, checkout_summary
from shop.models import (
    Cart,
    Market,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    User,
    Variant,
)
from shop.orders.payments.base import (
    ChargeResult,
    ChargeStatus,
    RefundResult,
    card_last4,
)
from shop.orders.services import order_place

GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
RETRY_CARD = "4000 0000 0000 9995"

_keys = itertools.count(1)

DE_ADDRESS = ShippingAddress(
    email="kunde@example.com",
    full_name="Erika Mustermann",
    line1="Hauptstraße 5",
    postal_code="10115",
    city="Berlin",
    country="DE",
)
AT_ADDRESS = ShippingAddress(
    email="kundin@example.at",
    full_name="Anna Huber",
    line1="Ringstraße 1",
    postal_code="1010",
    city="Wien",
    country="AT",
)
CA_ADDRESS = ShippingAddress(
    email="buyer@example.com",
    full_name="Pat Buyer",
    line1="1 Market St",
    postal_code="94105",
    city="San Francisco",
    region="CA",
    country="US",
)
ID_ADDRESS = ShippingAddress(
    email="pembeli@example.co.id",
    full_name="Budi Santoso",
    line1="Jalan Sudirman 1",
    postal_code="10210",
    city="Jakarta",
    country="ID",
)
BR_ADDRESS = ShippingAddress(
    email="cliente@example.com.br",
    full_name="Ana Souza",
    line1="Rua Augusta 100",
    postal_code="01304-000",
    city="São Paulo",
    country="BR",
)


def market(code: str) -> Market:
    return Market.objects.get(code=code)


def shipping_method(
    *,
    market_code: str,
    countries: list[str],
    amount: str = "4.90",
    free_above: str | None = None,
    days: tuple[int, int] = (1, 3),
    name: str = "Standard",
    carrier: str = "DHL",
) -> ShippingMethod:
    """A shipping method for `countries`, priced in one market."""
    zone = ShippingZone.objects.create(name=f"Zone {name}", countries=countries)
    method = ShippingMethod.objects.create(
        zone=zone,
        name=name,
        carrier=carrier,
        delivery_days_min=days[0],
        delivery_days_max=days[1],
    )
    ShippingRate.objects.create(
        method=method,
        market=market(market_code),
        amount=Decimal(amount),
        free_above=Decimal(free_above) if free_above else None,
    )
    return method


def new_session() -> SessionStore:
    session = SessionStore()
    session.create()
    return session


def cart_with(
    items: list[tuple[Product, int]],
    *,
    market_code: str,
    user=None,
    session: SessionStore | None = None,
) -> Cart:
    """A cart in a market holding the products' first variants."""
    session = session if session is not None else new_session()
    cart = cart_get_or_create(
        user=user or AnonymousUser(), session=session, market=market(market_code)
    )
    for product, quantity in items:
        cart_add(cart=cart, variant_id=product.variants.get().pk, quantity=quantity)
    return cart


def new_key() -> str:
    return f"test-idempotency-key-{next(_keys):08d}"


def place(
    cart: Cart,
    address: ShippingAddress,
    method: ShippingMethod,
    *,
    card: str = GOOD_CARD,
    key: str | None = None,
    user=None,
    language: str = "en",
    provider=None,
) -> Order:
    """Place an order for the total its summary shows, as the review page does."""
    summary = checkout_summary(cart=cart, address=address, shipping_method_id=method.pk)
    return order_place(
        cart=cart,
        address=address,
        shipping_method_id=method.pk,
        card_number=card,
        idempotency_key=key or new_key(),
        expected_total=summary.total,
        language=language,
        user=user,
        base_url="http://testserver/",
        provider=provider,
    )


class RecordingProvider:
    """A provider fake at the interface: answers from a script, records each call."""

    name = "recording"

    def __init__(self, *statuses: str) -> None:
        self.script = [ChargeStatus(s) for s in statuses] or [ChargeStatus.SUCCEEDED]
        self.charges: list[dict] = []
        self.refunds: list[dict] = []

    def charge(self, *, amount, currency, card_number, idempotency_key):
        status = self.script[min(len(self.charges), len(self.script) - 1)]
        self.charges.append(
            {"amount": amount, "currency": currency, "key": idempotency_key}
        )
        reference = f"ch_{idempotency_key}" if status == ChargeStatus.SUCCEEDED else ""
        return ChargeResult(
            status, reference=reference, card_last4=card_last4(card_number)
        )

    def refund(self, *, reference, amount, currency, idempotency_key):
        self.refunds.append({"reference": reference, "amount": amount})
        return RefundResult(succeeded=True, reference=f"re_{idempotency_key}")


def bought(
    *, user: User, variant: Variant, status: str = OrderStatus.PAID
) -> OrderLine:
    """An order line of `user` for `variant`, as a verified purchase (US, $99)."""
    n = next(_keys)
    order = Order.objects.create(
        number=f"TW-T{n}",
        user=user,
        email=user.email,
        language="en",
        market=Market.objects.get(code="US"),
        currency="USD",
        status=status,
        idempotency_key=f"bought-{n}",
        full_name="Sam Buyer",
        line1="1 Main Street",
        postal_code="10001",
        city="New York",
        region="NY",
        country="US",
        shipping_method_name="Ground",
        delivery_days_min=2,
        delivery_days_max=5,
        subtotal=Decimal("99.00"),
        shipping=Decimal("0.00"),
        tax=Decimal("0.00"),
        total=Decimal("99.00"),
        prices_include_tax=False,
        duties_mode="none",
        payment_provider="offline",
    )
    return OrderLine.objects.create(
        order=order,
        variant=variant,
        product_name=variant.product.name,
        sku=variant.sku,
        quantity=1,
        unit_net_amount=Decimal("99.00"),
        unit_gross_amount=Decimal("99.00"),
        line_net_amount=Decimal("99.00"),
        line_gross_amount=Decimal("99.00"),
        tax_rate=Decimal("0"),
        tax_amount=Decimal("0.00"),
    )
