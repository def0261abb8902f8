from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.support_page, name="page"),
    path("api/messages", views.api_messages, name="api_messages"),
    path("api/conversation", views.api_conversation, name="api_conversation"),
    path("inbox/", views.inbox, name="inbox"),
    path(
        "inbox/<int:conversation_id>/",
        views.inbox_conversation,
        name="inbox_conversation",
    ),
    path(
        "inbox/<int:conversation_id>/assign/",
        views.inbox_assign,
        name="inbox_assign",
    ),
    path("<int:conversation_id>/call/", views.call_page, name="call"),
]
