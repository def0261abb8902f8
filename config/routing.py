"""WebSocket routes of every app, gathered in one list."""

import live.routing
import support.routing

websocket_urlpatterns: list = []
websocket_urlpatterns += live.routing.websocket_urlpatterns
websocket_urlpatterns += support.routing.websocket_urlpatterns
