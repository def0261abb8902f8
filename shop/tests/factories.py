"""Small factories for test data: they go through the services like real writes."""

import itertools
from decimal import Decimal

from modeltranslation.utils import build_localized_fieldname

from shop.catalog.services import category_save, product_save
from shop.models import (
    Category,
    Market,
    Product,
    ProductImage,
    ProductSafety,
    Specification,
    Variant,
)
from shop.pricing.services import price_set

_seq = itertools.count(1)


def translated(field: str, values: dict[str, str]) -> dict[str, str]:
    """{"en": "Jacket", "de": "Jacke"} -> {"name_en": "Jacket", "name_de": "Jacke"}."""
    return {
        build_localized_fieldname(field, lang): text for lang, text in values.items()
    }


def make_category(*, name: str | None = None, parent: Category | None = None, **names):
    n = next(_seq)
    category = Category(
        name=name or f"Category {n}", slug=f"category-{n}", parent=parent, **names
    )
    return category_save(category=category)


def make_product(
    *,
    category: Category | None = None,
    name: str | None = None,
    prices: dict[str, str] | None = None,
    stock: int = 5,
    safety: bool = True,
    **fields,
) -> Product:
    """A product with one variant, priced in the given markets ({"DE": "19.99"}),
    with complete EU safety information and a picture unless `safety` is off."""
    n = next(_seq)
    product = product_save(
        product=Product(
            category=category or make_category(),
            name=name or f"Product {n}",
            slug=f"product-{n}",
            **fields,
        )
    )
    variant = Variant.objects.create(product=product, sku=f"SKU-{n}", stock=stock)
    if safety:
        make_safety(product=product)
    for code, amount in (prices or {}).items():
        price_set(
            variant=variant,
            market=Market.objects.get(code=code),
            amount=Decimal(amount),
        )
    return product


def make_spec(*, product: Product, kind: str, label: str = "Spec", **values):
    return Specification.objects.create(
        product=product, kind=kind, label=label, **values
    )


SHOPPER_LANGUAGES = ("en", "de", "fr", "es", "pt-br", "id")


# After any picture a test adds itself (position 0), so that one is shown first.
IDENTIFICATION_PICTURE_POSITION = 99


def make_picture(*, product: Product) -> ProductImage:
    """The picture that identifies a product (GPSR); no file behind it."""
    return ProductImage.objects.create(
        product=product,
        image=f"products/{product.pk}/identification.jpg",
        # Not the product's name, which a card already shows beside it.
        alt_text="Front view",
        position=IDENTIFICATION_PICTURE_POSITION,
    )


def make_safety(*, product: Product, picture: bool = True, **fields) -> ProductSafety:
    """Complete GPSR safety information of a manufacturer inside the EU, with the
    product's picture unless `picture` is off."""
    if picture:
        make_picture(product=product)
    values: dict[str, str] = {
        "manufacturer_name": "Nordwind GmbH",
        "manufacturer_address": "Hafenstraße 1, 20457 Hamburg",
        "manufacturer_country": "DE",
        "manufacturer_contact": "safety@nordwind.example",
        "model_number": f"NW-{product.pk}",
        **translated(
            "warnings", {code: "Keep away from fire." for code in SHOPPER_LANGUAGES}
        ),
    }
    values.update(fields)
    return ProductSafety.objects.create(product=product, **values)
