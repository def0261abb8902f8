"""The Redis cache shares its connection pools across threads and async contexts."""

import threading

from django.core.cache import cache, caches


def _pool_of_a_fresh_context() -> object:
    found = []

    def work():
        # Another thread: Django hands it its own cache object, as daphne does for
        # every request's context.
        other = caches["default"]
        other.set("pool-probe", 1)
        found.append((other, other._cache._get_connection_pool(write=True)))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return found[0]


def test_cache_objects_of_different_threads_share_one_connection_pool():
    cache.set("pool-probe", 1)
    other_cache, other_pool = _pool_of_a_fresh_context()

    assert other_cache is not cache
    assert other_pool is cache._cache._get_connection_pool(write=True)


def test_a_shared_pool_reuses_its_connection_across_threads():
    cache.set("pool-probe", 1)
    pool = cache._cache._get_connection_pool(write=True)
    before = pool._created_connections

    for _ in range(5):
        _pool_of_a_fresh_context()

    assert pool._created_connections == before
