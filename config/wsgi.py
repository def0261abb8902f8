"""WSGI entry point: the HTTP pages tier (gunicorn) in production.

Django's sync views run here without the thread hop an ASGI server needs for each
request; WebSockets, signaling and WHIP/WHEP stay on daphne (`config.asgi`), and the
proxy splits the paths between the two (docs/operations.md). Cached storefront pages
are answered before Django's handler (`shop.storefront.page_cache`).
"""

import os
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_wsgi_app = get_wsgi_application()

from shop.storefront.page_cache import PageCacheFrontWSGI  # noqa: E402

# WHIP/WHEP sessions live in a daphne process's event loop and media relay.
ASGI_ONLY_PATHS = re.compile(r"^/live/\d+/wh[ie]p(/|$)")
MISDIRECTED = b"WHIP and WHEP are served by the sockets tier (daphne).\n"


class SocketsTierPaths:
    """421 for the paths only the sockets tier can serve: a proxy that sends them
    here is misconfigured, and a session started in a WSGI worker would die with the
    request."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response) -> Iterable[bytes]:
        if ASGI_ONLY_PATHS.match(environ.get("PATH_INFO", "")):
            start_response(
                "421 Misdirected Request",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(MISDIRECTED))),
                ],
            )
            return [MISDIRECTED]
        return self.app(environ, start_response)


application = SocketsTierPaths(PageCacheFrontWSGI(django_wsgi_app))
