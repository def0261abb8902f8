"""Writes to the catalog: the category tree, products, stock, cache invalidation."""

from django.db import models, transaction

from shop.catalog import search_index
from shop.models import Category, Product, TaxRate, Variant
from shop.storefront.cache import catalog_version_bump

PATH_STEP = 4  # digits per tree level in Category.path


def _path_segment(category: Category) -> str:
    return f"{category.pk:0{PATH_STEP}d}"


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Save a category and keep the stored paths of it and its subtree right."""
    if category.parent_id is not None:
        ancestor = category.parent
        while ancestor is not None:
            if category.pk is not None and ancestor.pk == category.pk:
                raise ValueError("A category cannot be placed under itself.")
            ancestor = ancestor.parent
    old_path = category.path if category.pk else None
    if category.pk is None:
        category.path = ""
        category.save()
    parent = category.parent
    prefix = f"{parent.path}." if parent else ""
    category.path = prefix + _path_segment(category)
    category.depth = parent.depth + 1 if parent else 0
    category.save()
    if old_path and old_path != category.path:
        for child in Category.objects.filter(path__startswith=f"{old_path}.").order_by(
            "depth"
        ):
            child.path = category.path + child.path[len(old_path) :]
            child.depth = child.path.count(".")
            child.save(update_fields=["path", "depth"])
    search_index.index_category_subtree(path=category.path)
    catalog_version_bump()
    return category


def stock_set(*, variant: Variant, quantity: int) -> Variant:
    """Set a variant's stock level."""
    if quantity < 0:
        raise ValueError("Stock cannot be negative.")
    Variant.objects.filter(pk=variant.pk).update(stock=quantity)
    variant.stock = quantity
    catalog_version_bump()
    return variant


def product_save(*, product: Product) -> Product:
    """Save a product, keep its search rows current, invalidate the cached pages."""
    product.save()
    search_index.index_products(product_ids=[product.pk])
    catalog_version_bump()
    return product


def variant_save(*, variant: Variant) -> Variant:
    """Save a variant (SKU, stock, position) and invalidate the cached pages."""
    variant.save()
    catalog_version_bump()
    return variant


def tax_rate_save(*, tax_rate: TaxRate) -> TaxRate:
    """Save a tax rate; pages name the rate, so the cached pages go stale."""
    tax_rate.save()
    catalog_version_bump()
    return tax_rate


def catalog_object_save(*, obj: models.Model) -> models.Model:
    """Save another catalog row (specification, attribute, …) and invalidate pages."""
    obj.save()
    catalog_version_bump()
    return obj


def catalog_object_delete(*, obj: models.Model) -> None:
    """Delete a catalog row (product, variant, price, …) and invalidate pages."""
    obj.delete()
    search_index.index_prune()
    catalog_version_bump()


def catalog_queryset_delete(*, queryset: models.QuerySet) -> int:
    """Delete the catalog rows of a queryset and invalidate pages; returns the count."""
    deleted, _by_model = queryset.delete()
    search_index.index_prune()
    catalog_version_bump()
    return deleted
