"""Placing orders (idempotent, stock reserved atomically, paid in the same
transaction), their status lifecycle, invoices and emails (access: ``access``)."""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from shop.checkout.services.cart import cart_clear, cart_lines, cart_refresh
from shop.checkout.services.checkout import (
    CheckoutError,
    CheckoutSummary,
    ShippingAddress,
    checkout_summary,
)
from shop.models import (
    Cart,
    InvoiceSequence,
    Order,
    OrderEvent,
    OrderLine,
    OrderNumber,
    OrderStatus,
    Variant,
)
from shop.orders.access import order_detail_queryset, order_link_path
from shop.orders.mail import templated_email_send
from shop.orders.payments import payment_provider
from shop.orders.payments.base import ChargeResult, ChargeStatus, PaymentProvider
from shop.pricing.services import money_round
from shop.storefront.cache import catalog_version_bump

logger = logging.getLogger(__name__)

ORDER_NUMBER_PREFIX = "TW-"
# A provider asking to retry gets the same idempotency key again: never two charges.
CHARGE_ATTEMPTS = 2

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset(
        {
            OrderStatus.PROCESSING,
            OrderStatus.SHIPPED,
            OrderStatus.CANCELLED,
            OrderStatus.REFUNDED,
        }
    ),
    OrderStatus.PROCESSING: frozenset(
        {OrderStatus.SHIPPED, OrderStatus.CANCELLED, OrderStatus.REFUNDED}
    ),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.REFUNDED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}
# Money goes back to the shopper when a paid order ends in one of these.
REFUNDING = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})


class CheckoutChanged(CheckoutError):
    """Prices or stock changed since the shopper saw the summary; nothing charged."""


class OutOfStock(CheckoutError):
    """Another order took the last units meanwhile; nothing charged."""


class PaymentDeclined(CheckoutError):
    """The card was declined; no order was written."""


class PaymentRetry(CheckoutError):
    """The provider asked to try again later; no order was written."""


class OrderTransitionError(Exception):
    """A status change the lifecycle does not allow."""


def order_number_allocate() -> str:
    """A new order number, unique without locks: TW-000042."""
    allocated = OrderNumber.objects.create()
    return f"{ORDER_NUMBER_PREFIX}{allocated.pk:06d}"


def _charge(
    *,
    provider: PaymentProvider,
    amount: Decimal,
    currency: str,
    card_number: str,
    idempotency_key: str,
) -> ChargeResult:
    result = ChargeResult(ChargeStatus.RETRY)
    for _attempt in range(CHARGE_ATTEMPTS):
        result = provider.charge(
            amount=amount,
            currency=currency,
            card_number=card_number,
            idempotency_key=idempotency_key,
        )
        if result.status != ChargeStatus.RETRY:
            break
    return result


def _stock_reserve(summary: CheckoutSummary) -> None:
    """Take each line's quantity off the stock, or raise OutOfStock: one UPDATE each,
    in variant order so that concurrent orders lock rows in the same order."""
    for line in sorted(summary.lines, key=lambda item: item.cart_line.variant_id):
        taken = Variant.objects.filter(
            pk=line.cart_line.variant_id, stock__gte=line.quantity
        ).update(stock=F("stock") - line.quantity)
        if not taken:
            raise OutOfStock(
                _("%(product)s sold out while you were checking out.")
                % {"product": line.product_name}
            )


def _order_from_summary(
    *,
    summary: CheckoutSummary,
    number: str,
    idempotency_key: str,
    user,
    language: str,
    provider_name: str,
) -> Order:
    address = summary.address
    option = summary.shipping_option
    return Order.objects.create(
        number=number,
        user=user if user is not None and user.is_authenticated else None,
        email=address.email,
        language=language,
        market=summary.market,
        currency=summary.currency,
        status=OrderStatus.PENDING_PAYMENT,
        idempotency_key=idempotency_key,
        full_name=address.full_name,
        line1=address.line1,
        line2=address.line2,
        postal_code=address.postal_code,
        city=address.city,
        region=address.region,
        country=address.country,
        shipping_method=option.method,
        shipping_method_name=option.name,
        shipping_carrier=option.carrier,
        delivery_days_min=option.days_min,
        delivery_days_max=option.days_max,
        subtotal=summary.subtotal,
        shipping=summary.shipping,
        shipping_tax_rate=summary.shipping_tax_rate,
        shipping_tax=summary.shipping_tax,
        tax=summary.tax,
        tax_jurisdiction=summary.tax_jurisdiction,
        duties=summary.duties,
        duties_estimate=summary.duties_estimate,
        total=summary.total,
        prices_include_tax=summary.tax_included,
        duties_mode=summary.duties_mode,
        withdrawal_days=summary.market.withdrawal_days,
        payment_provider=provider_name,
    )


