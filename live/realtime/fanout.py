"""Writing one frame to many local sockets: framed once, written without awaits.

A tick's JSON text is encoded once per show (`ShowPump.tick`). Sent through ASGI,
each socket would then encode and frame it again: under daphne one reply coroutine
per socket, a UTF-8 encode, autobahn's framing and a debug-log call. So when a
socket is served by daphne, the frame is prepared once per tick (autobahn's
`PreparedMessage`: the finished WebSocket frame) and written to each open
connection directly, with no await per socket. Sockets of another server (uvicorn,
the tests' communicators) get the ordinary ASGI message. The bytes on the wire are
the same text frame either way.

A plain TCP transport of Twisted's would queue each write and register the socket
for writability, send on the next loop turn and unregister it: two epoll changes and
a callback per socket per tick, most of a tick's fan-out. When nothing is queued on
the connection the frame is sent at once instead (what the transport itself does
once the socket is writable); only what the kernel does not take is queued, behind
nothing, so the order of bytes on the connection is kept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from autobahn.websocket.protocol import PreparedMessage
from channels.sessions import InstanceSessionWrapper
from twisted.internet import tcp


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
    send = _unwrapped(send)
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
        transport = protocol.transport
        if isinstance(transport, tcp.Connection) and not transport.TLS:
            _send_now(transport, frame.wire().payloadHybi)
        else:
            protocol.sendPreparedMessage(frame.wire())
        return True

    return write


def _unwrapped(send: Any) -> Any:
    """The server's own `send` under channels' session middleware.

    The middleware's `send` acts only on HTTP responses (it saves the session and
    sets its cookie there) and passes a socket's frames on unchanged; leaving it out
    of a tick's write changes nothing. Without this, every socket behind
    `AuthMiddlewareStack` was written to through ASGI.
    """
    while isinstance(getattr(send, "__self__", None), InstanceSessionWrapper):
        send = send.__self__.real_send
    return send


def _send_now(transport: tcp.Connection, data: bytes) -> None:
    """Send on an idle connection at once; queue (the rest) behind what is pending."""
    if (
        transport.connected
        and not transport.disconnecting
        and not transport._writeDisconnected
        and not transport._tempDataLen
        and transport.offset == len(transport.dataBuffer)
    ):
        sent = transport.writeSomeData(data)
        if isinstance(sent, Exception):
            # Lost: queued, the transport's next write attempt reports it.
            sent = 0
        data = data[sent:]
    if data:
        transport.write(data)
