"""Where a show's frames travel and how they are written: group names, JSON text."""

import json
from typing import Any

from django.conf import settings

# Reading client frames is shared by every app's sockets.
from config.sockets import (
    CLOSE_MALFORMED,
    CLOSE_TOO_LARGE,
    MAX_FRAME_DEPTH,
    FrameDecodeError,
    frame_depth,
    frame_load,
)

FRAME_MESSAGE_TYPE = "live.frame"


def tick_seconds() -> float:
    """The batching interval; a setting so tests and benchmarks can change it."""
    return float(settings.LIVE_TICK_SECONDS)


def group_name(show_id: int) -> str:
    return f"live.show.{show_id}"


def host_group_name(show_id: int) -> str:
    return f"live.show.{show_id}.host"


def frame_encode(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


__all__ = [
    "CLOSE_MALFORMED",
    "CLOSE_TOO_LARGE",
    "FRAME_MESSAGE_TYPE",
    "MAX_FRAME_DEPTH",
    "FrameDecodeError",
    "frame_depth",
    "frame_encode",
    "frame_load",
    "group_name",
    "host_group_name",
    "tick_seconds",
]
