"""ASGI entry point: HTTP and WebSockets in one daphne process."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.body_limit import guard_daphne  # noqa: E402
from config.client_ip import WebSocketClientAddress  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from shop.storefront.page_cache import PageCacheFront  # noqa: E402

guard_daphne()

application = ProtocolTypeRouter(
    {
        # Cached storefront pages are answered on the event loop, before Django.
        "http": PageCacheFront(django_asgi_app),
        "websocket": WebSocketClientAddress(
            AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            )
        ),
    }
)
