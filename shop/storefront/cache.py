"""The storefront page cache: anonymous pages per market and language.

Every rendered page is stored with the catalog version it was rendered at. Any write
to a product, price or stock level bumps the version, so the next request renders
afresh: one cache round trip reads both the version and the page.
"""

import functools
import weakref
from asyncio import AbstractEventLoop, get_running_loop
from typing import Any, cast

import redis.asyncio
from django.core.cache import cache, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisSerializer
from django.db import transaction
from django.utils import timezone

CATALOG_VERSION_KEY = "catalog:version"


def catalog_version_bump() -> None:
    """Invalidate every cached storefront page once the current transaction commits."""
    transaction.on_commit(_bump_now)


def _bump_now() -> None:
    try:
        cache.incr(CATALOG_VERSION_KEY)
    except ValueError:
        cache.set(CATALOG_VERSION_KEY, 1, timeout=None)


def page_cache_key(*, path: str, language: str, market_code: str) -> str:
    # Per UTC day too: what a market may be offered changes when a certificate
    # lapses at midnight (`shop.compliance.selectors.today`), before any task runs.
    day = timezone.now().date().isoformat()
    return f"page:{market_code}:{day}:{language}:{path}"


def page_cache_get(*, key: str) -> tuple[int, bytes | None]:
    """The current catalog version, and the body cached under `key` if it is current.

    The caller renders a miss and stores it with this same version: a bump that lands
    while the page renders leaves the stored page already stale, never wrongly fresh.
    """
    return _current(cache.get_many([CATALOG_VERSION_KEY, key]), key)


def _current(found: dict, key: str) -> tuple[int, bytes | None]:
    version = found.get(CATALOG_VERSION_KEY, 0)
    entry = found.get(key)
    if entry is None or entry[0] != version:
        return version, None
    return version, entry[1]


@functools.cache
def _backend() -> BaseCache:
    # Django makes a cache object per async context; one per process does here.
    return caches.create_connection("default")


_async_clients: "weakref.WeakKeyDictionary[AbstractEventLoop, redis.asyncio.Redis]" = (
    weakref.WeakKeyDictionary()
)
_serializer = RedisSerializer()


async def page_cache_aget(*, key: str) -> bytes | None:
    """The body cached under `key` if it is current, read without leaving the event
    loop (no thread); None on a miss or where the cache cannot be read that way."""
    backend = _backend()
    if isinstance(backend, LocMemCache):
        # Memory only: no I/O to wait for.
        return _current(backend.get_many([CATALOG_VERSION_KEY, key]), key)[1]
    servers = getattr(backend, "_servers", [])
    if not isinstance(backend, RedisCache) or len(servers) != 1:
        return None
    loop = get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = _async_clients[loop] = redis.asyncio.Redis.from_url(servers[0])
    names = [backend.make_key(CATALOG_VERSION_KEY), backend.make_key(key)]
    # The client returns bytes (no decode_responses), as Django's backend reads them.
    raw = cast("list[bytes | None]", await client.mget(names))
    found = {
        name: _serializer.loads(value)
        for name, value in zip((CATALOG_VERSION_KEY, key), raw, strict=True)
        if value is not None
    }
    return _current(found, key)[1]


def versioned_get_many(keys: list[str]) -> tuple[int, dict[str, Any]]:
    """The current catalog version and the entries under `keys` stored at it, in one
    cache round trip; entries of older versions count as missing."""
    found = cache.get_many([CATALOG_VERSION_KEY, *keys])
    version = found.pop(CATALOG_VERSION_KEY, 0)
    return version, {
        key: entry[1] for key, entry in found.items() if entry[0] == version
    }


def versioned_set_many(*, version: int, entries: dict[str, Any], timeout: int) -> None:
    """Store entries made from data read at catalog `version` (read before making
    them, as `versioned_get_many` returns it)."""
    if entries and timeout > 0:
        cache.set_many(
            {key: (version, value) for key, value in entries.items()}, timeout=timeout
        )


def page_cache_set(*, key: str, version: int, content: bytes, timeout: int) -> None:
    """Store a rendered body under the catalog version read before rendering."""
    cache.set(key, (version, content), timeout=timeout)
