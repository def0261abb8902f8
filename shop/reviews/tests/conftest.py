import pytest

from config.celery import app as celery_app
from shop.models import Product
from shop.tests.factories import make_product


@pytest.fixture
def eager_celery(settings):
    """Tasks run in the test's process, as in the embedded default."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def no_page_cache(settings):
    settings.STOREFRONT_CACHE_SECONDS = 0


@pytest.fixture
def product() -> Product:
    return make_product(name="Rain jacket", prices={"US": "99.00"})
