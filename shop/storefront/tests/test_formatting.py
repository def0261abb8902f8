from decimal import Decimal

import pytest

from shop.models import Market, MeasurementSystem, Specification, SpecificationKind
from shop.storefront.formatting import currency_digits, money, specification_value


@pytest.mark.parametrize(
    ("amount", "currency", "language", "country", "expected"),
    [
        ("2749000.00", "IDR", "id", "ID", "Rp2.749.000"),
        ("2749000.40", "IDR", "en", "ID", "Rp2.749.000"),
        ("1299.00", "EUR", "de", "DE", "1.299,00\xa0€"),
        ("1299.50", "USD", "en", "US", "$1,299.50"),
        ("1234.50", "BRL", "pt-br", "BR", "R$\xa01.234,50"),
    ],
)
def test_money_uses_the_digits_each_currency_is_written_with(
    amount, currency, language, country, expected
):
    assert money(Decimal(amount), currency, language, country) == expected


def test_rupiah_has_no_minor_unit_in_use_and_euro_has_cents():
    assert currency_digits("IDR") == 0
    assert currency_digits("EUR") == 2
    assert currency_digits("XYZ") == 2


@pytest.mark.parametrize(
    ("sides", "expected"),
    [
        ((1830, 610, 4), "183 × 61 × 0,4 cm"),
        ((1830, 610, 40), "183 × 61 × 4 cm"),
        ((2000, 700, 100), "2 × 0,7 × 0,1 m"),
        ((120, 80, 0.3), "120 × 80 × 0,3 mm"),
    ],
)
def test_no_side_of_a_metric_size_reads_as_zero(sides, expected):
    spec = Specification(
        kind=SpecificationKind.DIMENSIONS,
        value=Decimal(str(sides[0])),
        value_2=Decimal(str(sides[1])),
        value_3=Decimal(str(sides[2])),
    )
    market = Market(measurement_system=MeasurementSystem.METRIC, default_country="DE")

    assert specification_value(spec, market, "de") == expected
