import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from config.celery import app as celery_app
from shop.markets.services import markets_active
from shop.models import (
    Attribute,
    AttributeValue,
    Category,
    Market,
    PriceHistory,
    Product,
    ProductImage,
    Specification,
    SpecificationKind,
    Variant,
    VariantPrice,
)
from shop.pricing.services import price_set
from shop.storefront.cache import CATALOG_VERSION_KEY
from shop.tests.factories import make_category, make_product, make_spec

pytestmark = pytest.mark.django_db

SHOP_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "shop"),
    key=lambda model: model._meta.model_name or "",
)


def _url(model, view: str, *args) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args
    )


def _form_data(response) -> dict:
    """The POST data a browser would send back for an admin change form as shown."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            # A browser sends no file back for a stored one; Django keeps it.
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(item) for item in value]
            data[form.add_prefix(name)] = value
    return data


def _catalog_version() -> int:
    return cache.get(CATALOG_VERSION_KEY, 0)


def _png(size=(40, 30), mode="RGB") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")


@pytest.fixture
def eager_celery(settings):
    """Tasks run in the test's process, as in the embedded default."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def catalog():
    """A small catalog, so that changelists have rows to show."""
    parent = make_category(name="Outdoor")
    category = make_category(name="Jackets", parent=parent)
    product = make_product(
        category=category, name="Rain jacket", prices={"US": "99.00", "DE": "119.00"}
    )
    make_spec(product=product, kind=SpecificationKind.WEIGHT, label="Weight", value=420)
    colour = Attribute.objects.create(name="Colour", slug="colour")
    red = AttributeValue.objects.create(attribute=colour, name="Red", slug="red")
    product.variants.get().values.add(red)
    return product


@pytest.mark.parametrize("model", SHOP_MODELS, ids=lambda m: m._meta.model_name)
def test_staff_can_open_the_changelist_and_add_page(admin_client, catalog, model):
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "changelist"), {"q": "rain"}).status_code == 200
    model_admin = admin.site._registry[model]
    request = admin_client.get(_url(model, "changelist")).wsgi_request
    if model_admin.has_add_permission(request):
        assert admin_client.get(_url(model, "add")).status_code == 200


@pytest.mark.parametrize(
    "model", [Market, Category, Product, Variant], ids=lambda m: m._meta.model_name
)
def test_staff_can_open_a_change_page(admin_client, catalog, model):
    obj = model.objects.first()

    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200


def _changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(model, "changelist")).status_code == 200
    return len(queries)


def test_changelists_run_the_same_queries_however_many_rows(admin_client, catalog):
    _changelist_queries(admin_client, Product)  # warms per-process caches
    few = {model: _changelist_queries(admin_client, model) for model in SHOP_MODELS}
    for n in range(10):
        make_product(category=catalog.category, name=f"Jacket {n}", prices={"DE": "9"})
        make_category(name=f"Category {n}", parent=catalog.category)
        Attribute.objects.create(name=f"Attribute {n}", slug=f"attribute-{n}")

    many = {model: _changelist_queries(admin_client, model) for model in SHOP_MODELS}

    assert many == few


def test_translated_fields_show_as_language_tabs(admin_client, catalog):
    response = admin_client.get(_url(Product, "change", catalog.pk))

    html = response.content.decode()
    assert "modeltranslation/js/tabbed_translation_fields.js" in html
    assert "modeltranslation/js/force_jquery.js" in html
    assert "modeltranslation/css/tabbed_translation_fields.css" in html
    assert 'name="name_de"' in html
    assert 'name="name_pt_br"' in html
    assert 'name="description_ind"' in html


