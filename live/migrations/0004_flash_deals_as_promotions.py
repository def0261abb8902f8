"""Flash deals become shop promotions: every deal's price, times and prior-lowest
price move to a `shop.Promotion` (labelled with its show), and the deal keeps only
the show that ran it. The one-deal-at-a-time rule moves with them (shop 0008)."""

import django.db.models.deletion
from django.db import migrations, models

OLD_OVERLAP_CONSTRAINT = "live_flashdeal_no_overlap"


def deals_to_promotions(apps, schema_editor):
    FlashDeal = apps.get_model("live", "FlashDeal")
    Promotion = apps.get_model("shop", "Promotion")
    for deal in FlashDeal.objects.order_by("pk").iterator():
        promotion = Promotion.objects.create(
            variant_id=deal.variant_id,
            market_id=deal.market_id,
            amount=deal.amount,
            prior_lowest_amount=deal.prior_lowest_amount,
            starts_at=deal.starts_at,
            ends_at=deal.ends_at,
            label=f"Live show {deal.show_id}"[:80],
            created_by_id=deal.created_by_id,
        )
        # auto_now_add set it to now: keep when the deal was really created.
        Promotion.objects.filter(pk=promotion.pk).update(created_at=deal.created_at)
        deal.promotion_id = promotion.pk
        deal.save(update_fields=["promotion"])


def promotions_to_deals(apps, schema_editor):
    FlashDeal = apps.get_model("live", "FlashDeal")
    for deal in FlashDeal.objects.select_related("promotion").iterator():
        promotion = deal.promotion
        deal.variant_id = promotion.variant_id
        deal.market_id = promotion.market_id
        deal.amount = promotion.amount
        deal.prior_lowest_amount = promotion.prior_lowest_amount
        deal.starts_at = promotion.starts_at
        deal.ends_at = promotion.ends_at
        deal.created_by_id = promotion.created_by_id
        deal.save()


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
        ("live", "0003_flash_deals"),
        ("shop", "0008_promotions"),
    ]

    operations = [
        migrations.AddField(
            model_name="flashdeal",
            name="promotion",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="flash_deal",
                to="shop.promotion",
                verbose_name="promotion",
            ),
        ),
        migrations.RunPython(deals_to_promotions, promotions_to_deals),
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
