"""WHIP and WHEP endpoints: outside the language prefix, for encoders and players."""

from django.urls import path

from live.streaming import whip

app_name = "live_media"

urlpatterns = [
    path("<int:pk>/whip", whip.whip_endpoint, name="whip"),
    path("<int:pk>/whip/<str:session_id>", whip.whip_session, name="whip_session"),
    path("<int:pk>/whep", whip.whep_endpoint, name="whep"),
    path("<int:pk>/whep/<str:session_id>", whip.whep_session, name="whep_session"),
]
