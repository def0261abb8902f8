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


@pytest.fixture
def asgi_server(tmp_path):
    """daphne in a subprocess against the test database: HTTP and WebSockets.

    pytest-django's live_server speaks WSGI only; live video and the show sockets
    need the ASGI stack. Tests using it need django_db(transaction=True), so that
    the server sees the data they commit. Yields the base URL (http://127.0.0.1:…).
    """
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path
    from urllib.parse import quote

    from django.conf import settings
    from django.db import connection

    database = connection.settings_dict
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    database_url = (
        f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": base_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DB_POOL_MAX_SIZE": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    root = Path(settings.BASE_DIR)
    log = open(tmp_path / "daphne.log", "w+b")  # closed below
    server = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"daphne did not start:\n{log.read().decode()[-3000:]}")
                time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
