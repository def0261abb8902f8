"""The United Kingdom market as its migration seeds it: pounds, prices with 20 %
VAT, English; found from an en-GB browser; a product page priced in it; and its
conformity rule, UKCA or CE."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from shop.compliance.selectors import (
    product_compliance_gaps,
    product_offerable_in_market,
)
from shop.compliance.tests.helpers import certify, require
from shop.markets.services import market_resolve
from shop.models import AccessibilityStatement, Market
from shop.pricing.services import tax_rate_for
from shop.tests.factories import make_category, make_product
from shop.tests.pages import _in_market

pytestmark = pytest.mark.django_db


def _gb() -> Market:
    return Market.objects.get(code="GB")


def test_the_gb_market_sells_in_pounds_with_vat_included_in_english():
    gb = _gb()

    assert (gb.countries, gb.default_country, gb.currency, gb.language) == (
        ["GB"],
        "GB",
        "GBP",
        "en",
    )
    assert gb.prices_include_tax is True
    assert gb.product_safety_required is False
    assert gb.privacy_regimes == ["uk-gdpr"]
    gb.full_clean()  # every seeded value is one staff could enter
    assert tax_rate_for(country="GB").rate == Decimal("0.20")
    assert AccessibilityStatement.objects.filter(market=gb).exists()


def test_an_en_gb_browser_is_placed_in_the_gb_market():
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    request.user = AnonymousUser()

    assert market_resolve(request=request).code == "GB"


def test_a_product_page_in_the_gb_market_shows_pounds_and_vat(client):
    product = make_product(name="Kettle", prices={"GB": "34.99"}, safety=False)

    html = _in_market(client, "GB").get(f"/en/p/{product.slug}/").text

    assert "£34.99" in html
    assert "incl. 20% VAT" in html


@pytest.fixture
def toys():
    category = make_category(name="Toys")
    require(market_code="GB", category=category, kinds=("ukca", "ce"))
    return category


@pytest.mark.parametrize("kind", ["ukca", "ce"])
def test_either_ukca_or_ce_lets_a_product_be_offered_in_gb(toys, kind):
    product = make_product(category=toys, prices={"GB": "19.99"})
    certify(product=product, kind=kind)

    assert product_offerable_in_market(product=product, market=_gb()) is True


def test_neither_mark_keeps_a_product_out_of_gb_only(toys):
    product = make_product(category=toys, prices={"GB": "19.99", "US": "24.99"})
    certify(product=product, kind="cpc")

    assert product_offerable_in_market(product=product, market=_gb()) is False
    assert product_compliance_gaps(product=product, market=_gb()) == [
        "CE marking with EU declaration of conformity / UKCA marking with UK "
        "declaration of conformity"
    ]
    assert product_offerable_in_market(
        product=product, market=Market.objects.get(code="US")
    )


def test_a_ukca_mark_counts_nowhere_but_gb(toys):
    product = make_product(category=toys, prices={"DE": "19.99"})
    require(market_code="DE", category=toys, kinds=("ce",))
    certify(product=product, kind="ukca")

    assert product_offerable_in_market(product=product, market=_gb()) is True
    assert (
        product_offerable_in_market(
            product=product, market=Market.objects.get(code="DE")
        )
        is False
    )
