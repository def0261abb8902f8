"""Writing one frame to many local sockets: framed once, written without awaits.

A tick's JSON text is encoded once per show (`ShowPump.tick`). Sent through ASGI,
each socket would then encode and frame it again: under daphne one reply coroutine
per socket, a UTF-8 encode, autobahn's framing and a debug-log call. So when a
socket is served by daphne, the frame is prepared once per tick (autobahn's
`PreparedMessage`: the finished WebSocket frame) and written to each open
connection directly, with no await per socket. Sockets of another server (uvicorn,
the tests' communicators) get the ordinary ASGI message. The bytes on the wire are
the same text frame either way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from autobahn.websocket.protocol import PreparedMessage


class PreparedFrame:
    """One text frame for many sockets: the ASGI message, the wire frame on demand."""

    __slots__ = ("_wire", "message", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.message = {"type": "websocket.send", "text": text}
        self._wire: PreparedMessage | None = None

    def wire(self) -> PreparedMessage:
        if self._wire is None:
            # A server's frames are not masked (RFC 6455 5.1).
            self._wire = PreparedMessage(self.text.encode(), False, False, False)
        return self._wire


# Writes a prepared frame at once; False when the connection is no longer open.
DirectWriter = Callable[[PreparedFrame], bool]


def direct_writer(send: Any) -> DirectWriter | None:
    """For a socket that daphne serves, a function that writes to it directly.

    daphne hands each application `partial(server.handle_reply, protocol)` as its
    ASGI `send`; anything else gets None and is sent through ASGI.
    """
    if not isinstance(send, functools.partial) or len(send.args) != 1:
        return None
    server = getattr(send.func, "__self__", None)
    protocol = send.args[0]
    connections = getattr(server, "connections", None)
    if not isinstance(connections, dict) or not hasattr(
        protocol, "sendPreparedMessage"
    ):
        return None
    open_state = protocol.STATE_OPEN

    def write(frame: PreparedFrame) -> bool:
        # The checks daphne's own reply makes: the connection is known, not
        # disconnected, and the handshake is done.
        details = connections.get(protocol)
        if (
            details is None
            or details.get("disconnected")
            or (protocol.state != open_state)
        ):
            return False
        protocol.sendPreparedMessage(frame.wire())
        return True

    return write
