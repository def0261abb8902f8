"""The markets and tax rates the shop starts with; staff edit them in the admin."""

import datetime
from decimal import Decimal

from django.db import migrations
from modeltranslation.utils import build_localized_fieldname

MARKETS = [
    {
        "code": "US", "is_default": True, "countries": ["US"], "default_country": "US",
        "language": "en", "currency": "USD", "prices_include_tax": False,
        "shows_prior_price": False, "privacy_regimes": ["ccpa", "bipa", "tdpsa"],
        "data_region": "us", "measurement_system": "imperial",
        "timezone": "America/New_York", "hours": (9, 18), "tone_profile": "direct",
        "delivery": (3, 6),
        "names": {"en": "United States", "de": "Vereinigte Staaten", "fr": "États-Unis",
                  "es": "Estados Unidos", "pt-br": "Estados Unidos", "id": "Amerika Serikat"},
    },
    {
        "code": "DE", "countries": ["DE", "AT"], "default_country": "DE",
        "language": "de", "currency": "EUR", "prices_include_tax": True,
        "shows_prior_price": True, "privacy_regimes": ["gdpr"], "data_region": "eu",
        "measurement_system": "metric", "timezone": "Europe/Berlin", "hours": (8, 18),
        "tone_profile": "precise", "delivery": (1, 3),
        "names": {"en": "Germany & Austria", "de": "Deutschland & Österreich",
                  "fr": "Allemagne & Autriche", "es": "Alemania y Austria",
                  "pt-br": "Alemanha e Áustria", "id": "Jerman & Austria"},
    },
    {
        "code": "FR", "countries": ["FR", "BE", "LU"], "default_country": "FR",
        "language": "fr", "currency": "EUR", "prices_include_tax": True,
        "shows_prior_price": True, "privacy_regimes": ["gdpr"], "data_region": "eu",
        "measurement_system": "metric", "timezone": "Europe/Paris", "hours": (9, 18),
        "tone_profile": "aesthetic", "delivery": (2, 4),
        "names": {"en": "France & Benelux", "de": "Frankreich & Benelux",
                  "fr": "France & Benelux", "es": "Francia y Benelux",
                  "pt-br": "França e Benelux", "id": "Prancis & Benelux"},
    },
    {
        "code": "ES", "countries": ["ES"], "default_country": "ES",
        "language": "es", "currency": "EUR", "prices_include_tax": True,
        "shows_prior_price": True, "privacy_regimes": ["gdpr"], "data_region": "eu",
        "measurement_system": "metric", "timezone": "Europe/Madrid", "hours": (9, 19),
        "tone_profile": "warm", "delivery": (2, 5),
        "names": {"en": "Spain", "de": "Spanien", "fr": "Espagne", "es": "España",
                  "pt-br": "Espanha", "id": "Spanyol"},
    },
    {
        "code": "BR", "countries": ["BR"], "default_country": "BR",
        "language": "pt-br", "currency": "BRL", "prices_include_tax": True,
        "shows_prior_price": False, "privacy_regimes": ["lgpd"], "data_region": "sa",
        "measurement_system": "metric", "timezone": "America/Sao_Paulo", "hours": (9, 18),
        "tone_profile": "warm", "delivery": (5, 12),
        "names": {"en": "Brazil", "de": "Brasilien", "fr": "Brésil", "es": "Brasil",
                  "pt-br": "Brasil", "id": "Brasil"},
    },
    {
        "code": "ID", "countries": ["ID"], "default_country": "ID",
        "language": "id", "currency": "IDR", "prices_include_tax": True,
        "shows_prior_price": False, "privacy_regimes": ["pdp"], "data_region": "apac",
        "measurement_system": "metric", "timezone": "Asia/Jakarta", "hours": (8, 17),
        "tone_profile": "warm", "delivery": (3, 8),
        "names": {"en": "Indonesia", "de": "Indonesien", "fr": "Indonésie",
                  "es": "Indonesia", "pt-br": "Indonésia", "id": "Indonesia"},
    },
]

TAX_RATES = [
    ("DE", "", "MwSt.", "0.19"), ("AT", "", "USt.", "0.20"),
    ("FR", "", "TVA", "0.20"), ("BE", "", "TVA", "0.21"), ("LU", "", "TVA", "0.17"),
    ("ES", "", "IVA", "0.21"), ("BR", "", "ICMS", "0.18"), ("ID", "", "PPN", "0.11"),
    ("US", "", "Sales tax", "0"),
    ("US", "CA", "Sales tax", "0.0725"), ("US", "NY", "Sales tax", "0.04"),
    ("US", "TX", "Sales tax", "0.0625"), ("US", "IL", "Sales tax", "0.0625"),
    ("US", "FL", "Sales tax", "0.06"), ("US", "WA", "Sales tax", "0.065"),
]


def seed(apps, schema_editor):
    Market = apps.get_model("shop", "Market")
    TaxRate = apps.get_model("shop", "TaxRate")
    for data in MARKETS:
        data = dict(data)
        names = data.pop("names")
        opens, closes = data.pop("hours")
        days_min, days_max = data.pop("delivery")
        fields = {
            **data,
            "name": names["en"],
            **{build_localized_fieldname("name", lang): name for lang, name in names.items()},
            "support_opens": datetime.time(opens),
            "support_closes": datetime.time(closes),
            "support_weekdays": "01234",
            "delivery_days_min": days_min,
            "delivery_days_max": days_max,
        }
        Market.objects.update_or_create(code=data["code"], defaults=fields)
    for country, region, name, rate in TAX_RATES:
        TaxRate.objects.update_or_create(
            country=country, region=region, defaults={"name": name, "rate": Decimal(rate)}
        )


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
