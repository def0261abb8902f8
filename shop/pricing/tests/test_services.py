from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.models import Market, PriceHistory, Variant, VariantPrice
from shop.pricing.selectors import price_effective
from shop.pricing.services import price_set, variant_prices_save
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_price_set_records_history_and_prior_lowest_price_of_30_days():
    product = make_product()
    variant = Variant.objects.get(product=product)
    de = Market.objects.get(code="DE")
    now = timezone.now()
    price_set(
        variant=variant, market=de, amount=Decimal("120"), at=now - timedelta(days=60)
    )
    price_set(
        variant=variant, market=de, amount=Decimal("99"), at=now - timedelta(days=20)
    )
    price_set(
        variant=variant, market=de, amount=Decimal("110"), at=now - timedelta(days=10)
    )
    price = price_set(
        variant=variant,
        market=de,
        amount=Decimal("79"),
        regular_amount=Decimal("110"),
        at=now,
    )
    assert PriceHistory.objects.filter(variant=variant, market=de).count() == 4
    assert price.prior_lowest_amount == Decimal("99.00")
    shown = price_effective(variant=variant, market=de)
    assert shown.is_reduced
    assert shown.prior_lowest_amount == Decimal("99.00")
    # EU rule: measured against the 30-day low (99), not the regular 110 (28 %).
    assert shown.reference_amount == Decimal("99.00")
    assert shown.percent_off == 20


def test_prior_lowest_price_counts_the_price_in_effect_when_the_window_opened():
    product = make_product()
    variant = Variant.objects.get(product=product)
    de = Market.objects.get(code="DE")
    now = timezone.now()
    price_set(
        variant=variant, market=de, amount=Decimal("50"), at=now - timedelta(days=90)
    )
    price_set(
        variant=variant, market=de, amount=Decimal("80"), at=now - timedelta(days=5)
    )
    price = price_set(
        variant=variant,
        market=de,
        amount=Decimal("60"),
        regular_amount=Decimal("80"),
        at=now,
    )
    assert price.prior_lowest_amount == Decimal("50.00")


def test_prior_lowest_price_is_not_shown_outside_omnibus_markets():
    product = make_product()
    variant = Variant.objects.get(product=product)
    us = Market.objects.get(code="US")
    now = timezone.now()
    price_set(
        variant=variant, market=us, amount=Decimal("40"), at=now - timedelta(days=3)
    )
    price_set(
        variant=variant,
        market=us,
        amount=Decimal("30"),
        regular_amount=Decimal("40"),
        at=now,
    )
    shown = price_effective(variant=variant, market=us)
    assert shown.is_reduced
    assert shown.reference_amount == Decimal("40.00")
    assert shown.prior_lowest_amount is None
    assert shown.includes_tax is False


def test_price_set_drops_a_regular_price_not_above_the_price():
    product = make_product()
    variant = Variant.objects.get(product=product)
    price = price_set(
        variant=variant,
        market=Market.objects.get(code="FR"),
        amount=Decimal("30"),
        regular_amount=Decimal("30"),
    )
    assert price.regular_amount is None


def test_price_row_moved_to_another_market_drops_the_old_markets_price():
    variant = make_product(prices={"DE": "119.00"}).variants.get()
    row = VariantPrice.objects.get(variant=variant)
    row.market = Market.objects.get(code="FR")

    variant_prices_save(prices=[row])

    assert list(
        VariantPrice.objects.filter(variant=variant).values_list(
            "market__code", "amount"
        )
    ) == [("FR", Decimal("119.00"))]
    assert PriceHistory.objects.get(variant=variant, market__code="FR").amount == (
        Decimal("119.00")
    )


def test_price_rows_saved_and_deleted_together_go_through_price_set():
    variant = make_product(prices={"DE": "119.00", "US": "129.00"}).variants.get()
    de = VariantPrice.objects.get(variant=variant, market__code="DE")
    us = VariantPrice.objects.get(variant=variant, market__code="US")
    de.amount = Decimal("99.00")

    variant_prices_save(prices=[de], deleted=[us])

    price = VariantPrice.objects.get(variant=variant)
    assert (price.market.code, price.amount, price.prior_lowest_amount) == (
        "DE",
        Decimal("99.00"),
        Decimal("119.00"),
    )
