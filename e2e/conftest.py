"""Browser tests: Playwright drives Debian's Chromium against a live test server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""


@pytest.fixture(autouse=True, scope="module")
def _orm_beside_the_browser():
    """Playwright's sync API runs an event loop in the test's thread while a browser
    is open; the ORM calls the tests and their fixtures make there are synchronous
    and safe. Allowed for the browser modules only, until the browser has closed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per module; tests open their own contexts.

    Playwright's sync API keeps an event loop running in this thread while it is
    open, so it is closed after each module: asyncio tests collected after the
    browser tests then get a thread without a running loop.
    """
    if not CHROMIUM:
        pytest.fail("Chromium is missing: run scripts/ensure-browser (as root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh context (own cookies), closed after the test."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(**context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
