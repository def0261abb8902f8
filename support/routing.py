"""WebSocket routes of support."""

from django.urls import path

from support import consumers

websocket_urlpatterns = [
    path("ws/support/inbox/", consumers.InboxConsumer.as_asgi()),
    path("ws/support/<int:conversation_id>/", consumers.ConversationConsumer.as_asgi()),
]
