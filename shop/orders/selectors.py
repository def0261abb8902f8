"""Reads of orders that pages share."""

from shop.models import Order


def order_by_idempotency_key(*, key: str) -> Order | None:
    """The order an idempotency key made, or None when none was placed with it."""
    return Order.objects.filter(idempotency_key=key).first()
