"""The one offerable rule: certificates per market and category, expiry, and the
GPSR safety information EU markets ask for; and the words that explain a gap."""

from datetime import timedelta

import pytest

from shop.compliance.selectors import (
    compliance_gaps_report,
    offerable_product_ids,
    product_compliance_gaps,
    product_offerable_in_market,
    products_offerable_in_market,
    today,
)
from shop.compliance.tests.helpers import certify, require
from shop.models import Market, Product, ProductSafety
from shop.tests.factories import (
    make_category,
    make_picture,
    make_product,
    make_safety,
)

pytestmark = pytest.mark.django_db


def _market(code: str) -> Market:
    return Market.objects.get(code=code)


def _offerable(product: Product, code: str) -> bool:
    return product_offerable_in_market(product=product, market=_market(code))


def test_a_product_of_a_category_without_rules_is_offerable_everywhere():
    product = make_product(prices={"US": "10", "DE": "10"})

    assert [_offerable(product, code) for code in ("US", "DE", "BR", "ID")] == [
        True,
        True,
        True,
        True,
    ]


def test_a_required_certificate_gates_the_subtree_in_its_market_only():
    electronics = make_category(name="Electronics")
    audio = make_category(name="Audio", parent=electronics)
    speaker = make_product(category=audio)
    require(market_code="BR", category=electronics, kinds=("anatel",))

    assert _offerable(speaker, "BR") is False
    assert _offerable(speaker, "US") is True
    assert product_compliance_gaps(product=speaker, market=_market("BR")) == [
        "ANATEL homologation code"
    ]


def test_a_sibling_category_with_a_similar_path_is_not_covered():
    electronics = make_category(name="Electronics")
    other = make_category(name="Garden")
    product = make_product(category=other)
    require(market_code="BR", category=electronics, kinds=("anatel",))

    assert _offerable(product, "BR") is True


def test_any_one_accepted_kind_meets_a_requirement():
    category = make_category()
    product = make_product(category=category)
    require(market_code="US", category=category, kinds=("fcc-id", "fcc-sdoc"))
    certify(product=product, kind="fcc-sdoc")

    assert _offerable(product, "US") is True


def test_a_certificate_for_another_market_does_not_count():
    category = make_category()
    product = make_product(category=category)
    require(market_code="ID", category=category, kinds=("sni",))
    certify(product=product, kind="sni", market_code="BR")

    assert _offerable(product, "ID") is False


def test_a_certificate_gates_from_the_day_after_it_expires():
    category = make_category()
    product = make_product(category=category)
    require(market_code="DE", category=category, kinds=("ce",))
    certify(product=product, kind="ce", expires_on=today())
    market = _market("DE")

    assert product_offerable_in_market(product=product, market=market) is True
    assert (
        product_offerable_in_market(
            product=product, market=market, on=today() + timedelta(days=1)
        )
        is False
    )


def test_an_eu_market_hides_a_product_without_safety_information():
    product = make_product(safety=False)

    assert _offerable(product, "DE") is False
    assert _offerable(product, "US") is True
    assert product_compliance_gaps(product=product, market=_market("DE")) == [
        "manufacturer name or trade mark",
        "manufacturer postal address",
        "manufacturer electronic address",
        "manufacturer country",
        "type or model",
        "product picture",
        "EU responsible person",
        "EU responsible person's postal address",
        "EU responsible person's electronic address",
        "warnings in German",
    ]


def test_an_eu_market_hides_a_product_without_a_picture():
    product = make_product(safety=False)
    make_safety(product=product, picture=False)

    assert _offerable(product, "DE") is False
    assert _offerable(product, "US") is True
    assert product_compliance_gaps(product=product, market=_market("DE")) == [
        "product picture"
    ]
    make_picture(product=product)
    assert _offerable(product, "DE") is True


def test_a_manufacturer_outside_the_eu_needs_a_responsible_person():
    product = make_product(safety=False)
    make_safety(product=product, manufacturer_country="CN")

    assert _offerable(product, "FR") is False
    assert product_compliance_gaps(product=product, market=_market("FR")) == [
        "EU responsible person",
        "EU responsible person's postal address",
        "EU responsible person's electronic address",
    ]
    ProductSafety.objects.filter(product=product).update(
        responsible_name="EU Rep GmbH",
        responsible_address="Hafen 1, Hamburg",
        responsible_contact="rep@example.com",
    )
    assert _offerable(product, "FR") is True


def test_warnings_must_be_given_in_the_language_of_the_market():
    product = make_product(safety=False)
    make_safety(product=product, warnings_fr="")

    assert _offerable(product, "FR") is False
    assert _offerable(product, "DE") is True
    assert product_compliance_gaps(product=product, market=_market("FR")) == [
        "warnings in French"
    ]


def test_an_inactive_product_is_never_offerable():
    product = make_product(is_active=False)

    assert _offerable(product, "US") is False


@pytest.mark.parametrize("code", ["US", "DE", "FR", "ES", "BR", "ID"])
def test_the_sql_rule_and_the_explained_gaps_agree(code):
    category = make_category()
    products = [
        make_product(category=category),
        make_product(category=category, safety=False),
        make_product(category=category),
        make_product(category=category, safety=False),
    ]
    make_safety(product=products[3], picture=False)
    require(market_code=code, category=category, kinds=("ce", "ukca"))
    certify(product=products[0], kind="ukca")
    certify(product=products[1], kind="ce")
    certify(product=products[3], kind="ce")
    market = _market(code)

    offerable = set(
        products_offerable_in_market(
            products=Product.objects.filter(category=category), market=market
        ).values_list("pk", flat=True)
    )
    explained = {
        product.pk
        for product in products
        if not product_compliance_gaps(product=product, market=market)
    }

    assert offerable == explained


def test_the_report_lists_priced_products_with_what_they_lack():
    category = make_category()
    gated = make_product(category=category, name="Speaker", prices={"BR": "99"})
    make_product(category=category, name="Unpriced")
    require(market_code="BR", category=category, kinds=("anatel",))

    rows = compliance_gaps_report(markets=[_market("BR"), _market("US")])

    assert [(row.market.code, row.product.pk, row.missing) for row in rows] == [
        ("BR", gated.pk, ["ANATEL homologation code"])
    ]


def test_the_kept_offerable_set_follows_a_requirement_once_it_commits(
    django_capture_on_commit_callbacks,
):
    electronics = make_category(name="Electronics")
    speaker = make_product(category=electronics)
    brazil = _market("BR")
    assert speaker.pk in offerable_product_ids(market=brazil)

    with django_capture_on_commit_callbacks(execute=True):
        require(market_code="BR", category=electronics, kinds=("anatel",))

    assert speaker.pk not in offerable_product_ids(market=brazil)
    assert speaker.pk in offerable_product_ids(market=_market("US"))


def test_the_report_names_a_missing_picture_in_an_eu_market():
    product = make_product(name="Lamp", prices={"FR": "29", "US": "29"}, safety=False)
    make_safety(product=product, picture=False)

    rows = compliance_gaps_report(markets=[_market("FR"), _market("US")])

    assert [(row.market.code, row.product.pk, row.missing) for row in rows] == [
        ("FR", product.pk, ["product picture"])
    ]
