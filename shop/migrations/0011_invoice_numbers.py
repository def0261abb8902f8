"""Invoices get their own gapless number, apart from order numbers; paid orders
already in the shop are numbered in the order they were paid."""

from django.db import migrations, models


def invoice_numbers_backfill(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    InvoiceSequence = apps.get_model("shop", "InvoiceSequence")
    number = 0
    paid = Order.objects.filter(paid_at__isnull=False).order_by("paid_at", "id")
    for order in paid.only("pk").iterator():
        number += 1
        Order.objects.filter(pk=order.pk).update(invoice_number=number)
    InvoiceSequence.objects.update_or_create(pk=1, defaults={"last_number": number})


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0010_order_line_net_gross"),
    ]

    operations = [
        migrations.CreateModel(
            name="InvoiceSequence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("last_number", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "invoice sequence",
                "verbose_name_plural": "invoice sequences",
            },
        ),
        migrations.AddField(
            model_name="order",
            name="invoice_number",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                null=True,
                unique=True,
                verbose_name="invoice number",
            ),
        ),
        migrations.RunPython(invoice_numbers_backfill, migrations.RunPython.noop),
    ]
