"""Site-wide defences: the client's address, body limits, production settings, the
admin login limit. Each test reproduces an attack that worked before its fix."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings

from config.client_ip import client_address
from config.headers import security_headers_for

BASE_DIR = Path(settings.BASE_DIR)


# --- The client's address -------------------------------------------------------


def test_client_address_ignores_forwarded_for_without_trusted_proxies():
    assert (
        client_address(peer="10.0.0.9", forwarded_for="1.2.3.4", trusted_proxies=0)
        == "10.0.0.9"
    )


def test_client_address_takes_the_entry_our_proxy_appended():
    assert (
        client_address(
            peer="10.0.0.9",
            forwarded_for="6.6.6.6, 203.0.113.7",
            trusted_proxies=1,
        )
        == "203.0.113.7"
    )
    assert (
        client_address(
            peer="10.0.0.9",
            forwarded_for="6.6.6.6, 203.0.113.7, 10.0.0.2",
            trusted_proxies=2,
        )
        == "203.0.113.7"
    )


def test_client_address_keeps_the_peer_for_short_or_malformed_headers():
    assert (
        client_address(peer="10.0.0.9", forwarded_for="1.2.3.4", trusted_proxies=2)
        == "10.0.0.9"
    )
    assert (
        client_address(peer="10.0.0.9", forwarded_for="not-an-ip", trusted_proxies=1)
        == "10.0.0.9"
    )


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_rotating_a_spoofed_forwarded_for_does_not_escape_the_login_limit(client):
    url = "/en/accounts/login/"
    statuses = []
    for attempt in range(6):
        response = client.post(
            url,
            {"login": "victim@example.com", "password": f"wrong-{attempt}"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}, 203.0.113.7",
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429


# --- Request bodies -------------------------------------------------------------


def test_declared_oversized_body_is_refused_before_the_view(client):
    response = client.post(
        "/webhooks/carriers/dhl/",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.CARRIER_WEBHOOK_MAX_BYTES + 1),
    )
    assert response.status_code == 413


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def daphne_server(tmp_path):
    """daphne on the embedded default: only its HTTP layer is exercised here."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(DEBUG="1", LOG_LEVEL="WARNING", MEDIA_ROOT=str(tmp_path))
    process = subprocess.Popen(
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
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("daphne did not start")
    yield port
    process.terminate()
    process.wait(timeout=10)


def _exchange(port: int, head: bytes, body_chunks=(), timeout: float = 10) -> bytes:
    """Send a request head (and body chunks while the server listens); the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head)
        for chunk in body_chunks:
            try:
                sock.sendall(chunk)
            except OSError:
                break  # the server closed: it refused the rest
        reply = b""
        while True:
            try:
                data = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not data:
                break
            reply += data
    return reply


def test_daphne_answers_413_to_a_huge_declared_body_without_reading_it(daphne_server):
    head = (
        b"POST /webhooks/carriers/dhl/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 314572800\r\n\r\n"
    )
    started = time.monotonic()
    reply = _exchange(daphne_server, head)
    assert reply.startswith(b"HTTP/1.1 413")
    # Answered from the headers: nowhere near the time 300 MB would take to send.
    assert time.monotonic() - started < 5


def test_daphne_stops_a_chunked_body_at_the_limit(daphne_server):
    head = (
        b"POST /live/1/whep HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/sdp\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"a" * 16384
    framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    reply = _exchange(daphne_server, head, body_chunks=[framed] * 64)
    assert reply.startswith(b"HTTP/1.1 413")


def test_daphne_still_serves_small_requests(daphne_server):
    # A static file: served without a database, which this server has none of.
    reply = _exchange(
        daphne_server,
        b"GET /static/css/site.css HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Connection: close\r\n\r\n",
        timeout=5,
    )
    assert reply.startswith(b"HTTP/1.1 200")


# --- Production settings --------------------------------------------------------

PRINT_EMAIL = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.EMAIL_BACKEND)"
)


def _run_settings(**overrides: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "EMAIL_HOST"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", PRINT_EMAIL],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_refuses_the_published_development_key():
    result = _run_settings(
        DEBUG="0",
        SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY,
        EMAIL_HOST="smtp.internal",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_print_emails_to_the_console():
    result = _run_settings(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0
    assert "EMAIL_HOST" in result.stderr


def test_production_with_smtp_sends_by_smtp():
    result = _run_settings(
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), EMAIL_HOST="smtp.internal"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


# --- The admin login --------------------------------------------------------------


@pytest.mark.django_db
def test_admin_login_is_rate_limited_like_the_shop_login(client):
    get_user_model().objects.create_user(
        email="staff@example.com", password="right-Password-1", is_staff=True
    )
    statuses = [
        client.post(
            "/admin/login/",
            {"username": "staff@example.com", "password": f"wrong-{attempt}"},
        ).status_code
        for attempt in range(5)
    ]
    assert statuses == [200] * 5
    refused = client.post(
        "/admin/login/",
        {"username": "staff@example.com", "password": "right-Password-1"},
    )
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_still_lets_staff_in(client):
    get_user_model().objects.create_user(
        email="staff@example.com", password="right-Password-1", is_staff=True
    )
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "staff@example.com", "password": "right-Password-1"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# --- Security headers -----------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_templates_have_no_inline_scripts_or_handlers():
    offenders = []
    for template in (BASE_DIR / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            offenders += [f"{template}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


@pytest.mark.django_db
def test_pages_forbid_inline_scripts_and_the_camera(client):
    response = client.get("/en/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "microphone=()" in response.headers["Permissions-Policy"]


def test_only_capture_pages_may_use_camera_and_microphone():
    studio = security_headers_for("/de/live/12/studio/")["Permissions-Policy"]
    assert "camera=(self)" in studio and "microphone=(self)" in studio
    viewer = security_headers_for("/de/live/12/")["Permissions-Policy"]
    assert "camera=()" in viewer and "microphone=()" in viewer
    pinned = security_headers_for("/de/live/12/studio/pin/")["Permissions-Policy"]
    assert "camera=()" in pinned


def test_admin_pages_allow_inline_styles_but_not_scripts():
    policy = security_headers_for("/admin/shop/product/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy
