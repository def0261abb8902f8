"""Refuse oversized request bodies before they are read.

A limit checked inside a view comes too late: daphne receives a whole body and queues
it in memory before Django runs (a 300 MB POST cost 300 MB). Limits are per path
prefix (`REQUEST_BODY_LIMITS`, first match wins, else `REQUEST_BODY_MAX_BYTES`) and
are applied where each server reads:
- `RequestBodyLimitMiddleware` (Django, so gunicorn's pages too) answers 413 from
  `Content-Length` before the view reads a byte;
- `guard_daphne()` makes daphne's HTTP request refuse a declared length over the
  limit as soon as the headers are in, and stop a chunked body at the limit.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def body_limit_for(path: str) -> int:
    """The largest body, in bytes, that a request to `path` may carry."""
    for prefix, limit in settings.REQUEST_BODY_LIMITS:
        if path.startswith(prefix):
            return limit
    return settings.REQUEST_BODY_MAX_BYTES


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    message = f"The body is larger than {limit} bytes."
    if request.content_type == "application/json":
        return JsonResponse({"error": message}, status=413)
    return HttpResponse(
        message + "\n", status=413, content_type="text/plain; charset=utf-8"
    )


class RequestBodyLimitMiddleware:
    """413 for a request whose declared body is over its path's limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit_for(request.path_info)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return _too_large(request, limit)
        return self.get_response(request)


def guard_daphne() -> None:
    """Make daphne's HTTP requests enforce the body limits while receiving."""
    from daphne import http_protocol

    if getattr(http_protocol.WebRequest, "body_limit_guarded", False):
        return

    class LimitedWebRequest(http_protocol.WebRequest):
        body_limit_guarded = True
        _body_limit = 0
        _body_received = 0
        _body_refused = False

        def gotLength(self, length):  # noqa: N802 (Twisted's name)
            path = (getattr(self.channel, "_path", b"") or b"").split(b"?", 1)[0]
            self._body_limit = body_limit_for(path.decode("latin-1"))
            if length is not None and length > self._body_limit:
                self._refuse()
                # Nothing of the body is kept: a tiny in-memory buffer suffices.
                length = 0
            super().gotLength(length)

        def handleContentChunk(self, data):  # noqa: N802 (Twisted's name)
            if self._body_refused:
                return
            self._body_received += len(data)
            if self._body_received > self._body_limit:
                self._refuse()
                return
            super().handleContentChunk(data)

        def process(self):
            if self._body_refused:
                return None  # answered already; the application never runs
            return super().process()

        def _refuse(self) -> None:
            self._body_refused = True
            body = f"The body is larger than {self._body_limit} bytes.\n"
            transport = self.channel.transport
            transport.write(
                b"HTTP/1.1 413 Payload Too Large\r\n"
                b"Content-Type: text/plain; charset=utf-8\r\n"
                + f"Content-Length: {len(body)}\r\n".encode()
                + b"Connection: close\r\n\r\n"
                + body.encode()
            )
            transport.loseConnection()

    http_protocol.WebRequest = LimitedWebRequest
