"""The stemmed product search index on SQLite, filled from the existing products.

PostgreSQL searches through the expression indexes of migration 0003; there this
migration does nothing. See `shop.catalog.search_index`.
"""

from django.db import migrations

from shop.catalog import search_index


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    search_index.index_rebuild(
        using=schema_editor.connection.alias,
        product_model=apps.get_model("shop", "Product"),
        category_model=apps.get_model("shop", "Category"),
    )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(search_index.DROP_VOCABULARY_SQL)
    schema_editor.execute(search_index.DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("shop", "0013_market_seller_tax_ids")]

    operations = [migrations.RunPython(index_create, index_drop)]
