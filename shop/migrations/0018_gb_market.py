"""The United Kingdom market: pounds, prices with 20 % VAT, English. Its product
rules differ from the EU's: no GPSR safety block is asked for, and where a
category needs a conformity mark, UKCA or CE either one suffices (a requirement's
accepted kinds). Staff edit all of it in the admin.

Sold by the German company, as the EU markets are: goods of EU origin cross into
the UK free of duty, and UK VAT is charged at the sale (consignments up to
£135), so no duties are added at checkout.
"""

import datetime
from decimal import Decimal

from django.db import migrations
from modeltranslation.utils import build_localized_fieldname

NAMES = {
    "en": "United Kingdom",
    "de": "Vereinigtes Königreich",
    "fr": "Royaume-Uni",
    "es": "Reino Unido",
    "pt-br": "Reino Unido",
    "id": "Britania Raya",
}

MARKET = {
    "countries": ["GB"],
    "default_country": "GB",
    "language": "en",
    "currency": "GBP",
    "prices_include_tax": True,
    "shows_prior_price": False,
    "product_safety_required": False,
    "privacy_regimes": ["uk-gdpr"],
    # The UK's adequacy regulations let its shoppers' data stay in the EU.
    "data_region": "eu",
    "measurement_system": "metric",
    "timezone": "Europe/London",
    "support_opens": datetime.time(9),
    "support_closes": datetime.time(18),
    "support_weekdays": "01234",
    "tone_profile": "direct",
    "delivery_days_min": 2,
    "delivery_days_max": 4,
    "duties_mode": "none",
    "withdrawal_days": 14,
    "seller_name": "Tradewind GmbH",
    "seller_address": "Friedrichstraße 68\n10117 Berlin\nDeutschland",
    "seller_country": "DE",
    "seller_vat_id": "DE312345678",
}


def seed(apps, schema_editor):
    Market = apps.get_model("shop", "Market")
    TaxRate = apps.get_model("shop", "TaxRate")
    AccessibilityStatement = apps.get_model("shop", "AccessibilityStatement")
    names = {build_localized_fieldname("name", lang): n for lang, n in NAMES.items()}
    market, _created = Market.objects.get_or_create(
        code="GB", defaults={**MARKET, "name": NAMES["en"], **names}
    )
    TaxRate.objects.get_or_create(
        country="GB", region="", defaults={"name": "VAT", "rate": Decimal("0.20")}
    )
    AccessibilityStatement.objects.get_or_create(
        market=market,
        defaults={
            "contact": "accessibility@example.com",
            "enforcement_body": "Equality and Human Rights Commission (EHRC)",
            "reviewed_on": datetime.date(2026, 12, 1),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("shop", "0017_seed_compliance")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
