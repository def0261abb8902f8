"""The interface every payment provider implements."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class ChargeStatus(StrEnum):
    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    RETRY = "retry"


@dataclass(frozen=True)
class ChargeResult:
    """What a provider answered. `card_last4` is the only card data ever kept."""

    status: ChargeStatus
    reference: str = ""
    card_last4: str = ""
    message: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status == ChargeStatus.SUCCEEDED


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    reference: str = ""
    message: str = ""


class PaymentProvider(Protocol):
    """A payment provider: charges and refunds, each idempotent by its key.

    A provider must answer a repeated call with the same idempotency key with the
    result of the first call instead of charging again.
    """

    name: str

    def charge(
        self,
        *,
        amount: Decimal,
        currency: str,
        card_number: str,
        idempotency_key: str,
    ) -> ChargeResult: ...

    def refund(
        self,
        *,
        reference: str,
        amount: Decimal,
        currency: str,
        idempotency_key: str,
    ) -> RefundResult: ...


def card_digits(card_number: str) -> str:
    """The digits of a card number as typed, without spaces or dashes."""
    return "".join(ch for ch in card_number if ch.isdigit())


def card_last4(card_number: str) -> str:
    """The last four digits of a card number: all that may be stored or shown."""
    return card_digits(card_number)[-4:]


def luhn_valid(digits: str) -> bool:
    """The Luhn check digit test every card number passes."""
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0