def test_price_saved_in_the_admin_keeps_history_and_prior_lowest_price(
    admin_client, catalog
):
    variant = catalog.variants.get()
    france = Market.objects.get(code="FR")
    price_set(
        variant=variant,
        market=france,
        amount=Decimal("100.00"),
        at=timezone.now() - timedelta(days=10),
    )
    url = _url(Variant, "change", variant.pk)
    data = _form_data(admin_client.get(url))
    row = next(
        key[: -len("-market")]
        for key, value in data.items()
        if key.startswith("prices-") and key.endswith("-market") and value == france.pk
    )
    data[f"{row}-amount"] = "80.00"
    data[f"{row}-regular_amount"] = "100.00"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    price = VariantPrice.objects.get(variant=variant, market=france)
    assert (price.amount, price.regular_amount, price.prior_lowest_amount) == (
        Decimal("80.00"),
        Decimal("100.00"),
        Decimal("100.00"),
    )
    assert list(
        PriceHistory.objects.filter(variant=variant, market=france).values_list(
            "amount", flat=True
        )
    ) == [Decimal("80.00"), Decimal("100.00")]


def test_price_added_in_the_admin_goes_through_price_set(admin_client, catalog):
    variant = catalog.variants.get()
    brazil = Market.objects.get(code="BR")
    url = _url(Variant, "change", variant.pk)
    data = _form_data(admin_client.get(url))
    total = int(data["prices-TOTAL_FORMS"])
    data.update(
        {
            "prices-TOTAL_FORMS": str(total + 1),
            f"prices-{total}-variant": str(variant.pk),
            f"prices-{total}-market": str(brazil.pk),
            f"prices-{total}-amount": "549.90",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    history = PriceHistory.objects.get(variant=variant, market=brazil)
    assert history.amount == Decimal("549.90")
    assert VariantPrice.objects.get(variant=variant, market=brazil).effective_from == (
        history.effective_from
    )


def test_staff_price_change_bumps_the_catalog_version(
    admin_client, catalog, django_capture_on_commit_callbacks
):
    variant = catalog.variants.get()
    url = _url(Variant, "change", variant.pk)
    data = _form_data(admin_client.get(url))
    before = _catalog_version()
    amount_key = next(
        k for k in data if k.startswith("prices-") and k.endswith("amount")
    )
    data[amount_key] = "42.00"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    assert response.status_code == 302
    assert _catalog_version() > before


def test_staff_stock_edit_bumps_the_catalog_version(
    admin_client, catalog, django_capture_on_commit_callbacks
):
    variant = catalog.variants.get()
    url = _url(Variant, "change", variant.pk)
    data = _form_data(admin_client.get(url))
    data["stock"] = "17"
    before = _catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, data)

    variant.refresh_from_db()
    assert variant.stock == 17
    assert _catalog_version() > before


def test_staff_product_save_bumps_the_catalog_version(
    admin_client, catalog, django_capture_on_commit_callbacks
):
    url = _url(Product, "change", catalog.pk)
    data = _form_data(admin_client.get(url))
    data["name_de"] = "Regenjacke"
    data["specifications-0-value"] = "450"
    before = _catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    assert response.status_code == 302
    assert Product.objects.get(pk=catalog.pk).name_de == "Regenjacke"
    assert Specification.objects.get(product=catalog).value == Decimal("450")
    assert _catalog_version() > before


def test_market_save_clears_the_market_cache(
    admin_client, django_capture_on_commit_callbacks
):
    us = Market.objects.get(code="US")
    assert markets_active()["US"].name_en == "United States"
    url = _url(Market, "change", us.pk)
    data = _form_data(admin_client.get(url))
    data["name_en"] = "USA"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    assert response.status_code == 302
    assert markets_active()["US"].name_en == "USA"


def test_market_privacy_regimes_are_chosen_from_the_known_ones(admin_client):
    germany = Market.objects.get(code="DE")
    url = _url(Market, "change", germany.pk)
    data = _form_data(admin_client.get(url))
    data["privacy_regimes"] = ["gdpr", "ccpa"]

    assert admin_client.post(url, data).status_code == 302
    germany.refresh_from_db()
    assert germany.privacy_regimes == ["gdpr", "ccpa"]


def test_category_added_in_the_admin_gets_its_tree_path(admin_client):
    parent = make_category(name="Outdoor")

    response = admin_client.post(
        _url(Category, "add"),
        {"parent": parent.pk, "name_en": "Tents", "slug": "tents", "position": 0},
    )

    assert response.status_code == 302
    tent = Category.objects.get(slug="tents")
    assert (tent.path, tent.depth) == (f"{parent.path}.{tent.pk:04d}", 1)


def test_category_cannot_be_moved_under_its_own_subcategory(admin_client):
    parent = make_category(name="Outdoor")
    child = make_category(name="Tents", parent=parent)
    url = _url(Category, "change", parent.pk)
    data = _form_data(admin_client.get(url))
    data["parent"] = str(child.pk)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "A category cannot be placed under itself or its subcategories."
    ]


