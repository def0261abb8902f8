"""The United Kingdom market gets a support team with the EU markets' targets."""

from django.db import migrations


def seed(apps, schema_editor):
    Market = apps.get_model("shop", "Market")
    SupportTeam = apps.get_model("support", "SupportTeam")
    for market in Market.objects.filter(code="GB"):
        SupportTeam.objects.get_or_create(
            market=market,
            defaults={"first_response_minutes": 240, "alert_minutes": 30},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0005_conversation_contact_email"),
        ("shop", "0018_gb_market"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
