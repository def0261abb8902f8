"""Order lines store net and gross amounts side by side instead of one amount whose
meaning depended on the order's `prices_include_tax`."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models

CENT = Decimal("0.01")


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def amounts_split(apps, schema_editor):
    """Fill net and gross from the old amounts, as order placement now stores them:
    the line's net + tax is its gross exactly; unit amounts are rounded alone."""
    OrderLine = apps.get_model("shop", "OrderLine")
    lines = OrderLine.objects.select_related("order").order_by("pk")
    batch = []
    for line in lines.iterator(chunk_size=500):
        rate, tax = line.tax_rate, line.tax_amount
        if line.order.prices_include_tax:
            line.unit_gross_amount = line.unit_amount
            line.unit_net_amount = _round(line.unit_amount / (1 + rate))
            line.line_gross_amount = line.line_amount
            line.line_net_amount = line.line_amount - tax
        else:
            line.unit_net_amount = line.unit_amount
            line.unit_gross_amount = _round(line.unit_amount * (1 + rate))
            line.line_net_amount = line.line_amount
            line.line_gross_amount = line.line_amount + tax
        batch.append(line)
        if len(batch) == 500:
            _save(OrderLine, batch)
            batch = []
    _save(OrderLine, batch)


def amounts_join(apps, schema_editor):
    """Back to one amount per line: gross where the order's prices include tax."""
    OrderLine = apps.get_model("shop", "OrderLine")
    batch = []
    for line in OrderLine.objects.select_related("order").iterator(chunk_size=500):
        gross = line.order.prices_include_tax
        line.unit_amount = line.unit_gross_amount if gross else line.unit_net_amount
        line.line_amount = line.line_gross_amount if gross else line.line_net_amount
        batch.append(line)
    OrderLine.objects.bulk_update(batch, ["unit_amount", "line_amount"], batch_size=500)


def _save(model, lines) -> None:
    model.objects.bulk_update(
        lines,
        [
            "unit_net_amount",
            "unit_gross_amount",
            "line_net_amount",
            "line_gross_amount",
        ],
    )


def _amount(label: str, null: bool) -> models.DecimalField:
    return models.DecimalField(
        decimal_places=2, max_digits=12, null=null, verbose_name=label
    )


FIELDS = (
    ("unit_net_amount", "unit price, net"),
    ("unit_gross_amount", "unit price, gross"),
    ("line_net_amount", "amount, net"),
    ("line_gross_amount", "amount, gross"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0009_order_access_key"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="orderline", name=name, field=_amount(label, True)
            )
            for name, label in FIELDS
        ),
        migrations.AlterField(
            model_name="orderline",
            name="unit_amount",
            field=models.DecimalField(
                decimal_places=2, max_digits=12, null=True, verbose_name="unit price"
            ),
        ),
        migrations.AlterField(
            model_name="orderline",
            name="line_amount",
            field=models.DecimalField(
                decimal_places=2, max_digits=12, null=True, verbose_name="amount"
            ),
        ),
        migrations.RunPython(amounts_split, amounts_join),
        *(
            migrations.AlterField(
                model_name="orderline", name=name, field=_amount(label, False)
            )
            for name, label in FIELDS
        ),
        migrations.RemoveField(model_name="orderline", name="unit_amount"),
        migrations.RemoveField(model_name="orderline", name="line_amount"),
    ]
