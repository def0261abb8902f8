from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.models import Market, Promotion, Variant
from shop.pricing.selectors import ReductionKind, price_effective, prices_prefetch
from shop.pricing.services import (
    PromotionError,
    price_set,
    promotion_start,
    promotions_end,
)
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


def _market(code: str) -> Market:
    return Market.objects.get(code=code)


def _variant_priced(history: list[tuple[int, str]], code: str = "DE") -> Variant:
    """A variant whose price in `code` was each amount from so many days ago."""
    variant = Variant.objects.get(product=make_product())
    now = timezone.now()
    for days, amount in history:
        price_set(
            variant=variant,
            market=_market(code),
            amount=Decimal(amount),
            at=now - timedelta(days=days),
        )
    return variant


def _promote(variant: Variant, code: str, amount: str, minutes: int = 5) -> Promotion:
    price = variant.prices.select_related("variant", "market").get(market=_market(code))
    return promotion_start(
        price=price,
        amount=Decimal(amount),
        ends_at=timezone.now() + timedelta(minutes=minutes),
        label="Test",
    )


def test_regular_price_announces_no_reduction():
    variant = _variant_priced([(3, "50.00")])
    price = price_effective(variant=variant, market=_market("DE"))
    assert price.amount == Decimal("50.00")
    assert price.currency == "EUR"
    assert price.includes_tax is True
    assert price.kind == ReductionKind.NONE
    assert price.reference_amount is None
    assert price.percent_off == 0
    assert price.ends_at is None


def test_not_sold_in_the_market_is_none():
    variant = _variant_priced([(3, "50.00")], code="DE")
    assert price_effective(variant=variant, market=_market("US")) is None


def test_down_jacket_de_measures_the_sale_against_the_30_day_low():
    # The demo's down jacket: 194.99 45 days ago, 174.99 20 days ago, now 144.99
    # with 194.99 as the regular price. It showed -26 % from 194.99.
    variant = _variant_priced([(45, "194.99"), (20, "174.99")])
    price_set(
        variant=variant,
        market=_market("DE"),
        amount=Decimal("144.99"),
        regular_amount=Decimal("194.99"),
    )
    price = price_effective(variant=variant, market=_market("DE"))
    assert price.amount == Decimal("144.99")
    assert price.kind == ReductionKind.SALE
    assert price.reference_amount == Decimal("174.99")
    assert price.prior_lowest_amount == Decimal("174.99")
    assert price.percent_off == 17


def test_eu_sale_not_below_the_30_day_low_is_not_announced():
    variant = _variant_priced([(45, "100.00"), (10, "60.00"), (5, "100.00")])
    price_set(
        variant=variant,
        market=_market("DE"),
        amount=Decimal("60.00"),
        regular_amount=Decimal("100.00"),
    )
    price = price_effective(variant=variant, market=_market("DE"))
    assert price.amount == Decimal("60.00")
    assert price.kind == ReductionKind.SALE
    assert price.reference_amount is None
    assert price.prior_lowest_amount is None
    assert price.percent_off == 0


def test_us_sale_is_measured_against_the_regular_price():
    variant = _variant_priced([(45, "194.99"), (20, "174.99")], code="US")
    price_set(
        variant=variant,
        market=_market("US"),
        amount=Decimal("144.99"),
        regular_amount=Decimal("194.99"),
    )
    price = price_effective(variant=variant, market=_market("US"))
    assert price.reference_amount == Decimal("194.99")
    assert price.prior_lowest_amount is None
    assert price.percent_off == 26
    assert price.includes_tax is False


def test_promotion_lowers_the_price_until_it_ends():
    variant = _variant_priced([(45, "100.00")])
    promotion = _promote(variant, "DE", "80.00")
    price = price_effective(variant=variant, market=_market("DE"))
    assert price.amount == Decimal("80.00")
    assert price.kind == ReductionKind.PROMOTION
    assert price.reference_amount == Decimal("100.00")
    assert price.percent_off == 20
    assert price.ends_at == promotion.ends_at
    after = price_effective(
        variant=variant,
        market=_market("DE"),
        at=promotion.ends_at + timedelta(seconds=1),
    )
    assert after.amount == Decimal("100.00")
    assert after.kind == ReductionKind.NONE


