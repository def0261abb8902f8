"""Tradewind settings: one module, driven by environment variables.

With nothing set, the shop runs on the embedded default (SQLite, in-memory channel
layer, eager Celery, local-memory cache). Production and CI set DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

import json
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DEBUG", True)
# Published in this repository: anyone can sign links with it, so production refuses it.
DEVELOPMENT_SECRET_KEY = "embedded-default-insecure-key-for-local-use-only"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY):
    raise RuntimeError(
        "SECRET_KEY must be set, to a key of your own, when DEBUG is off."
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The shop's public origin: absolute links in pages (hreflang, canonical) and emails
# are built from it, never from the request's Host header, which a client chooses
# and a cached page would hand on to every later visitor.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "modeltranslation",  # before admin, so translated fields get their tabs
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "channels",
    "allauth",
    "allauth.account",
    "shop",
    "live",
    "support",
    "privacy",
]

MIDDLEWARE = [
    "config.client_ip.ClientAddressMiddleware",
    "config.body_limit.RequestBodyLimitMiddleware",
    "config.nul_bytes.NulByteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.ShopLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shop.markets.middleware.MarketMiddleware",
    # Right after the market: residency redirects before anything is stored.
    "privacy.middleware.ResidencyMiddleware",
    "privacy.middleware.ConsentMiddleware",
    "privacy.middleware.CameraConsentMiddleware",
    "privacy.middleware.AdminAccessAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.django_wsgi_app"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.storefront.context_processors.storefront",
            ],
            # The shop's tag libraries live in shop/storefront/templatetags/.
            "libraries": {
                "commerce_tags": "shop.storefront.templatetags.commerce_tags",
                "shop_tags": "shop.storefront.templatetags.shop_tags",
            },
        },
    },
]

# --- Database --------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# daphne runs views in threads that come and go, so persistent connections pile up
# (one per thread); a connection pool per process bounds them instead.
DB_POOL_MAX_SIZE = int(os.environ.get("DB_POOL_MAX_SIZE", "0"))
if DB_POOL_MAX_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DB_POOL_MAX_SIZE),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "shop.User"

# --- Redis: cache, channel layer, Celery broker ----------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "tw"),
        }
    }
    # The pub/sub layer publishes a group message once, whatever the group's size;
    # the core layer writes one copy per member, which does not scale to big shows.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Periodic work (celery beat); each app adds its entries here.
CELERY_BEAT_SCHEDULE = {
    "shipment-anomalies-check": {
        "task": "shop.shipping.tasks.shipment_anomalies_check_task",
        "schedule": crontab(minute=15),
    },
    "carrier-webhook-deliveries-purge": {
        "task": "shop.shipping.tasks.carrier_webhook_deliveries_purge_task",
        "schedule": crontab(hour=3, minute=40),
    },
    "certificates-expiry-warn": {
        "task": "shop.compliance.tasks.certificates_expiry_warn_task",
        "schedule": crontab(hour=0, minute=5),
    },
    "reviews-unscored-score": {
        "task": "shop.reviews.tasks.reviews_unscored_score",
        "schedule": crontab(minute="*/10"),
    },
    "assistant-product-vectors-refresh": {
        "task": "support.tasks.product_vectors_refresh_task",
        "schedule": crontab(minute="*/15"),
    },
    "privacy-deadlines-alert": {
        "task": "privacy.tasks.privacy_deadlines_alert_task",
        "schedule": crontab(hour=7, minute=5),
    },
    "privacy-legal-holds-purge": {
        "task": "privacy.tasks.privacy_legal_holds_purge_task",
        "schedule": crontab(hour=3, minute=55),
    },
    "privacy-exports-expire": {
        "task": "privacy.tasks.privacy_exports_expire_task",
        "schedule": crontab(minute=35),
    },
}

# The shopping assistant may phrase its answers through a language model at an
# OpenAI-compatible endpoint; off when the URL is empty (the built-in answers stand).
ASSISTANT_LLM_URL = os.environ.get("ASSISTANT_LLM_URL", "")
ASSISTANT_LLM_MODEL = os.environ.get("ASSISTANT_LLM_MODEL", "")
ASSISTANT_LLM_API_KEY = os.environ.get("ASSISTANT_LLM_API_KEY", "")

# Anonymous storefront pages are cached per market and language; 0 turns it off.
STOREFRONT_CACHE_SECONDS = int(os.environ.get("STOREFRONT_CACHE_SECONDS", "600"))
# The page cache's front (answering hits before Django) leaves to Django the
# requests whose page depends on these cookies or headers: the visitor's consent and
# the Global Privacy Control signal, which the privacy app reads and records. Django's
# side names the consent variant of a visitor without them "ask" (banner shown).
PAGE_CACHE_FRONT_SKIP_COOKIES = ("tw_consent",)
PAGE_CACHE_FRONT_SKIP_HEADERS = ("sec-gpc",)
PAGE_CACHE_FRONT_VARIANT = "ask"
# Product cards, facets and product data kept per catalog version (shop.catalog.
# fragments), for every visitor; 0 turns them off.
CATALOG_FRAGMENT_SECONDS = int(os.environ.get("CATALOG_FRAGMENT_SECONDS", "600"))

# --- Auth and accounts -----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "shop:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Failed logins: 5 per account (key) and 50 per IP address in 5 minutes. The per-IP
# limit is ten times higher, so one guessing client cannot lock out everyone behind
# the same office or carrier-grade NAT address; docs/security.md lists every limit.
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("LOGIN_FAILED_RATE", "5/5m/key,50/5m/ip"),
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "shop.accounts.adapters.AccountAdapter"

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "en"
# Shoppers browse in these; every one has translated catalog fields and a .po file.
SHOPPER_LANGUAGES = ("en", "de", "fr", "es", "pt-br", "id")
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt-br", _("Brazilian Portuguese")),
    ("id", _("Indonesian")),
    ("zh-hans", _("Simplified Chinese")),  # staff only: the admin
]
MODELTRANSLATION_LANGUAGES = SHOPPER_LANGUAGES
# The admin's translation tabs use our own small tabs plugin: no CDN for staff.
JQUERY_UI_URL = "admin_tabs/tabs.js"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",), "pt-br": ("es", "en")}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email -----------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
if not DEBUG and EMAIL_BACKEND.endswith("console.EmailBackend"):
    # Password-reset and guest-order links would land in the logs, not with shoppers.
    raise RuntimeError("Set EMAIL_HOST (SMTP) or EMAIL_BACKEND when DEBUG is off.")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tradewind <shop@localhost>")

# --- Payments --------------------------------------------------------------------
# A dotted path to a class implementing shop.orders.payments.base.PaymentProvider; the
# offline provider takes test card numbers only and never leaves the machine.
PAYMENT_PROVIDER = os.environ.get(
    "PAYMENT_PROVIDER", "shop.orders.payments.offline.OfflineTestProvider"
)

# --- Shipments -------------------------------------------------------------------
# Carrier webhook secrets as JSON, per carrier slug: {"dhl": "…"}; a list such as
# {"dhl": ["new", "old"]} accepts both while a secret is being rotated.
CARRIER_WEBHOOK_SECRETS = json.loads(os.environ.get("CARRIER_WEBHOOK_SECRETS", "{}"))
CARRIER_WEBHOOK_TOLERANCE_SECONDS = 300  # older signatures are replays
CARRIER_WEBHOOK_MAX_BYTES = 64 * 1024
CARRIER_WEBHOOK_DELIVERY_DAYS = 30  # how long delivery IDs are remembered
SHIPMENT_NO_SCAN_DAYS = int(os.environ.get("SHIPMENT_NO_SCAN_DAYS", "3"))
SHIPMENT_CUSTOMS_DAYS = int(os.environ.get("SHIPMENT_CUSTOMS_DAYS", "2"))
# Who hears of shipment anomalies; empty: every active staff account.
STAFF_ALERT_EMAILS = env_list("STAFF_ALERT_EMAILS", "")

# --- Reviews ---------------------------------------------------------------------
# This many negative reviews of one product within the window alert staff (by
# STAFF_ALERT_EMAILS, or every active staff account).
REVIEW_BURST_NEGATIVE_COUNT = int(os.environ.get("REVIEW_BURST_NEGATIVE_COUNT", "3"))
REVIEW_BURST_WINDOW_MINUTES = int(os.environ.get("REVIEW_BURST_WINDOW_MINUTES", "60"))

# --- Privacy ---------------------------------------------------------------------
# Years the seller must keep invoices and tax records, per market code ("*": any
# other market), from the payment date: erased shoppers' invoices are minimized and
# held that long, then purged (privacy.tasks). Confirm the figures with counsel.
PRIVACY_RECORD_RETENTION_YEARS = json.loads(
    os.environ.get(
        "PRIVACY_RECORD_RETENTION_YEARS",
        '{"*": 10, "DE": 10, "FR": 10, "ES": 6, "US": 7, "BR": 5, "ID": 10}',
    )
)
# Years a data-subject request is kept as proof of the answer (digest, not email).
PRIVACY_REQUEST_RETENTION_YEARS = int(
    os.environ.get("PRIVACY_REQUEST_RETENTION_YEARS", "3")
)
# Days an export can be downloaded; days before a deadline that count as near.
PRIVACY_EXPORT_DAYS = int(os.environ.get("PRIVACY_EXPORT_DAYS", "7"))
PRIVACY_NEAR_DUE_DAYS = int(os.environ.get("PRIVACY_NEAR_DUE_DAYS", "7"))
# Who hears of near-due and overdue requests; empty: users with the
# privacy.change_datasubjectrequest permission (superusers included).
PRIVACY_ALERT_EMAILS = env_list("PRIVACY_ALERT_EMAILS", "")
# How long an emailed link proving a guest's address stays valid.
PRIVACY_GUEST_LINK_SECONDS = int(os.environ.get("PRIVACY_GUEST_LINK_SECONDS", "86400"))

# --- Live chat -------------------------------------------------------------------
# Comments and reactions leave for viewers in one batch per show per tick: a longer
# tick means fewer websocket frames (the cost that grows with the audience) and a
# longer wait before a comment shows.
LIVE_TICK_SECONDS = float(os.environ.get("LIVE_TICK_SECONDS", "0.1"))
# Suggested answers to viewers' product questions in the studio: the engine, by
# dotted path so that live never imports support (empty: off), and how long a
# comment's suggestion may take before it is given up on.
LIVE_COMMENT_SUGGESTER = os.environ.get(
    "LIVE_COMMENT_SUGGESTER", "support.assistant.live.live_comment_suggest"
)
LIVE_COMMENT_SUGGEST_SECONDS = float(
    os.environ.get("LIVE_COMMENT_SUGGEST_SECONDS", "5")
)

# --- Live video ------------------------------------------------------------------
# Each daphne process relays the shows published to it (live.streaming.sessions).
LIVE_MAX_VIEWERS_PER_PROCESS = int(
    os.environ.get("LIVE_MAX_VIEWERS_PER_PROCESS", "150")
)
# Viewer slots per client, so that one client cannot take them all (live.streaming.
# sessions): per IP address (as config.client_ip resolves it), per account or
# browser session, and the share of the process's slots kept for signed-in shoppers.
LIVE_MAX_VIEWERS_PER_ADDRESS = int(os.environ.get("LIVE_MAX_VIEWERS_PER_ADDRESS", "10"))
LIVE_MAX_VIEWERS_PER_CLIENT = int(os.environ.get("LIVE_MAX_VIEWERS_PER_CLIENT", "3"))
LIVE_VIEWER_SLOTS_SIGNED_IN_SHARE = float(
    os.environ.get("LIVE_VIEWER_SLOTS_SIGNED_IN_SHARE", "0.2")
)
LIVE_MAX_SDP_BYTES = 32 * 1024
LIVE_NEGOTIATION_TIMEOUT_SECONDS = 10.0
LIVE_CONNECT_TIMEOUT_SECONDS = 20.0
LIVE_RECORDING = env_bool("LIVE_RECORDING", True)
# The video codec asked of publishers first; the other supported one is the fallback.
LIVE_VIDEO_CODEC = os.environ.get("LIVE_VIDEO_CODEC", "video/VP8")
# STUN/TURN URLs for the server and the browsers, when they are not reachable directly.
LIVE_ICE_SERVERS = env_list("LIVE_ICE_SERVERS", "")

# --- Privacy: consent, residency, catalog publishing ------------------------------
# Scripts of a consent category, rendered only once the visitor grants it.
CONSENT_CATEGORY_SCRIPTS = [("analytics", "js/analytics.js")]
# The data region this deployment serves (eu, us, sa, apac); blank serves every
# region, as the embedded default does. Shoppers of another region's market are
# redirected to DATA_REGION_URLS[region] before anything of theirs is stored.
DATA_REGION = os.environ.get("DATA_REGION", "")
DATA_REGION_URLS: dict[str, str] = json.loads(os.environ.get("DATA_REGION_URLS", "{}"))
# Where each region's deployment stores its data, for the privacy notice.
DATA_REGION_LOCATIONS: dict[str, str] = json.loads(
    os.environ.get(
        "DATA_REGION_LOCATIONS",
        '{"eu": "Frankfurt am Main, Germany", "us": "Ashburn, Virginia, USA", '
        '"sa": "S\u00e3o Paulo, Brazil", "apac": "Singapore"}',
    )
)
# Paths that hold no shopper's personal data, served whatever the market.
DATA_REGION_EXEMPT_PATHS = (
    "/admin/",
    "/static/",
    "/media/",
    "/healthz",
    "/market/",
    "/language/",
    "/privacy/catalog/",
    "/favicon.ico",
)
# Catalog publishing between deployments: a shared secret signs each import.
CATALOG_PUBLISH_SECRET = os.environ.get("CATALOG_PUBLISH_SECRET", "")
CATALOG_PUBLISH_TOKEN_MAX_AGE = 300

# --- Security (production) -------------------------------------------------------
# How many proxies of ours stand in front of the servers; each appends the address it
# saw to X-Forwarded-For, so the client is that many entries from the right. 0: no
# proxy, the header is ignored (config.client_ip). Never run daphne --proxy-headers.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Pages that may use the camera and microphone (Permissions-Policy); every other page
# is refused them (config.headers).
MEDIA_CAPTURE_PAGES = [
    r"^/[a-z-]+/live/\d+/studio/$",
    r"^/[a-z-]+/support/[^/]+/call/",
    r"^/[a-z-]+/support/$",  # speech recognition on the support page
]
# Request bodies: the first matching path prefix sets the limit (config.body_limit).
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", str(1 << 20)))
REQUEST_BODY_LIMITS = [
    ("/webhooks/carriers/", CARRIER_WEBHOOK_MAX_BYTES),
    ("/live/", LIVE_MAX_SDP_BYTES),
    ("/admin/", int(os.environ.get("ADMIN_BODY_MAX_BYTES", str(20 << 20)))),
    (
        "/privacy/catalog/",
        int(os.environ.get("CATALOG_IMPORT_MAX_BYTES", str(64 << 20))),
    ),
]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Guest-order tokens are redacted (config.log_redaction) in every record that reaches
# our handlers, and at the loggers that write request lines: Django's request errors,
# runserver, daphne and gunicorn's access log (when gunicorn logs through Django's
# configuration; see docs/security.md).
_REDACTED_LOGGER = {"filters": ["guest_order_tokens"], "handlers": ["console"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "guest_order_tokens": {"()": "config.log_redaction.GuestOrderTokenFilter"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["guest_order_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "daphne": {**_REDACTED_LOGGER, "level": "WARNING", "propagate": False},
        "django.request": {"filters": ["guest_order_tokens"]},
        "django.server": {**_REDACTED_LOGGER, "propagate": False},
        "gunicorn.access": {**_REDACTED_LOGGER, "propagate": False},
        "gunicorn.error": {**_REDACTED_LOGGER, "propagate": False},
    },
}

# --- Support ---------------------------------------------------------------------
# First-response target for a market without a support team row (minutes).
SUPPORT_FIRST_RESPONSE_MINUTES = int(
    os.environ.get("SUPPORT_FIRST_RESPONSE_MINUTES", "60")
)
# Chat messages a shopper may send per window (per conversation), and frames per
# socket per window (signaling included).
SUPPORT_MESSAGES_PER_WINDOW = int(os.environ.get("SUPPORT_MESSAGES_PER_WINDOW", "8"))
SUPPORT_MESSAGE_WINDOW_SECONDS = 20
SUPPORT_FRAMES_PER_WINDOW = 40
# An assistant conversation idle this long counts as resolved by the assistant
# (assumed); a shopper who writes again within a day reopens it.
SUPPORT_IDLE_CLOSE_MINUTES = int(os.environ.get("SUPPORT_IDLE_CLOSE_MINUTES", "30"))
SUPPORT_REOPEN_HOURS = 24
CELERY_BEAT_SCHEDULE["support-first-response-alerts"] = {
    "task": "support.tasks.first_response_alerts_task",
    "schedule": crontab(minute="*"),
}
CELERY_BEAT_SCHEDULE["support-idle-conversations-close"] = {
    "task": "support.tasks.conversations_idle_close_task",
    "schedule": crontab(minute="*/5"),
}
