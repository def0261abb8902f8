import pytest
from django.core.cache import cache

from shop.services.markets import market_cache_clear


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Every test starts with empty caches: no page or market leaks between tests."""
    cache.clear()
    market_cache_clear()
    yield
    cache.clear()
    market_cache_clear()
