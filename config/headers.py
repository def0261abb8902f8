"""Security headers on every response: a Content-Security-Policy with no inline
scripts, and a Permissions-Policy that grants camera and microphone only to the pages
that capture them (the host's studio, 1:1 calls).

The shop's pages load scripts as files from this origin (`static/js/`, ES modules), so
`script-src 'self'` holds without nonces. The Django admin ships inline styles, so its
pages alone allow them.
"""

import re
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
_ADMIN_CSP = {**_CSP, "style-src": "'self' 'unsafe-inline'"}

_NO_CAPTURE = "camera=(), microphone=(), display-capture=(), geolocation=(), payment=()"
_CAPTURE = (
    "camera=(self), microphone=(self), display-capture=(self), geolocation=(), "
    "payment=()"
)


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


@cache
def _capture_pages() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in settings.MEDIA_CAPTURE_PAGES))


def security_headers_for(path: str) -> dict[str, str]:
    """The Content-Security-Policy and Permissions-Policy a response to `path` gets."""
    admin = path.startswith("/admin/")
    capture = bool(settings.MEDIA_CAPTURE_PAGES) and _capture_pages().match(path)
    return {
        "Content-Security-Policy": _policy(_ADMIN_CSP if admin else _CSP),
        "Permissions-Policy": _CAPTURE if capture else _NO_CAPTURE,
    }


class SecurityHeadersMiddleware:
    """Add the headers unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in security_headers_for(request.path_info).items():
            response.headers.setdefault(name, value)
        return response
