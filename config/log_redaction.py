"""Keep guest-order links out of the logs.

A guest's order page lives at `/<lang>/order/<signed token>/`: the token is the key to
the order (address, items, invoice). Access and error logs are read by more people,
and kept longer, than orders are, so the token never reaches them whole.
"""

import logging
import re

GUEST_ORDER_TOKEN = re.compile(
    r"((?:/|%2F)order(?:/|%2F))[^/\s\"'?&#%]+", re.IGNORECASE
)
REDACTED = "[redacted]"


def guest_order_tokens_redact(text: str) -> str:
    """`/en/order/<token>/invoice/` -> `/en/order/[redacted]/invoice/`."""
    return GUEST_ORDER_TOKEN.sub(rf"\1{REDACTED}", text)


class GuestOrderTokenFilter(logging.Filter):
    """Rewrite a record's message with guest-order tokens redacted; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        redacted = guest_order_tokens_redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
