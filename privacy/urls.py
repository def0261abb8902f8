from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("requests/confirm/<str:token>/", views.guest_confirm, name="guest_confirm"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/status.json", views.request_status, name="request_status"),
    path(
        "requests/<int:pk>/download/",
        views.request_download,
        name="request_download",
    ),
]
