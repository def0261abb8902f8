"""Publishing from synchronous code: services call these once their write commits.

A publish that fails is tried again (``PUBLISH_ATTEMPTS`` in all). If it still fails
the item is in the database but on its way to nobody, so the show's tick number is
skipped: every viewer's next tick shows a gap, and the page asks for a ``sync`` that
reads recent comments and events from the database (static/js/live_socket.js).
"""

import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from live.realtime import timing
from live.realtime.frames import (
    FRAME_MESSAGE_TYPE,
    frame_encode,
    group_name,
    host_group_name,
)
from live.realtime.stores import buffer_push, seq_skip

logger = logging.getLogger(__name__)

PUBLISH_ATTEMPTS = 3
PUBLISH_BACKOFF_SECONDS = 0.05


def item_publish(*, show_id: int, delivery: str, item: dict[str, Any]) -> None:
    """Send a stored comment or event towards the show's viewers (call on commit).

    Retries a failing publish; when every attempt fails, viewers are made to resync.
    """
    key = item.get("comment", {}).get("id") if item["kind"] == "comment" else None
    if key is not None:
        timing.committed(key)
    for attempt in range(1, PUBLISH_ATTEMPTS + 1):
        try:
            _item_send(show_id=show_id, delivery=delivery, item=item)
            if key is not None:
                timing.stamp("pushed", key)
            return
        except Exception:
            if attempt == PUBLISH_ATTEMPTS:
                logger.exception("live: publishing to show %s failed", show_id)
                break
            time.sleep(PUBLISH_BACKOFF_SECONDS * 2 ** (attempt - 1))
    try:
        seq_skip(show_id)
    except Exception:
        # Redis is gone altogether: so are the ticks; viewers resync on reconnecting.
        logger.exception("live: asking show %s's viewers to resync failed", show_id)


def _item_send(*, show_id: int, delivery: str, item: dict[str, Any]) -> None:
    from live.models import ChatDelivery

    item = {**item, "at_ms": int(time.time() * 1000)}
    if delivery == ChatDelivery.DIRECT:
        is_comment = item["kind"] == "comment"
        frame = frame_encode(
            {
                "type": "tick",
                "seq": None,
                "comments": [item["comment"]] if is_comment else [],
                "events": [] if is_comment else [item],
                "reactions": {},
                "viewers": None,
            }
        )
        async_to_sync(get_channel_layer().group_send)(
            group_name(show_id), {"type": FRAME_MESSAGE_TYPE, "text": frame}
        )
        return
    buffer_push(show_id, frame_encode(item))


def host_notify(*, show_id: int, payload: dict[str, Any]) -> None:
    """Tell the show's studio sockets (only the host's) about something new."""
    async_to_sync(get_channel_layer().group_send)(
        host_group_name(show_id),
        {"type": "live.host", "text": frame_encode(payload)},
    )
