import pytest
from django.utils import translation

from shop.markets.tax_ids import TaxIdLine, seller_tax_ids
from shop.models import Market

pytestmark = pytest.mark.django_db


def test_an_austrian_seller_prints_its_uid_number_and_steuernummer():
    market = Market(
        seller_country="AT",
        seller_vat_id="ATU12345678",
        seller_tax_id="12 345/6789",
    )

    with translation.override("en"):
        lines = seller_tax_ids(market=market)

    assert lines == [
        TaxIdLine("VAT ID (UID-Nr.)", "ATU12345678"),
        TaxIdLine("Tax number (Steuernummer)", "12 345/6789"),
    ]


def test_a_german_seller_in_german_needs_no_local_name_twice():
    market = Market(
        seller_country="DE",
        seller_vat_id="DE312345678",
        seller_tax_id="27/123/45678",
    )

    with translation.override("de"):
        lines = seller_tax_ids(market=market)

    assert lines == [
        TaxIdLine("USt-IdNr.", "DE312345678"),
        TaxIdLine("Steuernummer", "27/123/45678"),
    ]


def test_the_seeded_markets_keep_a_vat_id_apart_from_a_tax_number():
    germany = Market.objects.get(code="DE")
    us = Market.objects.get(code="US")

    assert (germany.seller_country, germany.seller_vat_id) == ("DE", "DE312345678")
    assert germany.seller_tax_id == ""
    assert (us.seller_country, us.seller_vat_id, us.seller_tax_id) == (
        "US",
        "",
        "88-1234567",
    )
