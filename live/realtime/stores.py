"""A show's shared state: the outgoing buffer, reaction taps, presence, the lease.

``RedisStore`` keeps it in Redis, shared by every daphne process; ``MemoryStore``
keeps it in this process for the single-process embedded default.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

PRESENCE_TTL_SECONDS = 15.0
LEASE_MS = 2000
BUFFER_TTL_SECONDS = 60


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


# Sliding-window limits are shared by every app: config/sockets.py.


def seq_skip(show_id: int) -> None:
    """Skip one tick number of the show: every viewer sees a gap and resyncs."""
    if not settings.REDIS_URL:
        with MemoryStore._lock:
            MemoryStore._seqs[show_id] += 1
        return
    key = _key(show_id, "seq")
    pipe = _sync_client().pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, 24 * 3600)
    pipe.execute()


def store_new() -> LiveStore:
    """The shared state backend: Redis when configured, else this process's memory."""
    if settings.REDIS_URL:
        return RedisStore(settings.REDIS_URL)
    return MemoryStore()
