from django.urls import path

from privacy import consent_views, views

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
    path("consent/", consent_views.consent_update, name="consent_update"),
    path("consent/settings/", consent_views.consent_settings, name="consent_settings"),
    path("do-not-sell/", consent_views.do_not_sell, name="do_not_sell"),
    path("limit-sensitive/", consent_views.limit_sensitive, name="limit_sensitive"),
    path("camera-consent/", consent_views.biometric_consent, name="biometric_consent"),
    path("legal/<slug:kind>/", consent_views.legal_page, name="legal_page"),
    path(
        "legal/<slug:kind>/v<int:number>/",
        consent_views.legal_page_version,
        name="legal_page_version",
    ),
]
