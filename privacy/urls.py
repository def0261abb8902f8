from django.urls import path

from privacy import consent_views as views

app_name = "privacy"

urlpatterns = [
    path("consent/", views.consent_update, name="consent_update"),
    path("consent/settings/", views.consent_settings, name="consent_settings"),
    path("do-not-sell/", views.do_not_sell, name="do_not_sell"),
    path("limit-sensitive/", views.limit_sensitive, name="limit_sensitive"),
    path("camera-consent/", views.biometric_consent, name="biometric_consent"),
    path("legal/<slug:kind>/", views.legal_page, name="legal_page"),
    path(
        "legal/<slug:kind>/v<int:number>/",
        views.legal_page_version,
        name="legal_page_version",
    ),
]
