"""Django's Redis cache with connection pools shared by the whole process.

Django keeps one cache object per thread and per async context, and each builds its
own connection pool. Under daphne every request runs in a fresh context, so each
request opened a new TCP connection to Redis (connect, handshake, health check):
on a cached storefront page that cost more than rendering nothing at all. Pools are
thread-safe, so one per server and options serves every context.
"""

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple, object] = {}
_pools_lock = threading.Lock()


class _SharedPoolRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write):
        index = self._get_connection_pool_index(write)
        key = (self._servers[index], repr(sorted(self._pool_options.items())))
        pool = _pools.get(key)
        if pool is None:
            with _pools_lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = self._pool_class.from_url(
                        self._servers[index], **self._pool_options
                    )
                    _pools[key] = pool
        return pool


class SharedPoolRedisCache(RedisCache):
    """The Redis cache backend, its connection pools shared across contexts."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _SharedPoolRedisCacheClient
