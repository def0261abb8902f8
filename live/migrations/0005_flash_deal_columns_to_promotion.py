"""Flash deals become shop promotions, step two: the deal keeps only the show that
ran it and its promotion; the one-deal-at-a-time rule now lives on the promotions
(shop 0008)."""

import django.db.models.deletion
from django.db import migrations, models

OLD_OVERLAP_CONSTRAINT = "live_flashdeal_no_overlap"


def old_overlap_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE live_flashdeal DROP CONSTRAINT IF EXISTS {OLD_OVERLAP_CONSTRAINT}"
    )


def old_overlap_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE live_flashdeal ADD CONSTRAINT {OLD_OVERLAP_CONSTRAINT} "
        "EXCLUDE USING gist (variant_id WITH =, market_id WITH =, "
        "tstzrange(starts_at, ends_at, '[)') WITH &&)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0004_flash_deals_as_promotions"),
    ]

    operations = [
        migrations.RunPython(old_overlap_drop, old_overlap_add, elidable=False),
        migrations.RemoveIndex(model_name="flashdeal", name="live_flashdeal_lookup"),
        migrations.RemoveConstraint(
            model_name="flashdeal", name="live_flashdeal_amount_positive"
        ),
        migrations.RemoveConstraint(
            model_name="flashdeal", name="live_flashdeal_ends_after_start"
        ),
        migrations.AlterField(
            model_name="flashdeal",
            name="promotion",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="flash_deal",
                to="shop.promotion",
                verbose_name="promotion",
            ),
        ),
        migrations.RemoveField(model_name="flashdeal", name="variant"),
        migrations.RemoveField(model_name="flashdeal", name="market"),
        migrations.RemoveField(model_name="flashdeal", name="amount"),
        migrations.RemoveField(model_name="flashdeal", name="prior_lowest_amount"),
        migrations.RemoveField(model_name="flashdeal", name="starts_at"),
        migrations.RemoveField(model_name="flashdeal", name="ends_at"),
        migrations.RemoveField(model_name="flashdeal", name="created_by"),
        migrations.AlterModelOptions(
            name="flashdeal",
            options={
                "ordering": ["-created_at", "id"],
                "verbose_name": "flash deal",
                "verbose_name_plural": "flash deals",
            },
        ),
    ]
