from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from config.admin_login import admin_login
from config.media import media_serve
from shop.accounts import views as account_views
from shop.shipping import views as shipment_views
from shop.storefront import views as storefront_views

urlpatterns = [
    path("healthz", storefront_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links; the hashed static name is
    # looked up per request, once collectstatic has written the manifest.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"))),
    path("market/", storefront_views.market_switch, name="market_switch"),
    path("language/", storefront_views.language_switch, name="language_switch"),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("live/", include("live.streaming.urls")),
    path("privacy/catalog/", include("privacy.catalog_urls")),
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
    path("support/help/", include("support.help_urls")),
    path("support/", include("support.urls")),
    path("privacy/", include("privacy.urls")),
    path("", include("shop.urls")),
    prefix_default_language=True,
)
if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", media_serve),
    ]