def test_category_changelist_indents_by_depth(admin_client):
    parent = make_category(name="Outdoor")
    make_category(name="Tents", parent=parent)

    html = admin_client.get(_url(Category, "changelist")).content.decode()

    assert "— Tents" in html
    assert "— Outdoor" not in html


def test_non_image_upload_is_refused_with_a_clear_message(admin_client, catalog):
    url = _url(Product, "change", catalog.pk)
    data = _form_data(admin_client.get(url))
    new = int(data["images-TOTAL_FORMS"])
    data.update(
        {
            "images-TOTAL_FORMS": str(new + 1),
            f"images-{new}-image": SimpleUploadedFile(
                "photo.jpg", b"\x00garbage, not a JPEG" * 20, "image/jpeg"
            ),
            f"images-{new}-position": "0",
        }
    )
    before = list(ProductImage.objects.values_list("pk", flat=True))

    response = admin_client.post(url, data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors[new]["image"] == [
        "This file is not a JPEG, PNG, WebP or GIF image."
    ]
    assert list(ProductImage.objects.values_list("pk", flat=True)) == before


def test_uploaded_image_gets_thumbnails_after_commit(
    admin_client,
    catalog,
    settings,
    tmp_path,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    url = _url(Product, "change", catalog.pk)
    data = _form_data(admin_client.get(url))
    new = int(data["images-TOTAL_FORMS"])
    data.update(
        {
            "images-TOTAL_FORMS": str(new + 1),
            f"images-{new}-image": _png(size=(1000, 500)),
            f"images-{new}-alt_text_en": "A teal rain jacket",
            f"images-{new}-position": "0",
        }
    )
    before = list(ProductImage.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    assert response.status_code == 302
    image = ProductImage.objects.exclude(pk__in=before).get(product=catalog)
    with Image.open(image.thumbnail.path) as small:
        assert small.size == (320, 160)
    with Image.open(image.thumbnail_large.path) as large:
        assert large.size == (800, 400)
    html = admin_client.get(url).content.decode()
    assert f'src="{image.thumbnail.url}"' in html


def test_price_history_is_read_only(admin_client, catalog):
    entry = PriceHistory.objects.first()

    assert admin_client.get(_url(PriceHistory, "add")).status_code == 403
    response = admin_client.get(_url(PriceHistory, "change", entry.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_staff_create_a_user_who_signs_in_with_email(admin_client, client):
    response = admin_client.post(
        reverse("admin:shop_user_add"),
        {
            "email": "ana@example.com",
            "usable_password": "true",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )

    assert response.status_code == 302
    assert client.login(email="ana@example.com", password="a-long-passphrase-42")


def test_user_change_page_has_host_and_preferences(admin_client, admin_user):
    html = admin_client.get(reverse("admin:shop_user_change", args=[admin_user.pk]))
    content = html.content.decode()

    assert 'name="is_host"' in content
    assert 'name="preferred_language"' in content
    assert 'name="preferred_market"' in content
    assert 'name="username"' not in content
