"""The effective price on the pages, in the cart and in placed orders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from shop.models import Market, Product, Variant
from shop.pricing.services import price_set, promotion_start
from shop.tests.commerce_helpers import DE_ADDRESS, cart_with, place, shipping_method
from shop.tests.factories import make_product
from shop.tests.pages import no_page_cache  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_while_arranging():
    with translation.override("en"):
        yield


def _market(code: str) -> Market:
    return Market.objects.get(code=code)


def _down_jacket() -> Product:
    """The demo's down jacket in DE: 194.99, then 174.99, now 144.99 on sale."""
    jacket = make_product(name="Down jacket Bergen")
    variant, de, now = jacket.variants.get(), _market("DE"), timezone.now()
    price_set(
        variant=variant, market=de, amount=Decimal("194.99"), at=now - timedelta(45)
    )
    price_set(
        variant=variant, market=de, amount=Decimal("174.99"), at=now - timedelta(20)
    )
    price_set(
        variant=variant,
        market=de,
        amount=Decimal("144.99"),
        regular_amount=Decimal("194.99"),
        at=now,
    )
    return jacket


def _promote(variant: Variant, code: str, amount: str, minutes: int = 10):
    price = variant.prices.select_related("variant", "market").get(market=_market(code))
    return promotion_start(
        price=price,
        amount=Decimal(amount),
        ends_at=timezone.now() + timedelta(minutes=minutes),
        label="Live show 1",
    )


def test_down_jacket_page_in_de_shows_17_percent_from_the_30_day_low(
    client,
    no_page_cache,  # noqa: F811
):
    jacket = _down_jacket()
    client.cookies["tw_market"] = "DE"

    page = client.get(f"/de/p/{jacket.slug}/").content.decode()

    assert '<span class="price__badge">−17 %</span>' in page
    assert '<del class="price__regular">174,99\xa0€</del>' in page
    assert '<strong class="price__amount">144,99\xa0€</strong>' in page
    assert "−26 %" not in page
    assert "194,99" not in page


def test_down_jacket_card_in_de_shows_the_same_numbers(client, no_page_cache):  # noqa: F811
    jacket = _down_jacket()
    client.cookies["tw_market"] = "DE"

    page = client.get(f"/de/c/{jacket.category.slug}/").content.decode()

    assert '<span class="price__badge">−17 %</span>' in page
    assert '<del class="price__regular">174,99\xa0€</del>' in page
    assert "−26 %" not in page


def test_product_page_shows_a_running_promotion_with_its_end(client, no_page_cache):  # noqa: F811
    product = make_product(prices={"US": "100.00"})
    _promote(product.variants.get(), "US", "75.00", minutes=10)
    client.cookies["tw_market"] = "US"

    page = client.get(f"/en/p/{product.slug}/").content.decode()

    assert '<strong class="price__amount">$75.00</strong>' in page
    assert '<del class="price__regular">$100.00</del>' in page
    assert '<span class="price__badge">−25 %</span>' in page
    assert "Flash deal: ends in 9:5" in page


def test_starting_a_promotion_refreshes_the_cached_product_page(
    client, django_capture_on_commit_callbacks
):
    product = make_product(prices={"US": "100.00"})
    client.cookies["tw_market"] = "US"
    assert "$100.00" in client.get(f"/en/p/{product.slug}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _promote(product.variants.get(), "US", "75.00")

    page = client.get(f"/en/p/{product.slug}/").content.decode()
    assert '<strong class="price__amount">$75.00</strong>' in page


def test_cart_checkout_and_order_pay_the_promotion_price():
    product = make_product(prices={"DE": "119.00"})
    _promote(product.variants.get(), "DE", "95.20")
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(product, 2)], market_code="DE")

    order = place(cart, DE_ADDRESS, method)

    (line,) = order.lines.all()
    assert line.unit_gross_amount == Decimal("95.20")  # DE prices are gross
    assert order.total == Decimal("196.35")
