"""Staff in the admin: a product without the safety information an EU market asks
for is not published there, copy with a restricted claim is not saved, and the
report lists what keeps products out of a market."""

import pytest
from django.urls import reverse

from shop.compliance.tests.helpers import require
from shop.models import ClaimRestriction, Market, Product, ProductSafety
from shop.tests.factories import make_category, make_product
from shop.tests.test_admin import _form_data

pytestmark = pytest.mark.django_db


def _change_url(product: Product) -> str:
    return reverse("admin:shop_product_change", args=[product.pk])


def _errors(response) -> list[str]:
    errors = list(response.context["adminform"].form.non_field_errors())
    for inline in response.context["inline_admin_formsets"]:
        errors += list(inline.formset.non_form_errors())
    return errors


def test_publishing_in_an_eu_market_without_safety_information_is_refused(
    admin_client,
):
    product = make_product(
        name="Kettle", prices={"DE": "39.00", "US": "35.00"}, safety=False
    )
    data = _form_data(admin_client.get(_change_url(product)))

    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 200
    assert _errors(response) == [
        "Cannot be published in Germany & Austria (DE): missing manufacturer name "
        "or trade mark, manufacturer postal address, manufacturer electronic address, "
        "manufacturer country, type or model, EU responsible person, EU responsible "
        "person's postal address, EU responsible person's electronic address, "
        "warnings in German."
    ]
    assert not ProductSafety.objects.filter(product=product).exists()


def test_publishing_with_complete_safety_information_is_saved(admin_client):
    product = make_product(name="Kettle", prices={"DE": "39.00"}, safety=False)
    data = _form_data(admin_client.get(_change_url(product)))
    data.update(
        {
            "safety-0-manufacturer_name": "Nordwind GmbH",
            "safety-0-manufacturer_address": "Hafenstraße 1, Hamburg",
            "safety-0-manufacturer_country": "DE",
            "safety-0-manufacturer_contact": "safety@nordwind.example",
            "safety-0-model_number": "NW-1",
            "safety-0-warnings_de": "Nicht in die Nähe von Feuer bringen.",
        }
    )

    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 302
    assert ProductSafety.objects.get(product=product).model_number == "NW-1"


def test_an_unpublished_product_may_be_saved_without_safety_information(
    admin_client,
):
    product = make_product(name="Kettle", prices={"DE": "39.00"}, safety=False)
    data = _form_data(admin_client.get(_change_url(product)))
    del data["is_active"]

    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 302


def test_copy_with_a_restricted_claim_is_refused_naming_phrase_and_market(
    admin_client,
):
    ClaimRestriction.objects.create(
        market=Market.objects.get(code="FR"), phrase="lose 10 kg in 3 days"
    )
    product = make_product(name="Tea", prices={"US": "9.00"})
    data = _form_data(admin_client.get(_change_url(product)))
    data["description_en"] = "A tea to LOSE 10 kg in 3 days!"

    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 200
    assert _errors(response) == [
        "“lose 10 kg in 3 days” may not be claimed in France & Benelux (FR)."
    ]
    product.refresh_from_db()
    assert not product.description_en


def test_the_report_names_the_market_the_product_and_what_it_lacks(admin_client):
    category = make_category()
    make_product(category=category, name="Speaker", prices={"BR": "199.00"})
    require(market_code="BR", category=category, kinds=("anatel",))

    response = admin_client.get(reverse("admin:shop_compliance_report"))

    assert response.status_code == 200
    assert [
        (row.market.code, row.product.name, row.missing)
        for row in response.context["rows"]
    ] == [("BR", "Speaker", ["ANATEL homologation code"])]
    assert "ANATEL homologation code" in response.text
