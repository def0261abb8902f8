"""GIN expression indexes for product search, one per shopper language.

Each index covers the expression `shop.catalog.search.search_document` builds for
that language: name and brand (weight A) and description (weight C), analysed with
the language's text-search configuration. Only PostgreSQL has them; on SQLite search
uses a plain fallback and this migration does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SEARCH_CONFIGS = {
    "en": ("english", "en"),
    "de": ("german", "de"),
    "fr": ("french", "fr"),
    "es": ("spanish", "es"),
    "pt-br": ("portuguese", "pt_br"),
    "id": ("indonesian", "ind"),
}


def _indexes(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_catalog.pg_ts_config")
        available = {row[0] for row in cursor.fetchall()}
    for config, suffix in SEARCH_CONFIGS.values():
        if config not in available:
            config = "simple"
        document = SearchVector(
            f"name_{suffix}", "brand", config=config, weight="A"
        ) + SearchVector(f"description_{suffix}", config=config, weight="C")
        yield GinIndex(document, name=f"shop_product_fts_{suffix}")


def indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    product = apps.get_model("shop", "Product")
    for index in _indexes(schema_editor):
        schema_editor.add_index(product, index)


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _config, suffix in SEARCH_CONFIGS.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS shop_product_fts_{suffix}")


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0002_seed_markets"),
    ]

    operations = [
        migrations.RunPython(indexes_create, indexes_drop, elidable=False),
    ]