def order_line_amounts(
    *, unit: Decimal, line: Decimal, tax: Decimal, rate: Decimal, gross: bool
) -> dict[str, Decimal]:
    """Net and gross unit and line amounts of an order line from the summary's
    amounts, which are gross when `gross` and net otherwise; net + tax == gross."""
    if gross:
        unit_gross = unit
        unit_net = money_round(unit / (1 + rate))
        line_gross, line_net = line, line - tax
    else:
        unit_net = unit
        unit_gross = money_round(unit * (1 + rate))
        line_net, line_gross = line, line + tax
    return {
        "unit_net_amount": unit_net,
        "unit_gross_amount": unit_gross,
        "line_net_amount": line_net,
        "line_gross_amount": line_gross,
    }


def _order_lines_create(*, order: Order, summary: CheckoutSummary) -> None:
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant_id=line.cart_line.variant_id,
            product_name=line.product_name,
            variant_name=line.variant_name,
            sku=line.sku,
            quantity=line.quantity,
            tax_rate=line.tax_rate,
            tax_amount=line.tax_amount,
            **order_line_amounts(
                unit=line.unit_amount,
                line=line.line_amount,
                tax=line.tax_amount,
                rate=line.tax_rate,
                gross=summary.tax_included,
            ),
        )
        for line in summary.lines
    )


@sensitive_variables("card_number")
def order_place(
    *,
    cart: Cart,
    address: ShippingAddress,
    shipping_method_id: int,
    card_number: str,
    idempotency_key: str,
    expected_total: Decimal,
    language: str,
    user=None,
    base_url: str = "",
    provider: PaymentProvider | None = None,
) -> Order:
    """Place and pay an order for the cart, once per idempotency key.

    A repeated call with a key that already made an order returns that order. The
    order, its stock reservation and the paid status are written in one transaction
    with the charge, so a declined card leaves nothing behind. Raises
    CheckoutChanged (the summary must be shown again), OutOfStock, PaymentDeclined
    or PaymentRetry; nothing is charged or written when they are raised.
    """
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    provider = provider or payment_provider()
    with translation.override(language):
        lines = cart_lines(cart=cart)
        summary = checkout_summary(
            cart=cart,
            address=address,
            shipping_method_id=shipping_method_id,
            lines=lines,
        )
        if summary.stale or summary.total != expected_total:
            notices = cart_refresh(cart=cart)
            raise CheckoutChanged(
                *(notices or [_("The total of your order changed.")]),
                _("Please check the new summary; nothing was charged."),
            )
    try:
        with transaction.atomic():
            # The order row claims the key first: a concurrent duplicate waits here
            # and then fails on the unique key, before it reserves or charges.
            order = _order_from_summary(
                summary=summary,
                number=order_number_allocate(),
                idempotency_key=idempotency_key,
                user=user,
                language=language,
                provider_name=provider.name,
            )
            _order_lines_create(order=order, summary=summary)
            _stock_reserve(summary)
            result = _charge(
                provider=provider,
                amount=summary.total,
                currency=summary.currency,
                card_number=card_number,
                idempotency_key=idempotency_key,
            )
            if result.status == ChargeStatus.DECLINED:
                raise PaymentDeclined(
                    _(
                        "Your card was declined. Nothing was charged: "
                        "please use another card."
                    )
                )
            if result.status != ChargeStatus.SUCCEEDED:
                raise PaymentRetry(
                    _(
                        "The payment could not be completed just now. "
                        "Nothing was charged: please try again."
                    )
                )
            now = timezone.now()
            order.status = OrderStatus.PAID
            order.paid_at = now
            order.invoice_number = invoice_number_take()
            order.payment_reference = result.reference
            order.card_last4 = result.card_last4
            order.save(
                update_fields=[
                    "status",
                    "paid_at",
                    "invoice_number",
                    "payment_reference",
                    "card_last4",
                    "updated_at",
                ]
            )
            OrderEvent.objects.bulk_create(
                [
                    OrderEvent(
                        order=order,
                        status=OrderStatus.PENDING_PAYMENT,
                        note="placed",
                        created_at=order.placed_at,
                    ),
                    OrderEvent(order=order, status=OrderStatus.PAID, created_at=now),
                ]
            )
            cart_clear(cart=cart)
            catalog_version_bump()  # stock levels shown on pages changed
            order_id = order.pk
            # robust: a mail server that is down must not undo a paid order's page.
            transaction.on_commit(
                lambda: order_confirmation_send(order_id=order_id, base_url=base_url),
                robust=True,
            )
    except OutOfStock:
        with translation.override(language):
            cart_refresh(cart=cart)
        raise
    except IntegrityError:
        # The same key was placed by a concurrent request: its order is this one.
        found = Order.objects.filter(idempotency_key=idempotency_key).first()
        if found is None:
            raise
        return found
    return order


