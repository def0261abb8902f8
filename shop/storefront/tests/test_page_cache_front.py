"""Cached pages answered in front of Django: by the WSGI front without Django's
handler, by the ASGI front on the event loop (no thread, no query)."""

import io
import re
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from asgiref.sync import SyncToAsync
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.utils import timezone

from shop.pricing.services import price_set
from shop.storefront import page_cache
from shop.storefront.page_cache import PageCacheFront, PageCacheFrontWSGI
from shop.tests.pages import _market

pytestmark = [
    # Django's handlers close the connection at each request's end: not inside a
    # test's transaction.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_english_while_arranging"),
]

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def _fresh_front():
    page_cache._routes.clear()
    page_cache._headers.clear()


class CountingWSGI:
    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


def _wsgi_get(app, path: str, cookie: str = "", **extra: str) -> tuple[str, dict, str]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT_LANGUAGE": "en-US",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    environ.update(extra)
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"] = status
        started["headers"] = headers

    body = b"".join(app(environ, start_response))
    headers: dict[str, list[str]] = {}
    for name, value in started["headers"]:
        headers.setdefault(name.lower(), []).append(value)
    return started["status"], headers, body.decode()


def test_wsgi_front_answers_a_cached_page_without_django(
    catalog, django_assert_num_queries
):
    django_app = CountingWSGI()
    app = PageCacheFrontWSGI(django_app)
    url = f"/en/p/{catalog['product'].slug}/"
    # Rendered and stored by Django, which loads the markets into memory; then a
    # hit through Django, whose headers the front keeps.
    _wsgi_get(app, url)
    _status, django_headers, _html = _wsgi_get(app, url)

    with django_assert_num_queries(0):
        status, headers, html = _wsgi_get(app, url)

    assert django_app.calls == 2
    assert status == "200 OK"
    assert "Storm tent" in html
    assert "$1,299.00" in html
    assert CSRF_VALUE.search(html)
    assert "tw-csrf-token-placeholder" not in html
    assert headers["content-length"] == [str(len(html.encode()))]
    assert headers["set-cookie"][0].startswith("csrftoken=")
    for name in ("vary", "cache-control", "content-security-policy", "x-frame-options"):
        assert headers[name] == django_headers[name]


def test_a_page_cached_yesterday_is_rendered_again_today(catalog, monkeypatch):
    django_app = CountingWSGI()
    app = PageCacheFrontWSGI(django_app)
    url = f"/en/p/{catalog['product'].slug}/"
    _wsgi_get(app, url)
    _wsgi_get(app, url)
    assert django_app.calls == 2  # the third would be the front's own hit
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)

    _wsgi_get(app, url)

    # A certificate that lapsed at midnight must not linger in yesterday's page.
    assert django_app.calls == 3


def test_wsgi_front_keeps_the_visitors_csrf_secret(catalog):
    app = PageCacheFrontWSGI(CountingWSGI())
    url = f"/en/c/{catalog['root'].slug}/"
    _wsgi_get(app, url)
    _wsgi_get(app, url)
    secret = "a" * 32

    _status, headers, html = _wsgi_get(app, url, cookie=f"csrftoken={secret}")

    from django.middleware.csrf import _unmask_cipher_token

    assert _unmask_cipher_token(CSRF_VALUE.search(html).group(1)) == secret
    assert headers["set-cookie"][0].startswith(f"csrftoken={secret};")


def test_wsgi_front_leaves_signed_in_visitors_to_django(catalog):
    django_app = CountingWSGI()
    app = PageCacheFrontWSGI(django_app)
    url = f"/en/p/{catalog['product'].slug}/"
    _wsgi_get(app, url)
    _wsgi_get(app, url)

    _wsgi_get(app, url, cookie="sessionid=abc")

    assert django_app.calls == 3


def test_wsgi_front_leaves_visitors_who_answered_the_consent_banner_to_django(
    catalog,
):
    django_app = CountingWSGI()
    app = PageCacheFrontWSGI(django_app)
    url = f"/en/p/{catalog['product'].slug}/"
    _wsgi_get(app, url)
    _wsgi_get(app, url)
    assert django_app.calls == 2

    _wsgi_get(app, url)  # a first visit: answered by the front
    _wsgi_get(app, url, cookie="tw_consent=anything")
    _wsgi_get(app, url, HTTP_SEC_GPC="1")

    assert django_app.calls == 4


def test_page_cached_for_a_first_visit_is_not_shown_to_a_visitor_who_accepted(
    catalog,
):
    """The banner and consented scripts differ: each consent state has its page."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.post(
        reverse("privacy:consent_update"),
        {"decision": "accept_all", "source": "banner", "next": "/en/"},
    )
    consent = client.cookies["tw_consent"]
    cookie = f"tw_consent={consent.value}"
    app = PageCacheFrontWSGI(CountingWSGI())
    url = f"/en/p/{catalog['product'].slug}/"
    _status, _headers, first_visit = _wsgi_get(app, url)

    _status, _headers, html = _wsgi_get(app, url, cookie=cookie)

    assert "data-consent-banner" in first_visit
    assert "data-consent-banner" not in html


def test_wsgi_front_does_not_answer_a_page_of_an_older_catalog(catalog):
    app = PageCacheFrontWSGI(CountingWSGI())
    url = f"/en/p/{catalog['product'].slug}/"
    _wsgi_get(app, url)

    price_set(
        variant=catalog["product"].variants.get(),
        market=_market("US"),
        amount=Decimal("1099"),
    )
    _status, _headers, html = _wsgi_get(app, url)

    assert "$1,099.00" in html
    assert "$1,299.00" not in html


async def _asgi_get(app, path: str) -> tuple[int, dict, str]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"accept-language", b"en-US")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    received = False
    messages = []

    async def receive():
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": b"", "more_body": False}
        # Django listens for a disconnect while it works: this one never comes.
        import asyncio

        await asyncio.Event().wait()

    async def send(message):
        messages.append(message)

    await app(scope, receive, send)
    start = messages[0]
    headers: dict[str, list[str]] = {}
    for name, value in start["headers"]:
        headers.setdefault(name.decode().lower(), []).append(value.decode())
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], headers, body.decode()


async def test_asgi_front_answers_a_cached_page_without_a_thread(catalog, monkeypatch):
    app = PageCacheFront(ASGIHandler())
    url = f"/en/c/{catalog['root'].slug}/"
    # Rendered and stored in Django's threads, then a hit through Django whose
    # headers the front keeps.
    await _asgi_get(app, url)
    _status, django_headers, _html = await _asgi_get(app, url)
    hops = []
    original = SyncToAsync.__call__

    async def counting(self, *args, **kwargs):
        hops.append(self.func)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting)

    status, headers, html = await _asgi_get(app, url)

    assert hops == []
    assert status == 200
    assert "Storm tent" in html
    assert CSRF_VALUE.search(html)
    assert headers["set-cookie"][0].startswith("csrftoken=")
    for name in ("vary", "cache-control", "content-security-policy", "x-frame-options"):
        assert headers[name] == django_headers[name]
