"""Show sockets in tests: open, join, and wait for the frame wanted, skipping others.

A show socket may get a tick (the viewer count, reactions) at any moment, even
before its ``sync`` frame when the show's pump ticks in between; so tests never
expect a frame to come first, they wait for the one they need, with a timeout.
"""

import time

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application

TIMEOUT = 10  # generous: the machine running the suite may be busy


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def socket_open(
    show, user=None, *, host=False, origin=b"http://testserver", lang=""
) -> WebsocketCommunicator:
    """A communicator for the show's socket (or its host socket), not connected."""
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if user is not None:
        cookie = await database_sync_to_async(_session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    path = f"/ws/live/{show.pk}/{'host/' if host else ''}"
    if lang:
        path += f"?lang={lang}"
    return WebsocketCommunicator(application, path, headers=headers)


async def frame_next(communicator, match, timeout: float = TIMEOUT) -> dict:
    """The first frame for which match(frame) is true; frames before it are skipped."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("expected frame did not arrive")
        frame = await communicator.receive_json_from(timeout=remaining)
        if match(frame):
            return frame


async def frame_of_type(communicator, frame_type: str, timeout: float = TIMEOUT):
    """The first frame of that type; frames of other types before it are skipped."""
    return await frame_next(communicator, lambda f: f["type"] == frame_type, timeout)


async def socket_join(show, user=None, **options):
    """Connect and wait for the sync frame; returns (communicator, sync frame)."""
    communicator = await socket_open(show, user, **options)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    sync = await frame_of_type(communicator, "sync")
    return communicator, sync


def tick_with_comment(frame) -> bool:
    """Whether a frame is a tick that carries comments."""
    return frame["type"] == "tick" and bool(frame["comments"])


async def close_code(communicator) -> int:
    """Read frames until the close; return its code."""
    while True:
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            return output["code"]


async def refused(communicator, expected_code: str) -> int:
    """Wait for the error frame with that code; return the close code that follows."""
    error = await frame_of_type(communicator, "error")
    assert error["code"] == expected_code
    assert error["message"]
    return await close_code(communicator)
