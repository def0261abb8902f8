"""Fan-out of a show's comments, reactions and viewer count, across daphne processes.

Why ticks rather than one broadcast per comment: a show with thousands of viewers and
a busy chat would otherwise cost one channel-layer message per comment *and per
socket*, and every reaction tap would be one more. Instead, per show and per tick
(``LIVE_TICK_SECONDS``, 100 ms by default) at most one batch leaves Redis::

    {"type": "tick", "seq": 41, "comments": [...], "events": [...],
     "reactions": {"heart": 12}, "viewers": 2000}

Measured with ``bench/live_chat.py`` (figures in docs/benchmarks.md, "Live chat").

How it works across several daphne processes sharing one Redis:

* **One group per show, whose members are pumps, not sockets.** Each process that
  has sockets for a show runs one :class:`ShowPump`. The pump is the only member of
  the show's channel-layer group in its process: the pub/sub layer publishes a group
  message once, each process receives it once, and the pump writes the same
  pre-encoded text frame to every local socket (under daphne framed once and written
  without ASGI, see ``live.realtime.fanout``). Letting each socket be a group member
  would decode, queue and dispatch the message once per socket (and channels'
  dispatch hops to a worker thread for every message), which costs more than the
  socket write itself at this scale.
* **Everything that travels is stored first.** Services write a comment or a
  moderation event to PostgreSQL; only when that commits do they append it to a
  per-show Redis list. Reaction taps are summed per process and added to a per-show
  Redis hash with HINCRBY each tick. Presence is a sorted set of socket names scored
  by their last heartbeat, so a crashed process's sockets drop out of the count
  within ``PRESENCE_TTL_SECONDS`` instead of staying as ghosts.
* **One leader per show.** Each tick every pump tries to hold a short Redis lease;
  the holder reads the list and the hash in one MULTI, counts fresh presence
  entries, publishes the batch, and only then removes what it published. If its
  process dies the lease lapses and another pump takes over and publishes whatever
  is left (at least once: clients drop comment ids they already have).
* **Gaps are noticed.** Batches carry a per-show sequence number. Redis pub/sub
  delivers at most once, so a client that sees a number skipped asks for a fresh
  ``sync`` (recent comments from the database, what is pinned), as it does after
  reconnecting.
* A show whose ``chat_delivery`` is ``direct`` publishes each comment and event on its
  own at once (the naive way; kept for small shows and for the benchmark). Reactions
  and the viewer count ride the ticks in both modes.

Without ``REDIS_URL`` (the embedded default: one process, in-memory channel layer) the
same state lives in this process's memory.
"""

from config.sockets import window_hit
from live.realtime.frames import (
    FRAME_MESSAGE_TYPE,
    FrameDecodeError,
    frame_encode,
    frame_load,
    group_name,
    host_group_name,
    tick_seconds,
)
from live.realtime.publish import host_notify, item_publish
from live.realtime.pump import ShowPump, pump_get, pump_join, pump_leave
from live.realtime.stores import (
    Batch,
    LiveStore,
    MemoryStore,
    RedisStore,
    buffer_push,
    store_new,
)
from live.realtime.timing import queries_timed
from live.realtime.timing import stamp as timing_stamp

__all__ = [
    "FRAME_MESSAGE_TYPE",
    "Batch",
    "FrameDecodeError",
    "LiveStore",
    "MemoryStore",
    "RedisStore",
    "ShowPump",
    "buffer_push",
    "frame_encode",
    "frame_load",
    "group_name",
    "host_group_name",
    "item_publish",
    "host_notify",
    "pump_get",
    "pump_join",
    "pump_leave",
    "queries_timed",
    "store_new",
    "tick_seconds",
    "timing_stamp",
    "window_hit",
]
