"""The demo data: one module-wide seeding (run twice) that every test reads."""

import io
import json
import shutil
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from modeltranslation.utils import build_localized_fieldname

from shop.management.demo.loader import DATA_DIR, DemoDataError, load_catalog
from shop.models import (
    Attribute,
    AttributeValue,
    Category,
    Market,
    Order,
    PriceHistory,
    Product,
    ProductImage,
    Shipment,
    Specification,
    SpecificationKind,
    User,
    Variant,
    VariantPrice,
)

LANGUAGES = ("en", "de", "fr", "es", "pt-br", "id")
PASSWORD = "tradewind-demo"  # noqa: S105
COUNTED = (
    Category,
    Attribute,
    AttributeValue,
    Product,
    Variant,
    VariantPrice,
    PriceHistory,
    Specification,
    ProductImage,
    User,
    EmailAddress,
    Order,
    Shipment,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def _media_files(root) -> list[str]:
    return sorted(
        str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed twice inside one transaction that is rolled back after the module."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            first_output = io.StringIO()
            call_command("seed_demo", "--force", stdout=first_output)
            first, first_files = _counts(), _media_files(media)
            second_output = io.StringIO()
            call_command("seed_demo", "--force", stdout=second_output)
            yield SimpleNamespace(
                first=first,
                second=_counts(),
                first_files=first_files,
                second_files=_media_files(media),
                output=first_output.getvalue(),
                media=media,
            )
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_seeding_twice_leaves_the_same_rows_and_files(demo):
    assert demo.second == demo.first
    assert demo.second_files == demo.first_files


def test_there_are_at_least_60_products_in_at_least_6_top_level_categories(demo):
    top_level = Category.objects.filter(parent=None)

    assert Product.objects.filter(is_active=True).count() >= 60
    assert top_level.count() >= 6
    assert all(category.children.exists() for category in top_level)


@pytest.mark.parametrize("field", ["name", "description"])
def test_every_product_is_written_in_every_shopper_language(demo, field):
    columns = [build_localized_fieldname(field, language) for language in LANGUAGES]

    rows = list(Product.objects.values_list(*columns))

    assert rows
    assert [row for row in rows if not all(text.strip() for text in row)] == []


@pytest.mark.parametrize("model", [Category, Attribute, AttributeValue])
def test_categories_and_attributes_are_named_in_every_shopper_language(demo, model):
    columns = [build_localized_fieldname("name", language) for language in LANGUAGES]

    rows = list(model.objects.values_list(*columns))

    assert rows
    assert [row for row in rows if not all(text.strip() for text in row)] == []


def test_descriptions_follow_the_tone_of_each_language(demo):
    kettle = Product.objects.get(slug="electric-kettle-brew-plus")

    assert "Made from stainless steel." in kettle.description_en
    assert "Gewicht: 1.100 g." in kettle.description_de
    assert "Leistung: 2.200 W." in kettle.description_de
    assert "Matière\u00a0: acier inoxydable." in kettle.description_fr
    assert "Bahan: baja tahan karat." in kettle.description_ind


def test_every_product_has_one_to_six_variants(demo):
    counts = [p.variants.count() for p in Product.objects.prefetch_related("variants")]

    assert min(counts) == 1
    assert max(counts) == 6


def test_apparel_variants_carry_colour_and_size(demo):
    variant = Variant.objects.get(sku="RAIN-JACKET-FJORD-BLUE-M")

    assert sorted(v.slug for v in variant.values.all()) == ["blue", "m"]


def test_some_variants_are_out_of_stock_and_most_are_not(demo):
    stocks = list(Variant.objects.values_list("stock", flat=True))

    assert 0 < stocks.count(0) < len(stocks) / 2


def test_every_variant_has_a_price_in_every_active_market(demo):
    markets = set(Market.objects.filter(is_active=True).values_list("pk", flat=True))
    priced = {}
    for variant_id, market_id in VariantPrice.objects.values_list(
        "variant_id", "market_id"
    ):
        priced.setdefault(variant_id, set()).add(market_id)

    assert len(markets) == 7
    assert set(Variant.objects.values_list("pk", flat=True)) == set(priced)
    assert all(found == markets for found in priced.values())


def test_prices_are_rounded_to_price_points_of_their_currency(demo):
    prices = VariantPrice.objects.select_related("market")
    endings = {"USD": "99", "EUR": "99", "GBP": "99", "BRL": "90", "IDR": "00"}

    for price in prices:
        for amount in (price.amount, price.regular_amount):
            if amount is None:
                continue
            assert f"{amount:.2f}"[-2:] == endings[price.market.currency], price
            if price.market.currency == "IDR":
                assert amount % 1000 == 0


def test_euro_prices_include_the_vat_of_their_market(demo):
    prices = dict(
        VariantPrice.objects.filter(
            variant__sku="ELECTRIC-KETTLE-BREW-PLUS-WHITE"
        ).values_list("market__code", "amount")
    )

    assert prices["US"] < prices["DE"] < prices["ES"]


def test_discounts_have_a_meaningful_30_day_prior_lowest_price(demo):
    discounted = VariantPrice.objects.filter(regular_amount__isnull=False)

    assert discounted.count() >= 3
    for price in discounted:
        assert price.amount < price.prior_lowest_amount < price.regular_amount
        history = PriceHistory.objects.filter(
            variant=price.variant, market=price.market
        )
        assert sorted(history.values_list("amount", flat=True)) == sorted(
            [price.amount, price.prior_lowest_amount, price.regular_amount]
        )


def test_every_product_has_measured_specifications(demo):
    kinds = {}
    for product_id, kind in Specification.objects.values_list("product_id", "kind"):
        kinds.setdefault(product_id, set()).add(kind)

    assert len(kinds) == Product.objects.count()
    assert all(
        {SpecificationKind.DIMENSIONS, SpecificationKind.WEIGHT, SpecificationKind.TEXT}
        <= found
        for found in kinds.values()
    )
    kettle = Product.objects.get(slug="electric-kettle-brew-plus")
    assert kettle.specifications.get(kind=SpecificationKind.POWER).value == 2200


def test_every_product_has_an_image_with_thumbnails(demo):
    images = {image.product_id: image for image in ProductImage.objects.all()}

    assert set(images) == set(Product.objects.values_list("pk", flat=True))
    for image in images.values():
        for field in (image.image, image.thumbnail, image.thumbnail_large):
            assert (demo.media / field.name).is_file()
        assert image.alt_text_de


def test_the_command_reports_progress_and_the_demo_logins(demo):
    total = Product.objects.count()

    assert f"Products: {total}/{total}" in demo.output
    assert "Products: 10/" in demo.output
    for email in ("shopper@example.com", "host@example.com", "staff@example.com"):
        assert email in demo.output
    assert PASSWORD in demo.output


def test_demo_accounts_have_their_roles(demo):
    users = {user.email: user for user in User.objects.all()}

    assert users["host@example.com"].is_host
    assert users["staff@example.com"].is_staff
    assert not users["staff@example.com"].is_superuser
    assert not any(user.is_superuser for user in users.values())
    assert not users["shopper@example.com"].is_staff
    assert not users["shopper@example.com"].is_host
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 3


@pytest.mark.parametrize(
    "email", ["shopper@example.com", "host@example.com", "staff@example.com"]
)
def test_demo_accounts_can_sign_in(demo, client, email):
    response = client.post(
        reverse("account_login"), {"login": email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


def test_staff_demo_account_can_open_the_admin(demo, client):
    assert client.login(email="staff@example.com", password=PASSWORD)

    assert client.get(reverse("admin:shop_product_changelist")).status_code == 200


def test_staff_demo_account_cannot_grant_rights(demo, client):
    assert client.login(email="staff@example.com", password=PASSWORD)

    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_seed_demo_refuses_production_settings_without_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", "--products", "0")


def test_demo_data_files_are_pretty_printed_utf8_json():
    files = sorted(DATA_DIR.glob("*.json"))

    assert len(files) >= 7
    for path in files:
        text = path.read_bytes().decode("utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_demo_amounts_are_read_exactly_and_must_be_strings(tmp_path):
    catalog = load_catalog()
    kettle = next(p for p in catalog.product_types if p.key == "electric-kettle")
    assert str(kettle.usd_net) == "49"
    assert [str(line.price_scale) for line in kettle.lines] == ["0.8", "1", "1.4"]
    data = shutil.copytree(DATA_DIR, tmp_path / "demo")
    products = json.loads((data / "products.json").read_text(encoding="utf-8"))
    products[0]["usd_net"] = 119.0
    (data / "products.json").write_text(json.dumps(products), encoding="utf-8")

    with pytest.raises(DemoDataError, match="rain-jacket: expected a decimal string"):
        load_catalog(data)


def test_demo_texts_must_be_given_in_every_shopper_language(tmp_path):
    data = shutil.copytree(DATA_DIR, tmp_path / "demo")
    categories = json.loads((data / "categories.json").read_text(encoding="utf-8"))
    del categories[0]["names"]["id"]
    (data / "categories.json").write_text(json.dumps(categories), encoding="utf-8")

    with pytest.raises(DemoDataError, match="categories.json outdoor"):
        load_catalog(data)


def test_the_demo_shopper_has_orders_with_parcels_and_a_guest_order_exists(demo):
    orders = {
        order.number: order
        for order in Order.objects.filter(number__startswith="TW-DEMO")
    }

    assert sorted(orders) == ["TW-DEMO01", "TW-DEMO02", "TW-DEMO03", "TW-DEMO04"]
    assert {orders[n].user.email for n in ("TW-DEMO01", "TW-DEMO02", "TW-DEMO03")} == {
        "shopper@example.com"
    }
    assert (orders["TW-DEMO04"].user, orders["TW-DEMO04"].email) == (
        None,
        "gast@example.com",
    )
    statuses = {number: order.status for number, order in orders.items()}
    assert statuses == {
        "TW-DEMO01": "delivered",
        "TW-DEMO02": "shipped",
        "TW-DEMO03": "paid",
        "TW-DEMO04": "shipped",
    }
    assert Shipment.objects.filter(order__number__startswith="TW-DEMO").count() == 3


def test_demo_orders_have_the_history_checkout_leaves(demo):
    for order in Order.objects.filter(number__startswith="TW-DEMO"):
        history = list(
            order.events.order_by("created_at", "id").values_list("status", flat=True)
        )
        assert history[:2] == ["pending_payment", "paid"], order.number
        assert history[-1] == order.status, order.number


def test_an_order_without_events_shows_no_empty_history(demo, client):
    order = Order.objects.get(number="TW-DEMO03")
    client.force_login(order.user)
    url = reverse("shop:order_detail", kwargs={"number": order.number})

    assert 'id="order-history"' in client.get(url).content.decode()
    order.events.all().delete()
    assert 'id="order-history"' not in client.get(url).content.decode()
