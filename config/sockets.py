"""What every app's WebSockets share: reading a client's JSON frame safely, and
sliding-window rate limits (comments in live shows, chat messages in support).
"""

import json
import re
import threading
import time
import uuid
from collections import deque
from typing import Any

from django.conf import settings

# --- Reading client frames --------------------------------------------------------
# Every socket reads its clients' JSON through frame_load: Python's json module
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


# --- Sliding-window limits (comments, chat messages) --------------------------
# A sorted set per key holds the times of the hits still inside the window; a hit
# is allowed, and recorded, only while fewer than `limit` remain. Fixed windows let
# twice the limit through around a window's edge; this never does.
_WINDOW_SCRIPT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window))
return 1
"""

_windows: dict[str, deque[float]] = {}
_windows_lock = threading.Lock()
_redis = None
_redis_lock = threading.Lock()


def _redis_client():
    """One thread-safe client per process for the limits checked in sync code."""
    global _redis
    if _redis is None:
        import redis

        with _redis_lock:
            if _redis is None:
                _redis = redis.Redis.from_url(settings.REDIS_URL)
    return _redis


def window_hit(*, key: str, limit: int, window_seconds: float) -> bool:
    """Record one hit unless `limit` hits already fall in the last `window_seconds`.

    Returns whether the hit was allowed. Redis when configured (shared by every
    process), else this process's memory.
    """
    now = time.time()
    if settings.REDIS_URL:
        client = _redis_client()
        script = client.register_script(_WINDOW_SCRIPT)
        allowed = script(
            keys=[f"window:{key}"],
            args=[int(now * 1000), int(window_seconds * 1000), limit, uuid.uuid4().hex],
        )
        return bool(allowed)
    with _windows_lock:
        hits = _windows.setdefault(key, deque())
        while hits and hits[0] <= now - window_seconds:
            hits.popleft()
        if len(hits) >= limit:
            return False
        hits.append(now)
        return True
