from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from shop import account_views
from shop import views as shop_views
from shop.views import shipments as shipment_views

urlpatterns = [
    path("healthz", shop_views.healthz, name="healthz"),
    path("market/", shop_views.market_switch, name="market_switch"),
    path("language/", shop_views.language_switch, name="language_switch"),
    path("admin/", admin.site.urls),
    path("live/", include("live.streaming.urls")),
    path(
        "webhooks/carriers/<slug:carrier>/",
        shipment_views.carrier_webhook,
        name="carrier_webhook",
    ),
]
urlpatterns += i18n_patterns(
    path("accounts/profile/", account_views.profile, name="account_profile"),
    path("accounts/", include("allauth.urls")),
    path("live/", include("live.urls")),
    path("", include("shop.urls")),
    prefix_default_language=True,
)
if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
