"""Where a show's frames travel and how they are written: group names, JSON text."""

import json
import re
from typing import Any

from django.conf import settings

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


# --- Reading client frames --------------------------------------------------------
# Every live socket reads its clients' JSON through frame_load: Python's json module
# recurses once per nesting level, so a few kilobytes of "[" would otherwise raise
# RecursionError (not ValueError) out of the consumer and skip its disconnect.
MAX_FRAME_DEPTH = 8
CLOSE_MALFORMED = 4400
CLOSE_TOO_LARGE = 4413

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class FrameDecodeError(Exception):
    """A client frame that cannot be read; the socket closes with `close_code`."""

    def __init__(self, code: str, close_code: int) -> None:
        super().__init__(code)
        self.code = code
        self.close_code = close_code


def frame_depth(raw: str) -> int:
    """How deep arrays and objects nest in a JSON text (strings do not count)."""
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", raw)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def frame_load(
    raw: str | None,
    raw_bytes: bytes | None,
    *,
    max_bytes: int,
    max_depth: int = MAX_FRAME_DEPTH,
) -> dict[str, Any]:
    """A client's text frame as a JSON object, or FrameDecodeError saying why not.

    Codes: ``too_large`` (close 4413) beyond `max_bytes`; ``too_deep`` (4400) nested
    deeper than `max_depth`; ``malformed`` (4400) binary, not JSON, or not an object.
    """
    if raw is None:
        if len(raw_bytes or b"") > max_bytes:
            raise FrameDecodeError("too_large", CLOSE_TOO_LARGE)
        raise FrameDecodeError("malformed", CLOSE_MALFORMED)
    if len(raw) > max_bytes or len(raw.encode("utf-8", "surrogatepass")) > max_bytes:
        raise FrameDecodeError("too_large", CLOSE_TOO_LARGE)
    if frame_depth(raw) > max_depth:
        raise FrameDecodeError("too_deep", CLOSE_MALFORMED)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise FrameDecodeError("malformed", CLOSE_MALFORMED) from None
    if not isinstance(data, dict):
        raise FrameDecodeError("malformed", CLOSE_MALFORMED)
    return data
