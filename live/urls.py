from django.urls import path

from live import views
from live.streaming import views as streaming_views

app_name = "live"

urlpatterns = [
    path("", views.show_list, name="list"),
    path("<int:pk>/", views.show_detail, name="show"),
    path("<int:pk>/pinned/", views.show_pinned, name="pinned"),
    path("<int:pk>/offer/", views.show_offer, name="offer"),
    path("<int:pk>/remind/", views.show_remind, name="remind"),
    path("<int:pk>/studio/", views.studio, name="studio"),
    path("<int:pk>/studio/start/", views.studio_start, name="start"),
    path("<int:pk>/studio/end/", views.studio_end, name="end"),
    path("<int:pk>/studio/pin/", views.studio_pin, name="pin"),
    path("<int:pk>/studio/unpin/", views.studio_unpin, name="unpin"),
    path("<int:pk>/studio/deal/", views.studio_deal_start, name="deal_start"),
    path("<int:pk>/studio/deal/end/", views.studio_deal_end, name="deal_end"),
    path(
        "<int:pk>/studio/stream-key/",
        streaming_views.stream_key_new,
        name="stream_key",
    ),
]
