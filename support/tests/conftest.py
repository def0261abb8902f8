"""Catalog, shipping and orders for the assistant's tests, made like real data."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.models import (
    Attribute,
    AttributeValue,
    Market,
    Order,
    OrderStatus,
    Product,
    SpecificationKind,
    User,
    Variant,
)
from shop.pricing.services import price_set
from shop.shipping.services.shipments import shipment_create, tracking_event_add
from shop.shipping.tests.helpers import make_order
from shop.tests.commerce_helpers import shipping_method
from shop.tests.factories import make_category, make_safety, make_spec, translated


def market(code: str) -> Market:
    return Market.objects.get(code=code)


def product_make(
    *,
    slug: str,
    names: dict[str, str],
    category=None,
    variants: list[tuple[str, int, dict[str, str], list[AttributeValue]]],
) -> Product:
    """A product with variants (sku, stock, prices per market code, values) and
    the safety information that lets it be offered in every market."""
    product = Product.objects.create(
        category=category or make_category(),
        slug=slug,
        **translated("name", names),
    )
    make_safety(product=product)
    for position, (sku, stock, prices, values) in enumerate(variants):
        variant = Variant.objects.create(
            product=product, sku=sku, stock=stock, position=position
        )
        variant.values.set(values)
        for code, amount in prices.items():
            price_set(variant=variant, market=market(code), amount=Decimal(amount))
    return product


@pytest.fixture
def colours() -> dict[str, AttributeValue]:
    colour = Attribute.objects.create(
        slug="colour", **translated("name", {"en": "Colour", "de": "Farbe"})
    )
    return {
        slug: AttributeValue.objects.create(
            attribute=colour, slug=slug, **translated("name", names)
        )
        for slug, names in {
            "blue": {"en": "Blue", "de": "Blau", "fr": "Bleu"},
            "sand": {"en": "Sand", "de": "Sand", "fr": "Sable"},
        }.items()
    }


MAT_PRICES = {"DE": "89.99", "US": "79.00", "FR": "92.99"}


@pytest.fixture
def catalog(colours) -> dict[str, Product]:
    """A yoga mat (two colours, specs) and kettles named Brew and Brew Pro."""
    mats = make_category(name="Yoga")
    kitchen = make_category(name="Kitchen")
    mat = product_make(
        slug="yoga-mat-cork",
        category=mats,
        names={"en": "Yoga mat Cork", "de": "Yogamatte Cork", "fr": "Tapis Cork"},
        variants=[
            ("YOGA-CORK-BLUE", 3, MAT_PRICES, [colours["blue"]]),
            ("YOGA-CORK-SAND", 0, MAT_PRICES, [colours["sand"]]),
        ],
    )
    make_spec(
        product=mat,
        kind=SpecificationKind.DIMENSIONS,
        label="Dimensions",
        label_de="Abmessungen",
        value=Decimal(1830),
        value_2=Decimal(610),
        value_3=Decimal(4),
    )
    make_spec(
        product=mat,
        kind=SpecificationKind.WEIGHT,
        label="Weight",
        label_de="Gewicht",
        value=Decimal(2200),
    )
    make_spec(
        product=mat,
        kind=SpecificationKind.TEXT,
        label="Material",
        label_de="Material",
        text_value="cork",
        text_value_de="Kork",
        text_value_fr="liège",
    )
    brew = product_make(
        slug="kettle-brew",
        category=kitchen,
        names={"en": "Kettle Brew", "de": "Wasserkocher Brew"},
        variants=[("KETTLE-BREW", 12, {"DE": "39.99", "US": "34.00"}, [])],
    )
    brew_pro = product_make(
        slug="kettle-brew-pro",
        category=kitchen,
        names={"en": "Kettle Brew Pro", "de": "Wasserkocher Brew Pro"},
        variants=[("KETTLE-BREW-PRO", 5, {"DE": "74.99", "US": "64.00"}, [])],
    )
    return {"mat": mat, "brew": brew, "brew_pro": brew_pro}


@pytest.fixture
def de_shipping():
    return shipping_method(
        market_code="DE", countries=["DE"], amount="4.90", free_above="50.00"
    )


@pytest.fixture
def shopper(django_user_model) -> User:
    return django_user_model.objects.create_user(
        email="sam@example.com", password="x" * 12, full_name="Sam Shopper"
    )


@pytest.fixture
def other_shopper(django_user_model) -> User:
    return django_user_model.objects.create_user(
        email="olga@example.com", password="x" * 12, full_name="Olga Other"
    )


def order_with_parcel(
    *, user: User | None, email: str, tracking: str, market_code: str = "DE"
) -> Order:
    placed_at = timezone.now() - timedelta(days=3)
    order = make_order(
        user=user,
        email=email,
        market_code=market_code,
        status=OrderStatus.PAID,
        placed_at=placed_at,
    )
    shipment = shipment_create(
        order=order,
        carrier="DHL",
        tracking_number=tracking,
        promised_by=date.today() + timedelta(days=2),
    )
    tracking_event_add(
        shipment=shipment,
        code="in_transit",
        occurred_at=placed_at + timedelta(days=1),
        external_id=f"{tracking}-1",
    )
    order.refresh_from_db()
    return order
