"""Flash deals become shop promotions, step one: every deal's price, times and
prior-lowest price are copied to a `shop.Promotion` labelled with its show. Step two
(0005, its own transaction: PostgreSQL refuses to alter a table with pending
deferred checks) drops the copied columns from the deal."""

import django.db.models.deletion
from django.db import migrations, models


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
    ]
