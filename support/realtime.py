"""Where support frames travel: one group per conversation (the shopper's sockets
and the agent's), one for the inbox. Frames leave only after the write that they
announce has committed."""

import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

FRAME_MESSAGE_TYPE = "support.frame"
INBOX_GROUP = "support.inbox"


def conversation_group(conversation_id: int) -> str:
    return f"support.conversation.{conversation_id}"


def frame_encode(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _send(group: str, payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            group, {"type": FRAME_MESSAGE_TYPE, "text": frame_encode(payload)}
        )
    except Exception:  # the data is stored; clients resync when they reconnect
        logger.exception("support frame to %s was not sent", group)


def conversation_publish(*, conversation_id: int, payload: dict[str, Any]) -> None:
    """Send `payload` to the conversation's sockets once the transaction commits."""
    group = conversation_group(conversation_id)
    transaction.on_commit(lambda: _send(group, payload))


def inbox_publish(*, payload: dict[str, Any]) -> None:
    """Tell every open inbox that the queue changed, once the transaction commits."""
    transaction.on_commit(lambda: _send(INBOX_GROUP, payload))
