"""Helpers and fixtures of the storefront page tests."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation

from shop.markets.services import MARKET_COOKIE
from shop.models import Attribute, AttributeValue, Market, ProductImage, Variant
from shop.pricing.services import price_set
from shop.tests.factories import make_category, make_product, translated

LANGUAGES = list(settings.SHOPPER_LANGUAGES)
EURO_1299 = "1.299,00\xa0€"


@pytest.fixture
def _english_while_arranging():
    """Test data is written in English whatever language an earlier request left on."""
    with translation.override("en"):
        yield


@pytest.fixture
def no_page_cache(settings):
    settings.STOREFRONT_CACHE_SECONDS = 0


def _market(code: str) -> Market:
    return Market.objects.get(code=code)


def _in_market(client, code: str):
    client.cookies[MARKET_COOKIE] = code
    return client


def _html(response) -> str:
    return response.content.decode()


def _variant(product, sku: str, *, values=(), stock: int = 5, prices=None) -> Variant:
    variant = Variant.objects.create(product=product, sku=sku, stock=stock)
    variant.values.set(values)
    for code, amount in (prices or {}).items():
        price_set(variant=variant, market=_market(code), amount=Decimal(amount))
    return variant


def _attribute(slug: str, *values: str) -> list[AttributeValue]:
    attribute = Attribute.objects.create(name=slug.title(), slug=slug)
    return [
        AttributeValue.objects.create(
            attribute=attribute, name=value.title(), slug=value, position=index
        )
        for index, value in enumerate(values)
    ]


def _discounted(*, code: str, regular: str, now_amount: str):
    """A product priced `regular` for 40 days, now reduced to `now_amount`."""
    product = make_product(name="Kettle")
    variant = product.variants.get()
    market = _market(code)
    price_set(
        variant=variant,
        market=market,
        amount=Decimal(regular),
        at=timezone.now() - timedelta(days=40),
    )
    price_set(
        variant=variant,
        market=market,
        amount=Decimal(now_amount),
        regular_amount=Decimal(regular),
    )
    return product


@pytest.fixture
def catalog():
    """A category tree with a product in the subcategory, priced in US and DE."""
    root = make_category(**translated("name", {"en": "Outdoor", "de": "Draußen"}))
    child = make_category(
        parent=root, **translated("name", {"en": "Tents", "de": "Zelte"})
    )
    product = make_product(
        category=child,
        prices={"US": "1299", "DE": "1299"},
        **translated("name", {"en": "Storm tent", "de": "Sturmzelt"}),
    )
    return {"root": root, "child": child, "product": product}


def _page_urls(catalog, language: str) -> dict[str, str]:
    return {
        "home": f"/{language}/",
        "category": f"/{language}/c/{catalog['root'].slug}/",
        "product": f"/{language}/p/{catalog['product'].slug}/",
        "search": f"/{language}/search/?q=storm",
    }


def _fill_category(category, count: int) -> None:
    red, blue = _attribute(f"colour-{count}", "red", "blue")
    for index in range(count):
        product = make_product(category=category, prices={"US": "10", "DE": "9"})
        _variant(
            product,
            f"V-{count}-{index}",
            values=[red if index % 2 else blue],
            prices={"DE": "8"},
        )
        ProductImage.objects.create(product=product, image=f"products/{index}.jpg")
        ProductImage.objects.create(product=product, image=f"products/{index}b.jpg")
