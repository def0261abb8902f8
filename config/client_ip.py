"""The client's address behind the proxies we run, and only those.

`X-Forwarded-For` is a list that every proxy appends the address it saw to; whatever
stands left of our own proxies' entries was written by the client and proves nothing.
With `TRUSTED_PROXY_COUNT = N` the client is the N-th address from the right; with 0
(no proxy) the header is ignored and the socket's peer is the client. One function
decides it; a Django middleware applies it to HTTP requests (WSGI and ASGI alike) and
an ASGI wrapper to WebSocket connections, so rate limits, logs and per-client slots
all see the same address.
"""

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_address(
    *, peer: str | None, forwarded_for: str | None, trusted_proxies: int
) -> str | None:
    """The client's IP: `peer` without trusted proxies, else counted from the right.

    A request that did not pass through all of them (too few entries) or whose entry
    is not an IP address keeps the peer: a malformed header never picks the address.
    """
    if trusted_proxies <= 0 or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    if len(hops) < trusted_proxies:
        return peer
    candidate = hops[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer


class ClientAddressMiddleware:
    """Put the client's address in `REMOTE_ADDR` for everything after it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trusted = settings.TRUSTED_PROXY_COUNT
        if trusted:
            request.META["REMOTE_ADDR"] = client_address(
                peer=request.META.get("REMOTE_ADDR"),
                forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
                trusted_proxies=trusted,
            )
        return self.get_response(request)


Scope = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[..., Awaitable], Callable[..., Awaitable]], Awaitable
]


class WebSocketClientAddress:
    """ASGI wrapper: the same rule for a WebSocket's `scope["client"]`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive, send) -> None:
        trusted = settings.TRUSTED_PROXY_COUNT
        if scope["type"] == "websocket" and trusted:
            headers = dict(scope.get("headers") or [])
            forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
            peer_host, peer_port = scope.get("client") or (None, 0)
            host = client_address(
                peer=peer_host, forwarded_for=forwarded, trusted_proxies=trusted
            )
            scope = {**scope, "client": (host, peer_port if host == peer_host else 0)}
        await self.app(scope, receive, send)
