import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request to a /de/ page leaves
    German active in the thread for whatever test runs next."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
