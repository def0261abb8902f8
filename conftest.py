from importlib import import_module

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from shop.markets.services import market_cache_clear

# Data migrations that seed rows tests rely on, in migration order.
SEEDING_MIGRATIONS = (
    ("shop", "0002_seed_markets"),
    ("shop", "0004_site_name"),
    ("shop", "0006_market_commerce_settings"),
    ("shop", "0013_market_seller_tax_ids"),
    ("shop", "0017_seed_compliance"),
    ("support", "0002_policy_articles"),
    ("support", "0004_seed_support_teams"),
)


@pytest.fixture(autouse=True)
def _site_url(settings):
    """Absolute links name the host the test client speaks to."""
    settings.SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _default_language():
    """A page request leaves its language active in the thread: every test starts
    in the default language and puts it back when it ends."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Every test starts with empty caches: no page or market leaks between tests."""
    cache.clear()
    market_cache_clear()
    yield
    cache.clear()
    market_cache_clear()


@pytest.fixture(autouse=True)
def _seed_data_after_flush(request):
    """Transactional tests (browser, consumers, concurrency) flush every table when
    they end, including the rows that data migrations seed: markets, tax rates, the
    site, certificate kinds, support teams and policy articles. Put those back before
    each such test, as migrate left them."""
    marker = request.node.get_closest_marker("django_db")
    uses_live_server = "live_server" in request.fixturenames
    if not uses_live_server and not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    for app, name in SEEDING_MIGRATIONS:
        seed = import_module(f"{app}.migrations.{name}")
        for operation in seed.Migration.operations:
            if hasattr(operation, "code"):  # RunPython: the schema is already there
                operation.code(apps, None)
