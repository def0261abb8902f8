"""Withdrawal periods, import duties and invoice seller details for the seeded markets.

Staff edit all of these in the admin; these are the values the shop starts with.
"""

from decimal import Decimal

from django.db import migrations

EU_SELLER = {
    "seller_name": "Tradewind GmbH",
    "seller_address": "Friedrichstraße 68\n10117 Berlin\nDeutschland",
    "seller_tax_id": "DE312345678",
}

SETTINGS = {
    "US": {
        "duties_mode": "dap",
        "seller_name": "Tradewind Inc.",
        "seller_address": "500 Market Street\nSan Francisco, CA 94105\nUSA",
        "seller_tax_id": "EIN 88-1234567",
    },
    "DE": {"duties_mode": "none", "withdrawal_days": 14, **EU_SELLER},
    "FR": {"duties_mode": "none", "withdrawal_days": 14, **EU_SELLER},
    "ES": {"duties_mode": "none", "withdrawal_days": 14, **EU_SELLER},
    "BR": {
        "duties_mode": "dap",
        "seller_name": "Tradewind GmbH",
        "seller_address": EU_SELLER["seller_address"],
        "seller_tax_id": EU_SELLER["seller_tax_id"],
    },
    "ID": {
        "duties_mode": "ddp",
        "duty_rate": Decimal("0.075"),
        "duty_free_threshold": Decimal("50000"),
        "seller_name": "Tradewind GmbH",
        "seller_address": EU_SELLER["seller_address"],
        "seller_tax_id": EU_SELLER["seller_tax_id"],
    },
}


def configure(apps, schema_editor):
    Market = apps.get_model("shop", "Market")
    for code, fields in SETTINGS.items():
        Market.objects.filter(code=code).update(**fields)


class Migration(migrations.Migration):
    dependencies = [("shop", "0005_commerce")]

    operations = [migrations.RunPython(configure, migrations.RunPython.noop)]
