"""A random access key per order, which guests' signed links must carry.

Existing orders get a key each; links sent before it no longer open.
"""

import secrets

from django.db import migrations, models

import shop.orders.models


def access_keys_fill(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    for order in Order.objects.filter(access_key__isnull=True).only("pk").iterator():
        Order.objects.filter(pk=order.pk).update(access_key=secrets.token_urlsafe(24))


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0008_promotions"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="access_key",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(access_keys_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="order",
            name="access_key",
            field=models.CharField(
                default=shop.orders.models.order_access_key_new,
                editable=False,
                max_length=32,
            ),
        ),
    ]
