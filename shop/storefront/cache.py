"""The storefront page cache: anonymous pages per market and language.

Every rendered page is stored with the catalog version it was rendered at. Any write
to a product, price or stock level bumps the version, so the next request renders
afresh: one cache round trip reads both the version and the page.
"""

from django.core.cache import cache
from django.db import transaction

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
    return f"page:{market_code}:{language}:{path}"


def page_cache_get(*, key: str) -> tuple[int, bytes | None]:
    """The current catalog version, and the body cached under `key` if it is current.

    The caller renders a miss and stores it with this same version: a bump that lands
    while the page renders leaves the stored page already stale, never wrongly fresh.
    """
    found = cache.get_many([CATALOG_VERSION_KEY, key])
    version = found.get(CATALOG_VERSION_KEY, 0)
    entry = found.get(key)
    if entry is None or entry[0] != version:
        return version, None
    return version, entry[1]


def page_cache_set(*, key: str, version: int, content: bytes, timeout: int) -> None:
    """Store a rendered body under the catalog version read before rendering."""
    cache.set(key, (version, content), timeout=timeout)
