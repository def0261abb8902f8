"""The two serving tiers of one codebase, as real servers: gunicorn (`config.wsgi`)
serves the pages and daphne (`config.asgi`) the sockets.

Each server inherits a socket that is already listening, so a request made right
after the start waits in the socket's backlog until the server takes it: no polling
for readiness and no sleeps.
"""

import base64
import json
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from django.db import connection

from live.tests.factories import make_show
from shop.tests.factories import make_product

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 120  # a loaded 2-core machine imports Django slowly

pytestmark = pytest.mark.django_db(transaction=True)


def _server_env() -> dict[str, str]:
    """The test database and Redis, as a deployment would name them."""
    database = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        CACHE_KEY_PREFIX=f"tiers-{secrets.token_hex(4)}",
    )
    return env


@contextmanager
def _server(command: list[str], fd_option: str, **env: str) -> Iterator[int]:
    """Start `command` on an inherited listening socket; yield its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    fd = listener.fileno()
    process = subprocess.Popen(
        [*command[:-1], *fd_option.format(fd=fd).split(), command[-1]],
        cwd=ROOT,
        env={**_server_env(), **env},
        pass_fds=(fd,),
    )
    try:
        yield listener.getsockname()[1]
    finally:
        process.terminate()
        process.wait(timeout=30)
        listener.close()


def _gunicorn() -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py",
            "--workers", "1", "config.wsgi"]  # fmt: skip


def _daphne() -> list[str]:
    return [sys.executable, "-m", "daphne", "config.asgi:application"]


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("socket closed")
        data += chunk
    return data


def _websocket_open(port: int, path: str, cookie: str = "") -> socket.socket:
    """An open WebSocket (RFC 6455) to the sockets tier, past its handshake."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=STARTUP_SECONDS)
    key = base64.b64encode(os.urandom(16)).decode()
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    sock.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n{extra}\r\n"
        ).encode()
    )
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        head += _read_exactly(sock, 1)
    assert head.split(b"\r\n", 1)[0] == b"HTTP/1.1 101 Switching Protocols"
    return sock


def _websocket_read(sock: socket.socket) -> dict:
    first, second = _read_exactly(sock, 2)
    assert first == 0x81  # one whole text frame
    length = second & 0x7F
    if length == 126:
        length = int.from_bytes(_read_exactly(sock, 2), "big")
    elif length == 127:
        length = int.from_bytes(_read_exactly(sock, 8), "big")
    return json.loads(_read_exactly(sock, length))


def _websocket_send(sock: socket.socket, payload: dict) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode()
    assert len(data) < 65536
    if len(data) < 126:
        head = bytes((0x81, 0x80 | len(data)))
    else:
        head = bytes((0x81, 0x80 | 126)) + len(data).to_bytes(2, "big")
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))
    sock.sendall(head + mask + masked)


def _first_websocket_frame(port: int, path: str) -> dict:
    """Open a WebSocket (RFC 6455) and return the first text frame the server sends."""
    with _websocket_open(port, path) as sock:
        return _websocket_read(sock)


def test_gunicorn_serves_pages_and_daphne_serves_sockets():
    product = make_product(name="Tier tent", prices={"US": "120"})
    show = make_show(title="Tier show")

    with (
        _server(_gunicorn(), "--bind fd://{fd}") as pages_port,
        _server(_daphne(), "--fd {fd}") as sockets_port,
    ):
        request = Request(
            f"http://127.0.0.1:{pages_port}/en/p/{product.slug}/",
            headers={"Accept-Language": "en-US"},
        )
        with urlopen(request, timeout=STARTUP_SECONDS) as response:  # noqa: S310
            status, page = response.status, response.read().decode()
        frame = _first_websocket_frame(sockets_port, f"/ws/live/{show.pk}/")

    assert status == 200
    assert "Tier tent" in page
    assert "$120.00" in page
    assert frame["type"] == "sync"


def test_pages_tier_refuses_whip_and_whep_with_misdirected_request():
    from config.wsgi import application

    started = []

    def start_response(status, headers, exc_info=None):
        started.append(status)

    for path in ("/live/7/whip", "/live/7/whep", "/live/7/whep/abc"):
        body = b"".join(
            application({"REQUEST_METHOD": "POST", "PATH_INFO": path}, start_response)
        )
        assert body == b"WHIP and WHEP are served by the sockets tier (daphne).\n"
    assert started == ["421 Misdirected Request"] * 3


def _frame_wait(sock: socket.socket, match) -> dict:
    while True:  # the socket's own timeout ends a wait for a frame that never comes
        frame = _websocket_read(sock)
        if match(frame):
            return frame


def test_daphne_writes_a_tick_to_every_viewer_of_the_show_intact():
    # Under daphne a tick is framed once and written to each connection directly
    # (live.realtime.fanout): every viewer must still get the whole, valid frame.
    from django.conf import settings
    from django.test import Client

    from live.services.shows import show_start
    from live.tests.factories import make_host, make_user

    host = make_host()
    show = make_show(title="Tick show", host=host)
    show_start(show=show, host=host)
    client = Client()
    client.force_login(make_user())
    cookie = f"{settings.SESSION_COOKIE_NAME}="
    cookie += client.cookies[settings.SESSION_COOKIE_NAME].value
    path = f"/ws/live/{show.pk}/"
    text = "Is the blue one waterproof? " + "é" * 200  # a frame over 125 bytes

    # The poster's session is signed with this process's key.
    with _server(_daphne(), "--fd {fd}", SECRET_KEY=settings.SECRET_KEY) as port:
        viewers = [_websocket_open(port, path) for _ in range(3)]
        poster = _websocket_open(port, path, cookie)
        try:
            for sock in (*viewers, poster):
                _frame_wait(sock, lambda frame: frame["type"] == "sync")
            _websocket_send(poster, {"type": "comment", "text": text})
            ack = _frame_wait(poster, lambda frame: frame["type"] == "ack")
            ticks = [
                _frame_wait(sock, lambda frame: bool(frame.get("comments")))
                for sock in (*viewers, poster)
            ]
        finally:
            for sock in (*viewers, poster):
                sock.close()

    assert [tick["type"] for tick in ticks] == ["tick"] * 4
    assert len({tick["seq"] for tick in ticks}) == 1
    for tick in ticks:
        assert [(c["id"], c["text"]) for c in tick["comments"]] == [(ack["id"], text)]
