"""Publishing from synchronous code: services call these once their write commits."""

import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from live.realtime.frames import (
    FRAME_MESSAGE_TYPE,
    frame_encode,
    group_name,
    host_group_name,
)
from live.realtime.stores import buffer_push


def item_publish(*, show_id: int, delivery: str, item: dict[str, Any]) -> None:
    """Send a stored comment or event towards the show's viewers (call on commit)."""
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
