"""A seller's VAT ID and national tax number are different numbers, named by the
country the seller is registered in. `seller_tax_id` keeps the tax number; the
seeded markets' one "tax ID" was a German VAT ID (Tradewind GmbH) or a US EIN
(Tradewind Inc.)."""

import re

import django.core.validators
from django.db import migrations, models

# An EU VAT identification number: its country's code, then 8 to 12 characters.
EU_VAT_ID = re.compile(r"[A-Z]{2}[0-9A-Z+*]{8,12}")


def split_tax_ids(apps, schema_editor):
    Market = apps.get_model("shop", "Market")
    for market in Market.objects.exclude(seller_tax_id=""):
        number = market.seller_tax_id
        if number.startswith("EIN "):
            market.seller_country = "US"
            market.seller_tax_id = number.removeprefix("EIN ")
        elif EU_VAT_ID.fullmatch(number):
            market.seller_country = number[:2].upper()
            market.seller_vat_id = number
            market.seller_tax_id = ""
        else:
            continue
        market.save(
            update_fields=["seller_country", "seller_vat_id", "seller_tax_id"]
        )


def join_tax_ids(apps, schema_editor):
    Market = apps.get_model("shop", "Market")
    for market in Market.objects.all():
        if market.seller_vat_id:
            market.seller_tax_id = market.seller_vat_id
        elif market.seller_country == "US" and market.seller_tax_id:
            market.seller_tax_id = f"EIN {market.seller_tax_id}"
        market.save(update_fields=["seller_tax_id"])


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_tracking_event_sequence")]

    operations = [
        migrations.AlterField(
            model_name="market",
            name="seller_tax_id",
            field=models.CharField(
                blank=True,
                help_text="The national tax number (Steuernummer, EIN, CNPJ, NPWP).",
                max_length=40,
                verbose_name="seller tax number",
            ),
        ),
        migrations.AddField(
            model_name="market",
            name="seller_country",
            field=models.CharField(
                blank=True,
                help_text="Where the seller is registered: it names its tax IDs.",
                max_length=2,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{2}$",
                        "Use a two-letter ISO 3166 country code, e.g. DE.",
                    )
                ],
                verbose_name="seller country",
            ),
        ),
        migrations.AddField(
            model_name="market",
            name="seller_vat_id",
            field=models.CharField(
                blank=True,
                help_text="The VAT identification number, e.g. DE312345678.",
                max_length=40,
                verbose_name="seller VAT ID",
            ),
        ),
        migrations.RunPython(split_tax_ids, join_tax_ids),
    ]
