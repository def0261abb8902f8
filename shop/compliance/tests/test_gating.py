"""A product missing a record its market requires is gone from every entry point of
that market: product page, listing, home, search, cart and checkout; cached pages
included. Other markets still offer it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from shop.catalog.fragments import category_page, product_detail
from shop.checkout.services.cart import CartError, cart_add, cart_get_or_create
from shop.compliance.selectors import today
from shop.compliance.services import compliance_object_delete
from shop.compliance.tests.helpers import certify, require
from shop.models import Attribute, AttributeValue, Order, ProductCertificate
from shop.orders.services import CheckoutChanged
from shop.tests.commerce_helpers import (
    CA_ADDRESS,
    RecordingProvider,
    cart_with,
    market,
    new_session,
    place,
    shipping_method,
)
from shop.tests.factories import make_category, make_product
from shop.tests.pages import _in_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def speaker():
    """A speaker in an electronics category that the US market gates on an FCC
    record, priced in the US and Germany."""
    electronics = make_category(name="Electronics")
    product = make_product(
        category=electronics,
        name="Bluetooth speaker",
        prices={"US": "49.00", "DE": "49.00"},
    )
    require(market_code="US", category=electronics, kinds=("fcc-id", "fcc-sdoc"))
    return product


def test_product_page_is_404_in_the_gating_market_only(client, speaker):
    assert _in_market(client, "US").get(f"/en/p/{speaker.slug}/").status_code == 404
    assert _in_market(client, "DE").get(f"/en/p/{speaker.slug}/").status_code == 200


def test_category_listing_leaves_the_gated_product_out(client, speaker):
    url = speaker.category.get_absolute_url()

    assert "Bluetooth speaker" not in _in_market(client, "US").get(url).text
    assert "Bluetooth speaker" in _in_market(client, "DE").get(url).text


def test_home_leaves_the_gated_product_out(client, speaker):
    assert "Bluetooth speaker" not in _in_market(client, "US").get("/en/").text
    assert "Bluetooth speaker" in _in_market(client, "DE").get("/en/").text


def test_search_leaves_the_gated_product_out(client, speaker):
    url = "/en/search/?q=speaker"

    assert "Bluetooth speaker" not in _in_market(client, "US").get(url).text
    assert "Bluetooth speaker" in _in_market(client, "DE").get(url).text


def test_a_certificate_makes_it_visible_again(client, speaker):
    certify(product=speaker, kind="fcc-sdoc")

    assert _in_market(client, "US").get(f"/en/p/{speaker.slug}/").status_code == 200


def test_a_gate_change_reaches_pages_already_cached(
    client, speaker, django_capture_on_commit_callbacks
):
    certificate = certify(product=speaker, kind="fcc-sdoc")
    _in_market(client, "US")
    assert client.get(f"/en/p/{speaker.slug}/").status_code == 200
    assert "Bluetooth speaker" in client.get("/en/").text

    with django_capture_on_commit_callbacks(execute=True):
        compliance_object_delete(obj=certificate)

    assert client.get(f"/en/p/{speaker.slug}/").status_code == 404
    assert "Bluetooth speaker" not in client.get("/en/").text


def test_a_gated_product_cannot_be_added_to_a_cart(speaker):
    cart = cart_get_or_create(
        user=AnonymousUser(), session=new_session(), market=market("US")
    )

    with pytest.raises(CartError) as refused:
        cart_add(cart=cart, variant_id=speaker.variants.get().pk, quantity=1)

    assert str(refused.value) == (
        "Bluetooth speaker cannot be sold in United States: a required safety "
        "record or certificate is missing."
    )


def test_checkout_of_a_cart_made_before_the_gate_refuses_the_line_and_charges_nothing(
    speaker,
):
    certificate = certify(product=speaker, kind="fcc-sdoc")
    cart = cart_with([(speaker, 1)], market_code="US")
    method = shipping_method(market_code="US", countries=["US"])
    ProductCertificate.objects.filter(pk=certificate.pk).delete()
    provider = RecordingProvider()

    with pytest.raises(CheckoutChanged) as changed:
        place(cart, CA_ADDRESS, method, provider=provider)

    assert changed.value.messages == [
        "Bluetooth speaker cannot be sold in United States: a required safety "
        "record or certificate is missing.",
        "Please check the new summary; nothing was charged.",
    ]
    assert provider.charges == []
    assert Order.objects.count() == 0
    assert cart.lines.count() == 0


def test_an_expired_certificate_gates(client, speaker):
    certify(product=speaker, kind="fcc-id", expires_on=today() - timedelta(days=1))

    assert _in_market(client, "US").get(f"/en/p/{speaker.slug}/").status_code == 404


@pytest.fixture
def colours(speaker):
    """The gated speaker is red; a certified cable in the same category is blue:
    one attribute, a value from each."""
    colour = Attribute.objects.create(name="Colour", slug="colour")
    red = AttributeValue.objects.create(attribute=colour, name="Red", slug="red")
    blue = AttributeValue.objects.create(attribute=colour, name="Blue", slug="blue")
    speaker.variants.get().values.add(red)
    cable = make_product(
        category=speaker.category, name="Audio cable", prices={"US": "9.00"}
    )
    cable.variants.get().values.add(blue)
    certify(product=cable, kind="fcc-sdoc")
    return red, blue


def _facet_slugs(category, code: str) -> list[str]:
    page = category_page(
        slug=category.slug, market=market(code), path=category.get_absolute_url()
    )
    assert page is not None
    return [value.slug for group in page.facets for value in group.values]


def test_listing_filters_offer_no_value_of_a_gated_product(client, speaker, colours):
    html = _in_market(client, "US").get(speaker.category.get_absolute_url()).text

    assert _facet_slugs(speaker.category, "US") == ["blue"]
    assert 'value="blue"' in html
    assert 'value="red"' not in html


def test_listing_filters_of_another_market_keep_the_value(speaker, colours):
    assert _facet_slugs(speaker.category, "DE") == ["red"]


def test_a_gated_products_value_returns_to_the_filters_when_it_is_certified(
    speaker, colours, django_capture_on_commit_callbacks
):
    assert _facet_slugs(speaker.category, "US") == ["blue"]

    with django_capture_on_commit_callbacks(execute=True):
        certify(product=speaker, kind="fcc-id")

    assert _facet_slugs(speaker.category, "US") == ["blue", "red"]


def test_cached_filters_do_not_outlive_the_day_a_certificate_lapses(
    speaker, colours, monkeypatch
):
    certify(product=speaker, kind="fcc-id", expires_on=today())
    assert _facet_slugs(speaker.category, "US") == ["blue", "red"]

    # No write and no daily task yet: only the date has moved on.
    tomorrow = today() + timedelta(days=1)
    monkeypatch.setattr("shop.compliance.selectors.today", lambda: tomorrow)
    monkeypatch.setattr("shop.catalog.fragments.today", lambda: tomorrow)

    assert _facet_slugs(speaker.category, "US") == ["blue"]


def test_a_cached_product_detail_does_not_outlive_the_day_a_certificate_lapses(
    speaker, monkeypatch
):
    certify(product=speaker, kind="fcc-id", expires_on=today())
    assert product_detail(slug=speaker.slug, market=market("US")) is not None

    tomorrow = today() + timedelta(days=1)
    monkeypatch.setattr("shop.compliance.selectors.today", lambda: tomorrow)
    monkeypatch.setattr("shop.catalog.fragments.today", lambda: tomorrow)

    assert product_detail(slug=speaker.slug, market=market("US")) is None
