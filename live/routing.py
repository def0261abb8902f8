"""WebSocket routes of live shows."""

from django.urls import path

from live import consumers
from live.streaming import signaling

websocket_urlpatterns = [
    path("ws/live/<int:show_id>/", consumers.ShowConsumer.as_asgi()),
    path("ws/live/<int:show_id>/host/", consumers.HostConsumer.as_asgi()),
    path("ws/live/<int:show_id>/publish/", signaling.PublishConsumer.as_asgi()),
    path("ws/live/<int:show_id>/watch/", signaling.WatchConsumer.as_asgi()),
]
