"""Name the site Tradewind: account emails carry the site's name in their subject."""

from django.conf import settings
from django.db import migrations


def name_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"name": "Tradewind", "domain": "127.0.0.1:8000"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0003_product_search_indexes"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_site, migrations.RunPython.noop)]
