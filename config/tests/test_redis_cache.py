"""The Redis cache backend shares one client (and its connection pool) per server
across threads and cache objects, instead of building a client for every call."""

import threading

from django.core.cache import cache, caches

from config.redis_cache import SharedPoolRedisCache


def test_the_cache_is_the_shared_pool_backend():
    # Tests run on Redis, as production does (REDIS_URL).
    assert isinstance(caches["default"], SharedPoolRedisCache)


def test_cache_calls_reuse_one_client():
    first = cache._cache.get_client(write=False)  # type: ignore[attr-defined]

    cache.set("redis-cache-test", 1)

    assert cache._cache.get_client(write=True) is first  # type: ignore[attr-defined]
    assert cache.get("redis-cache-test") == 1


def test_cache_objects_of_other_threads_share_the_client():
    mine = cache._cache.get_client()  # type: ignore[attr-defined]
    theirs = []

    def other_thread() -> None:
        # Django makes a new cache object in every thread.
        other = caches.create_connection("default")
        other.set("redis-cache-test-thread", 2)
        theirs.append(other._cache.get_client())  # type: ignore[attr-defined]

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join(timeout=30)

    assert theirs == [mine]
    assert cache.get("redis-cache-test-thread") == 2
