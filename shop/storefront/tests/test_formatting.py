from decimal import Decimal

import pytest

from shop.storefront.formatting import currency_digits, money


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
