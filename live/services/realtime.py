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
  pre-encoded text frame to every local socket. Letting each socket be a group member
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

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
import uuid
import weakref
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.1
HEARTBEAT_SECONDS = 5.0
PRESENCE_TTL_SECONDS = 15.0
LEASE_MS = 2000
BUFFER_TTL_SECONDS = 60
VIEWERS_REPEAT_SECONDS = 2.0
FRAME_MESSAGE_TYPE = "live.frame"
FAN_OUT_SLICE = 200


def tick_seconds() -> float:
    """The batching interval; a setting so tests and benchmarks can change it."""
    return float(getattr(settings, "LIVE_TICK_SECONDS", TICK_SECONDS))


def group_name(show_id: int) -> str:
    return f"live.show.{show_id}"


def host_group_name(show_id: int) -> str:
    return f"live.show.{show_id}.host"


def frame_encode(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _key(show_id: int, part: str) -> str:
    return f"live:show:{show_id}:{part}"


@dataclass(frozen=True)
class Batch:
    """What one tick found waiting: encoded items, reaction counts, viewers."""

    items: list[str]
    reactions: dict[str, int]
    viewers: int


class LiveStore(Protocol):
    """Shared per-show state a pump reads and writes: taps, presence, the lease."""

    async def reactions_add(self, show_id: int, counts: dict[str, int]) -> None: ...

    async def presence_touch(
        self, show_id: int, names: list[str], now: float
    ) -> None: ...

    async def presence_remove(self, show_id: int, names: list[str]) -> None: ...

    async def viewers_count(self, show_id: int, now: float) -> int: ...

    async def lease(self, show_id: int, token: str) -> bool: ...

    async def lease_release(self, show_id: int, token: str) -> None: ...

    async def peek(self, show_id: int, now: float) -> Batch: ...

    async def acknowledge(self, show_id: int, batch: Batch) -> None: ...

    async def seq_next(self, show_id: int) -> int: ...

    async def close(self) -> None: ...


_LEASE_SCRIPT = """
local held = redis.call('GET', KEYS[1])
if held == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not held then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""

_RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

_ACKNOWLEDGE_SCRIPT = """
redis.call('LTRIM', KEYS[1], ARGV[1], -1)
for i = 2, #ARGV, 2 do
  if redis.call('HINCRBY', KEYS[2], ARGV[i], -tonumber(ARGV[i + 1])) <= 0 then
    redis.call('HDEL', KEYS[2], ARGV[i])
  end
end
return 1
"""

_sync_redis = None
_sync_redis_lock = threading.Lock()


def _sync_client():
    """One thread-safe client per process for writes made from synchronous code."""
    global _sync_redis
    if _sync_redis is None:
        import redis

        with _sync_redis_lock:
            if _sync_redis is None:
                _sync_redis = redis.Redis.from_url(settings.REDIS_URL)
    return _sync_redis


class RedisStore:
    """The shared state in Redis; the async client belongs to one pump and loop."""

    def __init__(self, url: str) -> None:
        from redis import asyncio as aioredis

        # Thousands of sockets may join or leave at once: commands wait for one of a
        # few connections instead of failing when a plain pool runs out.
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=16, timeout=30
        )
        self._redis = aioredis.Redis.from_pool(pool)
        self._lease = self._redis.register_script(_LEASE_SCRIPT)
        self._release = self._redis.register_script(_RELEASE_SCRIPT)
        self._acknowledge = self._redis.register_script(_ACKNOWLEDGE_SCRIPT)

    async def reactions_add(self, show_id: int, counts: dict[str, int]) -> None:
        key = _key(show_id, "reactions")
        pipe = self._redis.pipeline(transaction=False)
        for kind, count in counts.items():
            pipe.hincrby(key, kind, count)
        pipe.expire(key, BUFFER_TTL_SECONDS)
        await pipe.execute()

    async def presence_touch(self, show_id: int, names: list[str], now: float) -> None:
        if not names:
            return
        key = _key(show_id, "presence")
        pipe = self._redis.pipeline(transaction=False)
        pipe.zadd(key, dict.fromkeys(names, now))
        pipe.zremrangebyscore(key, "-inf", now - PRESENCE_TTL_SECONDS)
        pipe.expire(key, int(PRESENCE_TTL_SECONDS * 4))
        await pipe.execute()

    async def presence_remove(self, show_id: int, names: list[str]) -> None:
        if names:
            await self._redis.zrem(_key(show_id, "presence"), *names)

    async def viewers_count(self, show_id: int, now: float) -> int:
        return int(
            await self._redis.zcount(
                _key(show_id, "presence"), now - PRESENCE_TTL_SECONDS, "+inf"
            )
        )

    async def lease(self, show_id: int, token: str) -> bool:
        return bool(
            await self._lease(keys=[_key(show_id, "leader")], args=[token, LEASE_MS])
        )

    async def lease_release(self, show_id: int, token: str) -> None:
        await self._release(keys=[_key(show_id, "leader")], args=[token])

    async def peek(self, show_id: int, now: float) -> Batch:
        pipe = self._redis.pipeline(transaction=True)
        pipe.lrange(_key(show_id, "buffer"), 0, -1)
        pipe.hgetall(_key(show_id, "reactions"))
        pipe.zcount(_key(show_id, "presence"), now - PRESENCE_TTL_SECONDS, "+inf")
        items, counts, viewers = await pipe.execute()
        return Batch(
            items=[item.decode() for item in items],
            reactions={kind.decode(): int(n) for kind, n in counts.items() if int(n)},
            viewers=int(viewers),
        )

    async def seq_next(self, show_id: int) -> int:
        pipe = self._redis.pipeline(transaction=True)
        pipe.incr(_key(show_id, "seq"))
        pipe.expire(_key(show_id, "seq"), 24 * 3600)
        seq, _ = await pipe.execute()
        return int(seq)

    async def acknowledge(self, show_id: int, batch: Batch) -> None:
        if not batch.items and not batch.reactions:
            return
        counts = [part for kind, n in batch.reactions.items() for part in (kind, n)]
        await self._acknowledge(
            keys=[_key(show_id, "buffer"), _key(show_id, "reactions")],
            args=[len(batch.items), *counts],
        )

    async def close(self) -> None:
        await self._redis.aclose()


class MemoryStore:
    """The same state in this process, for the single-process embedded default."""

    _lock = threading.Lock()
    _buffers: dict[int, list[str]] = {}
    _reactions: dict[int, Counter] = {}
    _presence: dict[int, dict[str, float]] = {}
    _leaders: dict[int, tuple[str, float]] = {}
    _seqs: Counter = Counter()

    @classmethod
    def buffer_push(cls, show_id: int, item: str) -> None:
        with cls._lock:
            cls._buffers.setdefault(show_id, []).append(item)

    async def reactions_add(self, show_id: int, counts: dict[str, int]) -> None:
        with self._lock:
            self._reactions.setdefault(show_id, Counter()).update(counts)

    async def presence_touch(self, show_id: int, names: list[str], now: float) -> None:
        with self._lock:
            present = self._presence.setdefault(show_id, {})
            present.update(dict.fromkeys(names, now))

    async def presence_remove(self, show_id: int, names: list[str]) -> None:
        with self._lock:
            for name in names:
                self._presence.get(show_id, {}).pop(name, None)

    async def viewers_count(self, show_id: int, now: float) -> int:
        with self._lock:
            present = self._presence.get(show_id, {})
            return sum(
                1 for seen in present.values() if seen >= now - PRESENCE_TTL_SECONDS
            )

    async def lease(self, show_id: int, token: str) -> bool:
        now = time.monotonic()
        with self._lock:
            holder = self._leaders.get(show_id)
            if holder is None or holder[0] == token or holder[1] < now:
                self._leaders[show_id] = (token, now + LEASE_MS / 1000)
                return True
            return False

    async def lease_release(self, show_id: int, token: str) -> None:
        with self._lock:
            if self._leaders.get(show_id, ("", 0))[0] == token:
                del self._leaders[show_id]

    async def peek(self, show_id: int, now: float) -> Batch:
        viewers = await self.viewers_count(show_id, now)
        with self._lock:
            return Batch(
                items=list(self._buffers.get(show_id, [])),
                reactions=dict(self._reactions.get(show_id, Counter())),
                viewers=viewers,
            )

    async def seq_next(self, show_id: int) -> int:
        with self._lock:
            self._seqs[show_id] += 1
            return self._seqs[show_id]

    async def acknowledge(self, show_id: int, batch: Batch) -> None:
        with self._lock:
            del self._buffers.get(show_id, [])[: len(batch.items)]
            counts = self._reactions.get(show_id, Counter())
            counts.subtract(batch.reactions)
            for kind in [kind for kind, n in counts.items() if n <= 0]:
                del counts[kind]

    async def close(self) -> None:
        return None


def buffer_push(show_id: int, item: str) -> None:
    """Append an encoded item to the show's outgoing buffer (synchronous code)."""
    if not settings.REDIS_URL:
        MemoryStore.buffer_push(show_id, item)
        return
    key = _key(show_id, "buffer")
    pipe = _sync_client().pipeline(transaction=False)
    pipe.rpush(key, item)
    pipe.expire(key, BUFFER_TTL_SECONDS)
    pipe.execute()


def store_new() -> LiveStore:
    """The shared state backend: Redis when configured, else this process's memory."""
    if settings.REDIS_URL:
        return RedisStore(settings.REDIS_URL)
    return MemoryStore()


# --- Publishing from synchronous code (services, on commit) --------------------


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


# --- The per-process pump ------------------------------------------------------


class Socket(Protocol):
    channel_name: str

    async def base_send(self, message: dict[str, Any]) -> None: ...


class ShowPump:
    """This process's end of one show: local sockets, presence, ticks and fan-out."""

    def __init__(self, show_id: int) -> None:
        self.show_id = show_id
        self.group = group_name(show_id)
        self.sockets: dict[str, Socket] = {}
        self.counted: set[str] = set()
        self.gone: list[
            str
        ] = []  # left since the last tick; removed from presence then
        self.token = uuid.uuid4().hex
        self.reactions: Counter = Counter()
        self.published_ticks = 0
        self._store: LiveStore | None = None
        self._channel_layer = None
        self._channel_name = ""
        self._tasks: list[asyncio.Task] = []
        self._ready = asyncio.Event()
        self._stopped = False
        self._last_heartbeat = 0.0
        self._last_viewers: int | None = None
        self._last_viewers_sent = 0.0

    @property
    def store(self) -> LiveStore:
        assert self._store is not None
        return self._store

    async def start(self) -> None:
        self._store = store_new()
        self._channel_layer = get_channel_layer()
        self._channel_name = await self._channel_layer.new_channel()
        await self._channel_layer.group_add(self.group, self._channel_name)
        self._tasks = [
            asyncio.ensure_future(self._receive_loop()),
            asyncio.ensure_future(self._tick_loop()),
        ]
        self._ready.set()

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._channel_layer is not None:
            await self._channel_layer.group_discard(self.group, self._channel_name)
        if self._store is not None:
            with contextlib.suppress(Exception):
                await self._store.presence_remove(self.show_id, self.gone)
                await self._store.lease_release(self.show_id, self.token)
            await self._store.close()

    async def add(self, socket: Socket, *, counted: bool) -> None:
        await self._ready.wait()
        self.sockets[socket.channel_name] = socket
        if counted:
            self.counted.add(socket.channel_name)
            await self.store.presence_touch(
                self.show_id, [socket.channel_name], time.time()
            )

    def remove(self, socket: Socket) -> None:
        """Forget a socket; its presence entry goes with the next tick (or the stop)."""
        self.sockets.pop(socket.channel_name, None)
        if socket.channel_name in self.counted:
            self.counted.discard(socket.channel_name)
            self.gone.append(socket.channel_name)

    def react(self, kind: str) -> None:
        """Count a tap here; it reaches Redis with the next tick, summed."""
        self.reactions[kind] += 1

    async def viewers(self) -> int:
        return await self.store.viewers_count(self.show_id, time.time())

    async def fan_out(self, text: str) -> None:
        """Write one text frame to every local socket of the show."""
        message = {"type": "websocket.send", "text": text}
        for count, socket in enumerate(list(self.sockets.values()), start=1):
            try:
                await socket.base_send(message)
            except Exception as error:  # a closing socket must not starve the others
                logger.debug(
                    "live: sending to %s failed: %r", socket.channel_name, error
                )
            if count % FAN_OUT_SLICE == 0:
                # Let incoming comments in between: a long fan-out would hold them.
                await asyncio.sleep(0)

    async def tick(self) -> bool:
        """Flush local taps and leaves, refresh presence, publish a batch if leading."""
        now = time.time()
        if self.reactions:
            counts, self.reactions = dict(self.reactions), Counter()
            await self.store.reactions_add(self.show_id, counts)
        if self.gone:
            gone, self.gone = self.gone, []
            await self.store.presence_remove(self.show_id, gone)
        if now - self._last_heartbeat >= HEARTBEAT_SECONDS:
            self._last_heartbeat = now
            await self.store.presence_touch(self.show_id, list(self.counted), now)
        if not await self.store.lease(self.show_id, self.token):
            return False
        batch = await self.store.peek(self.show_id, now)
        comments, events = [], []
        for raw in batch.items:
            item = json.loads(raw)
            if item["kind"] == "comment":
                comments.append(item["comment"])
            else:
                events.append(item)
        viewers_due = (
            batch.viewers != self._last_viewers
            or now - self._last_viewers_sent >= VIEWERS_REPEAT_SECONDS
        )
        if not (comments or events or batch.reactions or viewers_due):
            return False
        frame = frame_encode(
            {
                "type": "tick",
                "seq": await self.store.seq_next(self.show_id),
                "comments": comments,
                "events": events,
                "reactions": batch.reactions,
                "viewers": batch.viewers,
            }
        )
        await self._channel_layer.group_send(
            self.group, {"type": FRAME_MESSAGE_TYPE, "text": frame}
        )
        # Removed only once published: a failed publish leaves them for the next tick.
        await self.store.acknowledge(self.show_id, batch)
        self._last_viewers, self._last_viewers_sent = batch.viewers, now
        self.published_ticks += 1
        return True

    async def _receive_loop(self) -> None:
        while True:
            message = await self._channel_layer.receive(self._channel_name)
            if message.get("type") == FRAME_MESSAGE_TYPE:
                await self.fan_out(message["text"])

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(tick_seconds())
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live: tick of show %s failed", self.show_id)
                await asyncio.sleep(1)


# Pumps of this process, per event loop (tests run one loop per test).
_pumps: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, ShowPump]] = (
    weakref.WeakKeyDictionary()
)


def pump_get(show_id: int) -> ShowPump | None:
    """This process's running pump for a show, if any socket of it is here."""
    return _pumps.get(asyncio.get_running_loop(), {}).get(show_id)


async def pump_join(*, show_id: int, socket: Socket, counted: bool) -> ShowPump:
    """Attach a socket to its show's pump in this process, starting the pump."""
    pumps = _pumps.setdefault(asyncio.get_running_loop(), {})
    pump = pumps.get(show_id)
    if pump is None:
        pump = pumps[show_id] = ShowPump(show_id)
        await pump.start()
    await pump.add(socket, counted=counted)
    return pump


async def pump_leave(*, show_id: int, socket: Socket) -> None:
    """Detach a socket; the last one out stops the show's pump in this process."""
    pumps = _pumps.get(asyncio.get_running_loop(), {})
    pump = pumps.get(show_id)
    if pump is None:
        return
    pump.remove(socket)
    if not pump.sockets and pumps.get(show_id) is pump:
        del pumps[show_id]
        await pump.stop()