def invoice_number_take() -> int:
    """The next invoice number, inside the caller's transaction: a rollback gives
    it back, so declined or duplicate payments leave no gap."""
    sequence, _created = InvoiceSequence.objects.select_for_update().get_or_create(pk=1)
    sequence.last_number = F("last_number") + 1
    sequence.save(update_fields=["last_number"])
    sequence.refresh_from_db(fields=["last_number"])
    return sequence.last_number


# --- Lifecycle ---------------------------------------------------------------------


def order_transition(*, order: Order, status: str, note: str = "") -> Order:
    """Move an order to another status when the lifecycle allows it, with history.

    Cancelling puts the stock back; cancelling or refunding a paid order refunds
    the payment through the provider it was paid with.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if status not in ALLOWED_TRANSITIONS.get(locked.status, frozenset()):
            raise OrderTransitionError(
                _("An order cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "from": OrderStatus(locked.status).label,
                    "to": OrderStatus(status).label,
                }
            )
        was_paid = locked.paid_at is not None
        if status == OrderStatus.CANCELLED:
            for line in locked.lines.exclude(variant=None):
                assert line.variant_id is not None  # excluded above
                Variant.objects.filter(pk=line.variant_id).update(
                    stock=F("stock") + line.quantity
                )
            catalog_version_bump()
        if status in REFUNDING and was_paid:
            refund = payment_provider().refund(
                reference=locked.payment_reference,
                amount=locked.total,
                currency=locked.currency,
                idempotency_key=f"refund-{locked.idempotency_key}",
            )
            if not refund.succeeded:
                raise OrderTransitionError(
                    _("The refund was refused by the payment provider: %(message)s")
                    % {"message": refund.message or "-"}
                )
            note = " ".join(part for part in (note, refund.reference) if part)
        locked.status = status
        fields = ["status", "updated_at"]
        if status == OrderStatus.PAID and locked.invoice_number is None:
            locked.invoice_number = invoice_number_take()
            fields.append("invoice_number")
        locked.save(update_fields=fields)
        OrderEvent.objects.create(order=locked, status=status, note=note[:255])
    order.status = locked.status
    return locked


# --- Access ------------------------------------------------------------------------


def order_list_for_user(*, user) -> QuerySet[Order]:
    """The user's orders, newest first, with what the history page shows."""
    return (
        Order.objects.filter(user=user)
        .select_related("market")
        .order_by("-placed_at", "-id")
    )


# --- Invoice and email -------------------------------------------------------------


@dataclass(frozen=True)
class TaxBreakdownRow:
    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


def invoice_tax_breakdown(*, order: Order) -> list[TaxBreakdownRow]:
    """Net, tax and gross per tax rate of an order (goods and shipping)."""
    rows: dict[Decimal, list[Decimal]] = {}
    parts = [
        (line.tax_rate, line.line_net_amount, line.tax_amount)
        for line in order.lines.all()
    ]
    # The order's shipping is gross where prices include tax, net elsewhere.
    shipping_net = order.shipping - order.shipping_tax
    if not order.prices_include_tax:
        shipping_net = order.shipping
    parts.append((order.shipping_tax_rate, shipping_net, order.shipping_tax))
    for rate, net, tax in parts:
        if net == 0 and tax == 0:
            continue
        row = rows.setdefault(rate, [Decimal("0"), Decimal("0")])
        row[0] += net
        row[1] += tax
    return [
        TaxBreakdownRow(rate=rate, net=net, tax=tax, gross=net + tax)
        for rate, (net, tax) in sorted(rows.items())
    ]


def order_confirmation_send(*, order_id: int, base_url: str) -> None:
    """Email the order confirmation in the order's language, with withdrawal terms."""
    order = order_detail_queryset().get(pk=order_id)
    with translation.override(order.language):
        if order.user_id is not None:
            path = order.get_absolute_url()
        else:
            path = order_link_path(order=order)
        context = {
            "order": order,
            "market": order.market,
            "lines": list(order.lines.all()),
            "order_url": base_url.rstrip("/") + path,
            "withdrawal_url": base_url.rstrip("/") + reverse("shop:withdrawal"),
            "tax_breakdown": invoice_tax_breakdown(order=order),
        }
    templated_email_send(
        template="shop/emails/order_confirmation",
        context=context,
        to=[order.email],
        language=order.language,
    )
    logger.info("Order confirmation sent for %s", order.number)
