"""Each seeded market gets a support team: US shoppers expect an answer within
minutes, EU and the other markets accept a longer, more thorough one."""

from django.db import migrations

TARGETS = {"US": (10, 3), "DE": (240, 30), "FR": (240, 30), "ES": (240, 30)}
OTHER = (120, 15)


def seed(apps, schema_editor):
    Market = apps.get_model("shop", "Market")
    SupportTeam = apps.get_model("support", "SupportTeam")
    for market in Market.objects.all():
        minutes, alert = TARGETS.get(market.code, OTHER)
        SupportTeam.objects.get_or_create(
            market=market,
            defaults={"first_response_minutes": minutes, "alert_minutes": alert},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0003_conversations"),
        ("shop", "0002_seed_markets"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
