"""A django-oscar sandbox for the storefront benchmark, installed at run time.

`oscar_sandbox_prepare()` makes a virtualenv outside the repository (django-oscar
from PyPI, gunicorn), writes a minimal Oscar project beside it, creates its own
PostgreSQL database and fills it with the same categories and products (one stock
record and price each) that the Tradewind benchmark database holds. Nothing of
Oscar's is kept in this repository.
"""

import json
import subprocess
import sys
from pathlib import Path

OSCAR_REQUIREMENTS = [
    "django-oscar[sorl-thumbnail]==4.2.1",
    "gunicorn==27.0.1",
    "psycopg[binary]==3.3.9",
    "redis==8.1.0",
]

SETTINGS = """
import os

from oscar import INSTALLED_APPS as OSCAR_APPS
from oscar.defaults import *  # noqa: F403 (Oscar's documented setup)

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [*OSCAR_APPS, "sorl.thumbnail"]
SITE_ID = 1
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]
ROOT_URLCONF = "oscar_bench.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["OSCAR_DB_NAME"],
        "USER": os.environ.get("OSCAR_DB_USER", "postgres"),
        "HOST": os.environ.get("OSCAR_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("OSCAR_DB_PORT", "5432"),
        "CONN_MAX_AGE": 60,
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["OSCAR_REDIS_URL"],
        "KEY_PREFIX": "oscar-bench",
    }
}
AUTHENTICATION_BACKENDS = (
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)
HAYSTACK_CONNECTIONS = {
    "default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}
}
LANGUAGE_CODE = "en-gb"
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = os.path.join(os.path.dirname(__file__), "media")
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
OSCAR_DEFAULT_CURRENCY = "USD"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING"},
}
"""

URLS = """
from django.apps import apps
from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]
"""

POPULATE = """
import json
import sys
from decimal import Decimal

import django

django.setup()

from oscar.apps.catalogue.categories import create_from_breadcrumbs  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

catalog = json.load(open(sys.argv[1]))
goods = ProductClass.objects.create(name="Goods", requires_shipping=True)
partner = Partner.objects.create(name="Bench partner")
categories = {}
for trail in catalog["categories"]:
    categories[" > ".join(trail)] = create_from_breadcrumbs(" > ".join(trail))
first = None
for index, item in enumerate(catalog["products"]):
    product = Product.objects.create(
        title=item["title"],
        description=item["description"],
        product_class=goods,
        structure="standalone",
    )
    ProductCategory.objects.create(
        product=product, category=categories[" > ".join(item["category"])]
    )
    StockRecord.objects.create(
        product=product,
        partner=partner,
        partner_sku=f"BENCH-{index}",
        price=Decimal(item["price"]),
        num_in_stock=10,
    )
    if item["slug"] == catalog["measured_product"]:
        first = product
root = categories[" > ".join(catalog["measured_category"])]
urls = {"product": first.get_absolute_url(), "category": root.get_absolute_url()}
print(json.dumps(urls))
"""


def _venv_python(directory: Path) -> Path:
    return directory / "venv" / "bin" / "python"


def oscar_install(directory: Path) -> Path:
    """django-oscar and gunicorn in a virtualenv of their own, once."""
    marker = directory / "venv" / ".installed"
    wanted = "\n".join(OSCAR_REQUIREMENTS)
    if not marker.exists() or marker.read_text() != wanted:
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "venv", str(directory / "venv")], check=True
        )
        subprocess.run(
            [str(_venv_python(directory)), "-m", "pip", "install", "--quiet",
             *OSCAR_REQUIREMENTS],
            check=True,
        )  # fmt: skip
        marker.write_text(wanted)
    project = directory / "oscar_bench"
    project.mkdir(exist_ok=True)
    (project / "__init__.py").write_text("")
    (project / "settings.py").write_text(SETTINGS)
    (project / "urls.py").write_text(URLS)
    (project / "wsgi_app.py").write_text(
        "from django.core.wsgi import get_wsgi_application\n"
        "application = get_wsgi_application()\n"
    )
    (directory / "populate.py").write_text(POPULATE)
    return _venv_python(directory)


def oscar_sandbox_prepare(
    *, directory: Path, env: dict[str, str], pg: str, catalog: dict
) -> dict[str, str]:
    """Install Oscar, make its database with `catalog`; the URLs to measure."""
    python = oscar_install(directory)
    name = env["OSCAR_DB_NAME"]
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", f"{pg}/postgres", "-q", "-c", sql], check=True)
    subprocess.run(
        [str(python), "-m", "django", "migrate", "--no-input", "-v0"],
        cwd=directory,
        env=env,
        check=True,
    )
    catalog_file = directory / "catalog.json"
    catalog_file.write_text(json.dumps(catalog))
    populated = subprocess.run(
        [str(python), "populate.py", str(catalog_file)],
        cwd=directory,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(populated.stdout.strip().splitlines()[-1])
