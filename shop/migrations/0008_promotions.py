"""Promotions: time-limited prices of a variant in a market (flash deals among them),
and on PostgreSQL the rule that a variant has one promotion at a time per market: an
exclusion constraint over the promotion's time range. SQLite (the embedded default)
has no such constraint; the services check under a lock there too."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models

OVERLAP_CONSTRAINT = "shop_promotion_no_overlap"


def overlap_constraint_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE shop_promotion ADD CONSTRAINT {OVERLAP_CONSTRAINT} "
        "EXCLUDE USING gist (variant_id WITH =, market_id WITH =, "
        "tstzrange(starts_at, ends_at, '[)') WITH &&)"
    )


def overlap_constraint_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE shop_promotion DROP CONSTRAINT IF EXISTS {OVERLAP_CONSTRAINT}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0007_shipments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.CreateModel(
            name="Promotion",
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
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        verbose_name="promotion price",
                    ),
                ),
                (
                    "prior_lowest_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        verbose_name="lowest price in the 30 days before",
                    ),
                ),
                ("starts_at", models.DateTimeField(verbose_name="starts")),
                ("ends_at", models.DateTimeField(verbose_name="ends")),
                (
                    "label",
                    models.CharField(
                        blank=True,
                        help_text="Where the promotion comes from, e.g. a live show.",
                        max_length=80,
                        verbose_name="source",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="started by",
                    ),
                ),
                (
                    "market",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="shop.market",
                        verbose_name="market",
                    ),
                ),
                (
                    "variant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="promotions",
                        to="shop.variant",
                        verbose_name="variant",
                    ),
                ),
            ],
            options={
                "verbose_name": "promotion",
                "verbose_name_plural": "promotions",
                "ordering": ["-starts_at", "id"],
                "indexes": [
                    models.Index(
                        fields=["variant", "market", "ends_at"],
                        name="shop_promotion_lookup",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("amount__gt", 0)),
                        name="shop_promotion_amount_positive",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                        name="shop_promotion_ends_after_start",
                    ),
                ],
            },
        ),
        migrations.RunPython(
            overlap_constraint_add, overlap_constraint_drop, elidable=False
        ),
    ]
