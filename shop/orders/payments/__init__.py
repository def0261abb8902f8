"""Payment providers behind one interface; settings.PAYMENT_PROVIDER picks one."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from shop.orders.payments.base import PaymentProvider


@cache
def _provider(path: str) -> PaymentProvider:
    return import_string(path)()


def payment_provider() -> PaymentProvider:
    """The configured provider (the offline test provider unless set otherwise)."""
    return _provider(settings.PAYMENT_PROVIDER)
