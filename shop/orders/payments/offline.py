"""A provider that never leaves the machine: test card numbers decide the outcome."""

import hashlib
from decimal import Decimal

from django.views.decorators.debug import sensitive_variables

from shop.orders.payments.base import (
    ChargeResult,
    ChargeStatus,
    RefundResult,
    card_digits,
    card_last4,
)

SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"
RETRY = "4000000000009995"


def _reference(prefix: str, idempotency_key: str) -> str:
    # The same key gives the same reference: a repeated call is the same charge.
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
    return f"{prefix}_{digest}"


class OfflineTestProvider:
    """4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined,
    4000 0000 0000 9995 asks to try again; any other number is declined."""

    name = "offline"

    @sensitive_variables("card_number", "digits")
    def charge(
        self,
        *,
        amount: Decimal,
        currency: str,
        card_number: str,
        idempotency_key: str,
    ) -> ChargeResult:
        digits = card_digits(card_number)
        last4 = card_last4(card_number)
        if amount <= 0:
            return ChargeResult(ChargeStatus.DECLINED, card_last4=last4)
        if digits == SUCCEEDS:
            return ChargeResult(
                ChargeStatus.SUCCEEDED,
                reference=_reference("ch", idempotency_key),
                card_last4=last4,
            )
        if digits == RETRY:
            return ChargeResult(ChargeStatus.RETRY, card_last4=last4)
        return ChargeResult(ChargeStatus.DECLINED, card_last4=last4)

    def refund(
        self,
        *,
        reference: str,
        amount: Decimal,
        currency: str,
        idempotency_key: str,
    ) -> RefundResult:
        if not reference.startswith("ch_"):
            return RefundResult(succeeded=False)
        return RefundResult(succeeded=True, reference=_reference("re", idempotency_key))
