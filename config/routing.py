"""WebSocket routes of every app, gathered in one list."""

import live.routing

websocket_urlpatterns: list = []
websocket_urlpatterns += live.routing.websocket_urlpatterns
