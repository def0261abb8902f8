"""Staff in the admin: a product without the safety information an EU market asks
for is not published there, copy with a restricted claim is not saved, and the
report lists what keeps products out of a market."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from shop.compliance.selectors import product_offerable_in_market
from shop.compliance.tests.helpers import require
from shop.models import ClaimRestriction, Market, Product, ProductSafety, VariantPrice
from shop.tests.factories import (
    make_category,
    make_picture,
    make_product,
    make_safety,
)
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
        "manufacturer country, type or model, product picture, EU responsible "
        "person, EU responsible person's postal address, EU responsible person's "
        "electronic address, warnings in German."
    ]
    assert not ProductSafety.objects.filter(product=product).exists()


SAFETY_FORM = {
    "safety-0-manufacturer_name": "Nordwind GmbH",
    "safety-0-manufacturer_address": "Hafenstraße 1, Hamburg",
    "safety-0-manufacturer_country": "DE",
    "safety-0-manufacturer_contact": "safety@nordwind.example",
    "safety-0-model_number": "NW-1",
    "safety-0-warnings_de": "Nicht in die Nähe von Feuer bringen.",
}


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("kettle.png", buffer.getvalue(), "image/png")


def test_publishing_with_complete_safety_information_is_saved(admin_client):
    product = make_product(name="Kettle", prices={"DE": "39.00"}, safety=False)
    make_picture(product=product)
    data = _form_data(admin_client.get(_change_url(product)))
    data.update(SAFETY_FORM)

    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 302
    assert ProductSafety.objects.get(product=product).model_number == "NW-1"


def test_publishing_in_an_eu_market_without_a_picture_is_refused(admin_client):
    product = make_product(name="Kettle", prices={"DE": "39.00"}, safety=False)
    data = _form_data(admin_client.get(_change_url(product)))
    data.update(SAFETY_FORM)

    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 200
    assert _errors(response) == [
        "Cannot be published in Germany & Austria (DE): missing product picture."
    ]
    assert not ProductSafety.objects.filter(product=product).exists()


def test_a_picture_uploaded_with_the_safety_information_publishes(
    admin_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    product = make_product(name="Kettle", prices={"DE": "39.00"}, safety=False)
    data = _form_data(admin_client.get(_change_url(product)))
    data.update(SAFETY_FORM)
    data.update(
        {
            "images-TOTAL_FORMS": "1",
            "images-0-image": _png(),
            "images-0-position": "0",
        }
    )

    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 302
    assert product_offerable_in_market(
        product=product, market=Market.objects.get(code="DE")
    )


def test_deleting_the_only_picture_of_a_product_sold_in_the_eu_is_refused(
    admin_client,
):
    product = make_product(name="Kettle", prices={"DE": "39.00", "US": "35.00"})
    data = _form_data(admin_client.get(_change_url(product)))
    data["images-0-DELETE"] = "on"

    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 200
    assert _errors(response) == [
        "Cannot be published in Germany & Austria (DE): missing product picture."
    ]
    assert product.images.count() == 1


@pytest.fixture
def product_editor(client, django_user_model):
    """Staff who may edit products and their pictures but not safety information."""
    user = django_user_model.objects.create_user(
        email="editor@example.com", password="pw", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="shop",
            content_type__model__in=("product", "productimage", "variant"),
        )
    )
    client.force_login(user)
    return client


def test_staff_who_may_not_edit_safety_information_cannot_publish_without_it(
    product_editor,
):
    product = make_product(
        name="Kettle", prices={"DE": "39.00"}, safety=False, is_active=False
    )
    make_picture(product=product)
    page = product_editor.get(_change_url(product))
    assert page.status_code == 200
    data = _form_data(page)
    data["is_active"] = "on"

    response = product_editor.post(_change_url(product), data)

    assert response.status_code == 200
    assert _errors(response)[0].startswith(
        "Cannot be published in Germany & Austria (DE): missing manufacturer name"
    )
    product.refresh_from_db()
    assert product.is_active is False


# --- A variant's prices -----------------------------------------------------------


def _variant_url(product: Product) -> str:
    return reverse("admin:shop_variant_change", args=[product.variants.get().pk])


def _price_row_added(data: dict, product: Product, code: str, amount: str) -> dict:
    total = int(data["prices-TOTAL_FORMS"])
    data.update(
        {
            "prices-TOTAL_FORMS": str(total + 1),
            f"prices-{total}-variant": str(product.variants.get().pk),
            f"prices-{total}-market": str(Market.objects.get(code=code).pk),
            f"prices-{total}-amount": amount,
        }
    )
    return data


def test_a_price_in_an_eu_market_for_a_product_without_safety_information_is_refused(
    admin_client,
):
    product = make_product(name="Kettle", prices={"US": "35.00"}, safety=False)
    make_picture(product=product)
    data = _form_data(admin_client.get(_variant_url(product)))
    _price_row_added(data, product, "FR", "39.00")

    response = admin_client.post(_variant_url(product), data)

    assert response.status_code == 200
    assert _errors(response) == [
        "Cannot be published in France & Benelux (FR): missing manufacturer name "
        "or trade mark, manufacturer postal address, manufacturer electronic address, "
        "manufacturer country, type or model, EU responsible person, EU responsible "
        "person's postal address, EU responsible person's electronic address, "
        "warnings in French."
    ]
    assert not VariantPrice.objects.filter(market__code="FR").exists()


def test_a_changed_eu_price_of_a_product_without_a_picture_is_refused(admin_client):
    product = make_product(name="Kettle", prices={"DE": "39.00"}, safety=False)
    make_safety(product=product, picture=False)
    data = _form_data(admin_client.get(_variant_url(product)))
    data["prices-0-amount"] = "29.00"

    response = admin_client.post(_variant_url(product), data)

    assert response.status_code == 200
    assert _errors(response) == [
        "Cannot be published in Germany & Austria (DE): missing product picture."
    ]
    assert VariantPrice.objects.get(market__code="DE").amount == Decimal("39.00")


@pytest.mark.parametrize(
    ("code", "fields"),
    [
        pytest.param("BR", {"safety": False}, id="outside-the-eu"),
        pytest.param("ES", {}, id="complete-product"),
        pytest.param("DE", {"safety": False, "is_active": False}, id="unpublished"),
    ],
)
def test_a_price_that_publishes_nothing_incomplete_is_saved(admin_client, code, fields):
    product = make_product(name="Kettle", prices={"US": "35.00"}, **fields)
    data = _form_data(admin_client.get(_variant_url(product)))
    _price_row_added(data, product, code, "39.00")

    response = admin_client.post(_variant_url(product), data)

    assert response.status_code == 302
    assert VariantPrice.objects.filter(market__code=code).exists()


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