def test_eu_promotion_is_measured_against_its_stored_30_day_low():
    variant = _variant_priced([(20, "99.00"), (10, "119.00")])
    promotion = _promote(variant, "DE", "95.20")
    assert promotion.prior_lowest_amount == Decimal("99.00")
    price = price_effective(variant=variant, market=_market("DE"))
    assert price.reference_amount == Decimal("99.00")
    assert price.percent_off == 4


def test_eu_promotion_above_the_30_day_low_is_paid_but_not_announced():
    variant = _variant_priced([(20, "90.00"), (10, "119.00")])
    _promote(variant, "DE", "100.00")
    price = price_effective(variant=variant, market=_market("DE"))
    assert price.amount == Decimal("100.00")
    assert price.kind == ReductionKind.PROMOTION
    assert price.reference_amount is None
    assert price.percent_off == 0


def test_promotion_on_top_of_a_sale_pays_the_lower_and_us_strikes_the_regular():
    variant = _variant_priced([(45, "100.00")], code="US")
    price_set(
        variant=variant,
        market=_market("US"),
        amount=Decimal("90.00"),
        regular_amount=Decimal("100.00"),
    )
    _promote(variant, "US", "70.00")
    price = price_effective(variant=variant, market=_market("US"))
    assert price.amount == Decimal("70.00")
    assert price.kind == ReductionKind.PROMOTION
    assert price.reference_amount == Decimal("100.00")
    assert price.percent_off == 30


def test_promotion_never_raises_a_price():
    variant = _variant_priced([(45, "100.00")])
    _promote(variant, "DE", "80.00")
    price_set(variant=variant, market=_market("DE"), amount=Decimal("70.00"))
    price = price_effective(variant=variant, market=_market("DE"))
    assert price.amount == Decimal("70.00")
    assert price.kind == ReductionKind.NONE


def test_promotion_start_refuses_a_price_not_below_the_current():
    variant = _variant_priced([(45, "100.00")])
    with pytest.raises(PromotionError) as raised:
        _promote(variant, "DE", "100.00")
    assert raised.value.code == "amount"
    assert not Promotion.objects.exists()


def test_promotion_start_refuses_an_overlapping_promotion():
    variant = _variant_priced([(45, "100.00")])
    _promote(variant, "DE", "80.00")
    with pytest.raises(PromotionError) as raised:
        _promote(variant, "DE", "70.00")
    assert raised.value.code == "overlap"
    assert Promotion.objects.count() == 1


def test_promotions_end_restores_the_price_at_once():
    variant = _variant_priced([(45, "100.00")])
    promotion = _promote(variant, "DE", "80.00")
    assert promotions_end(promotions=Promotion.objects.filter(pk=promotion.pk)) == 1
    price = price_effective(variant=variant, market=_market("DE"))
    assert price.amount == Decimal("100.00")
    promotion.refresh_from_db()
    assert promotion.ends_at > promotion.starts_at


def test_prefetched_prices_run_no_query(django_assert_num_queries):
    de = _market("DE")
    for n in range(4):
        variant = _variant_priced([(45, "100.00")])
        if n % 2:
            _promote(variant, "DE", "80.00")
    variants = list(
        Variant.objects.order_by("pk").prefetch_related(*prices_prefetch(market=de))
    )
    with django_assert_num_queries(0):
        amounts = [
            price_effective(variant=variant, market=de, tax_rate=None).amount
            for variant in variants
        ]
    assert amounts == [Decimal("100.00"), Decimal("80.00")] * 2


def test_without_prefetch_price_effective_runs_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    variant = _variant_priced([(45, "100.00")])
    _promote(variant, "DE", "80.00")
    de = _market("DE")
    variant = Variant.objects.get(pk=variant.pk)
    with django_assert_max_num_queries(3):
        price = price_effective(variant=variant, market=de)
        assert price.tax_rate == Decimal("0.1900")
    assert price.amount == Decimal("80.00")
