"""Ticks through daphne: each socket gets the frame the pump prepared once."""

import json
import time

import pytest
from websockets.sync.client import connect

from live import realtime
from live.services.shows import show_start
from live.tests.factories import make_host, make_show

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 15.0


def _next_tick_with_comments(socket) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        frame = socket.recv(timeout=max(0.1, deadline - time.monotonic()))
        data = json.loads(frame)
        if data["type"] == "tick" and data["comments"]:
            return frame


def test_a_tick_reaches_every_daphne_socket_as_the_same_text_frame(asgi_server):
    host = make_host()
    show = make_show(host=host)
    show_start(show=show, host=host)
    url = asgi_server.replace("http://", "ws://") + f"/ws/live/{show.pk}/"
    comment = {"id": 7, "text": "Größe über alles"}

    with (
        connect(url, origin=asgi_server) as first,
        connect(url, origin=asgi_server) as second,
    ):
        assert json.loads(first.recv(timeout=WAIT_SECONDS))["type"] == "sync"
        assert json.loads(second.recv(timeout=WAIT_SECONDS))["type"] == "sync"
        realtime.buffer_push(
            show.pk, json.dumps({"kind": "comment", "comment": comment})
        )
        frames = [_next_tick_with_comments(first), _next_tick_with_comments(second)]

    assert isinstance(frames[0], str)
    assert frames[0] == frames[1]
    assert json.loads(frames[0])["comments"] == [comment]
