"""Flash deals: who may start them, their prices per market, the price hook of the
cart and checkout, the EU prior-price rule, and adding to the cart from a show."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from config.asgi import application
from live import selectors
from live.models import FlashDeal, Show
from live.services import deals as deal_services
from live.services.deals import (
    DealError,
    flash_deal_amount,
    flash_deal_end,
    flash_deal_start,
)
from live.services.shows import product_pin, show_end, show_start
from live.tests.factories import make_host, make_show, make_user
from shop.models import CartLine, Market, Variant
from shop.services.cart import cart_line_unit_amount, cart_rows
from shop.services.checkout import checkout_summary
from shop.services.pricing import price_set
from shop.tests.commerce_helpers import DE_ADDRESS, cart_with, shipping_method
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_while_arranging():
    with translation.override("en"):
        yield


def _market(code: str) -> Market:
    return Market.objects.get(code=code)


def _live_with_pinned(product, **fields) -> Show:
    """A live show featuring `product`, pinned by its host."""
    show = make_show(products=[product], **fields)
    show_start(show=show, host=show.host)
    product_pin(show=show, product=product, by=show.host)
    return show


def _amounts(deals) -> dict[str, Decimal]:
    return {deal.market.code: deal.amount for deal in deals}


def _expire(show: Show) -> None:
    """Move the show's deals into the past, as if their minutes had run out."""
    now = timezone.now()
    FlashDeal.objects.filter(show=show).update(
        starts_at=now - timedelta(minutes=10), ends_at=now - timedelta(seconds=1)
    )


# --- Who may start a deal, and on what --------------------------------------------


def test_host_starts_a_deal_priced_from_the_current_price_in_every_market():
    jacket = make_product(prices={"US": "100.00", "DE": "119.00", "BR": "249.90"})
    show = _live_with_pinned(jacket)

    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )

    assert _amounts(deals) == {
        "US": Decimal("80.00"),
        "DE": Decimal("95.20"),
        "BR": Decimal("199.92"),
    }
    assert {deal.ends_at - deal.starts_at for deal in deals} == {timedelta(minutes=5)}
    assert {deal.created_by_id for deal in deals} == {show.host.pk}


def test_deal_amounts_are_rounded_half_up_to_cents_once():
    mug = make_product(prices={"US": "19.99", "DE": "0.99"})
    show = _live_with_pinned(mug)

    deals = flash_deal_start(
        show=show, product=mug, by=show.host, minutes=5, percent_off=15
    )

    # 19.99 * 0.85 = 16.9915 and 0.99 * 0.85 = 0.8415
    assert _amounts(deals) == {"US": Decimal("16.99"), "DE": Decimal("0.84")}


def test_every_variant_of_the_pinned_product_gets_the_deal():
    jacket = make_product(prices={"US": "100.00"})
    second = Variant.objects.create(product=jacket, sku="JACKET-L", stock=3)
    price_set(variant=second, market=_market("US"), amount=Decimal("110.00"))
    show = _live_with_pinned(jacket)

    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=10
    )

    assert {deal.variant.sku: deal.amount for deal in deals} == {
        jacket.variants.get(sku__startswith="SKU-").sku: Decimal("90.00"),
        "JACKET-L": Decimal("99.00"),
    }


def test_a_deal_runs_only_in_the_markets_of_its_show():
    jacket = make_product(prices={"US": "100.00", "DE": "119.00"})
    show = _live_with_pinned(jacket)
    show.markets.set([_market("DE")])

    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )

    assert _amounts(deals) == {"DE": Decimal("95.20")}


def test_fixed_amounts_set_the_deal_price_per_variant_and_market():
    jacket = make_product(prices={"US": "100.00", "DE": "119.00"})
    variant = jacket.variants.get()
    show = _live_with_pinned(jacket)

    deals = flash_deal_start(
        show=show,
        product=jacket,
        by=show.host,
        minutes=10,
        amounts={(variant.pk, _market("DE").pk): Decimal("89.999")},
    )

    assert _amounts(deals) == {"DE": Decimal("90.00")}


def test_a_fixed_amount_at_or_above_the_current_price_is_refused():
    jacket = make_product(prices={"DE": "119.00"})
    show = _live_with_pinned(jacket)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show,
            product=jacket,
            by=show.host,
            minutes=10,
            amounts={(jacket.variants.get().pk, _market("DE").pk): Decimal("119.00")},
        )

    assert refused.value.code == "amount"
    assert FlashDeal.objects.count() == 0


def test_a_viewer_cannot_start_a_deal():
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)

    with pytest.raises(PermissionDenied):
        flash_deal_start(
            show=show, product=jacket, by=make_user(), minutes=5, percent_off=20
        )

    assert FlashDeal.objects.count() == 0


def test_the_host_of_another_show_cannot_start_a_deal_in_this_one():
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    other_host = make_host()
    make_show(host=other_host)

    with pytest.raises(PermissionDenied):
        flash_deal_start(
            show=show, product=jacket, by=other_host, minutes=5, percent_off=20
        )

    assert FlashDeal.objects.count() == 0


def test_staff_can_start_a_deal():
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    staff = make_user(is_staff=True)

    deals = flash_deal_start(
        show=show, product=jacket, by=staff, minutes=5, percent_off=20
    )

    assert _amounts(deals) == {"US": Decimal("80.00")}


def test_no_deal_before_the_show_is_live():
    jacket = make_product(prices={"US": "100.00"})
    show = make_show(products=[jacket])

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=5, percent_off=20
        )

    assert refused.value.code == "not_live"
    assert FlashDeal.objects.count() == 0


def test_no_deal_after_the_show_ended():
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    show_end(show=show, host=show.host)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=5, percent_off=20
        )

    assert refused.value.code == "not_live"


def test_no_deal_on_a_featured_product_that_is_not_pinned():
    jacket = make_product(prices={"US": "100.00"})
    boots = make_product(prices={"US": "80.00"})
    show = make_show(products=[jacket, boots])
    show_start(show=show, host=show.host)
    product_pin(show=show, product=jacket, by=show.host)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=boots, by=show.host, minutes=5, percent_off=20
        )

    assert refused.value.code == "not_pinned"
    assert FlashDeal.objects.count() == 0


@pytest.mark.parametrize("minutes", [0, 61, -5])
def test_deal_length_outside_one_to_sixty_minutes_is_refused(minutes):
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=minutes, percent_off=20
        )

    assert refused.value.code == "minutes"
    assert FlashDeal.objects.count() == 0


@pytest.mark.parametrize("minutes", [1, 60])
def test_deal_length_of_one_and_sixty_minutes_is_accepted(minutes):
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)

    (deal,) = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=minutes, percent_off=20
    )

    assert deal.ends_at - deal.starts_at == timedelta(minutes=minutes)


@pytest.mark.parametrize("percent", [0, 91, "lots"])
def test_percent_off_outside_the_bounds_is_refused(percent):
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=5, percent_off=percent
        )

    assert refused.value.code == "percent"


# --- One deal at a time -------------------------------------------------------------


def test_a_second_deal_while_one_runs_is_refused():
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    with pytest.raises(DealError) as refused:
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=5, percent_off=30
        )

    assert refused.value.code == "running"
    assert list(FlashDeal.objects.values_list("amount", flat=True)) == [
        Decimal("80.00")
    ]


def test_the_database_refuses_overlapping_deals_for_a_variant_in_a_market():
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    (deal,) = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=10, percent_off=20
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        FlashDeal.objects.create(
            show=show,
            variant=deal.variant,
            market=deal.market,
            amount=Decimal("50.00"),
            starts_at=deal.starts_at + timedelta(minutes=5),
            ends_at=deal.ends_at + timedelta(minutes=5),
        )

    assert FlashDeal.objects.count() == 1


def test_the_database_allows_back_to_back_deals_and_other_markets():
    jacket = make_product(prices={"US": "100.00", "DE": "119.00"})
    show = _live_with_pinned(jacket)
    show.markets.set([_market("US")])
    (deal,) = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=10, percent_off=20
    )

    FlashDeal.objects.create(
        show=show,
        variant=deal.variant,
        market=deal.market,
        amount=Decimal("70.00"),
        starts_at=deal.ends_at,
        ends_at=deal.ends_at + timedelta(minutes=5),
    )
    FlashDeal.objects.create(
        show=show,
        variant=deal.variant,
        market=_market("DE"),
        amount=Decimal("99.00"),
        starts_at=deal.starts_at,
        ends_at=deal.ends_at,
    )

    assert FlashDeal.objects.count() == 3


@pytest.mark.parametrize(
    ("amount", "minutes"), [(Decimal("0.00"), 5), (Decimal("-1.00"), 5)]
)
def test_the_database_refuses_a_deal_price_that_is_not_positive(amount, minutes):
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    now = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        FlashDeal.objects.create(
            show=show,
            variant=jacket.variants.get(),
            market=_market("US"),
            amount=amount,
            starts_at=now,
            ends_at=now + timedelta(minutes=minutes),
        )


def test_the_database_refuses_a_deal_that_ends_before_it_starts():
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    now = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        FlashDeal.objects.create(
            show=show,
            variant=jacket.variants.get(),
            market=_market("US"),
            amount=Decimal("10.00"),
            starts_at=now,
            ends_at=now,
        )


def test_ending_a_deal_restores_the_price_and_allows_a_new_one():
    jacket = make_product(prices={"US": "100.00"})
    variant, us = jacket.variants.get(), _market("US")
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    ended = flash_deal_end(show=show, product=jacket, by=show.host)

    assert ended == 1
    assert cart_line_unit_amount(variant=variant, market=us) == Decimal("100.00")
    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=30
    )
    assert _amounts(deals) == {"US": Decimal("70.00")}


def test_ending_without_a_running_deal_is_refused():
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)

    with pytest.raises(DealError) as refused:
        flash_deal_end(show=show, product=jacket, by=show.host)

    assert refused.value.code == "no_deal"


def test_a_viewer_cannot_end_a_deal():
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    with pytest.raises(PermissionDenied):
        flash_deal_end(show=show, product=jacket, by=make_user())

    assert flash_deal_amount(
        variant=jacket.variants.get(), market=_market("US"), at=timezone.now()
    ) == Decimal("80.00")


# --- What viewers are told, on server time ------------------------------------------


def test_deal_start_announces_ends_at_and_the_server_clock_in_utc(
    monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(
        deal_services.realtime,
        "item_publish",
        lambda **kwargs: published.append(kwargs),
    )
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)

    with django_capture_on_commit_callbacks(execute=True):
        (deal,) = flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=5, percent_off=20
        )

    assert len(published) == 1
    assert published[0]["show_id"] == show.pk
    item = published[0]["item"]
    assert {key: item[key] for key in ("kind", "state", "product_id")} == {
        "kind": "deal",
        "state": "started",
        "product_id": jacket.pk,
    }
    assert item["ends_at"].endswith("Z") and item["server_now"].endswith("Z")
    ends_at = datetime.fromisoformat(item["ends_at"])
    server_now = datetime.fromisoformat(item["server_now"])
    assert ends_at == deal.ends_at.replace(
        microsecond=deal.ends_at.microsecond // 1000 * 1000
    )
    assert abs(server_now - timezone.now()) < timedelta(seconds=5)
    assert timedelta(minutes=4) < ends_at - server_now <= timedelta(minutes=5)


def test_deal_end_announces_the_end(monkeypatch, django_capture_on_commit_callbacks):
    published = []
    monkeypatch.setattr(
        deal_services.realtime,
        "item_publish",
        lambda **kwargs: published.append(kwargs["item"]),
    )
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    with django_capture_on_commit_callbacks(execute=True):
        flash_deal_end(show=show, product=jacket, by=show.host)

    assert [(item["kind"], item["state"]) for item in published] == [("deal", "ended")]


def test_nothing_is_announced_when_the_deal_is_refused(
    monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(
        deal_services.realtime, "item_publish", lambda **kw: published.append(kw)
    )
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DealError):
        flash_deal_start(
            show=show, product=jacket, by=show.host, minutes=99, percent_off=20
        )

    assert published == []


# --- The price holds in the cart and at checkout ---------------------------------


def test_a_cart_line_added_during_a_deal_keeps_the_deal_price_while_it_runs():
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"})
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")

    cart = cart_with([(jacket, 2)], market_code="DE")

    assert CartLine.objects.get(cart=cart).unit_amount == Decimal("95.20")
    (row,) = cart_rows(cart=cart)
    assert (row.unit_amount, row.line_amount, row.price_changed) == (
        Decimal("95.20"),
        Decimal("190.40"),
        False,
    )
    summary = checkout_summary(
        cart=cart, address=DE_ADDRESS, shipping_method_id=method.pk
    )
    assert summary.stale is False
    assert summary.subtotal == Decimal("190.40")
    assert summary.total == Decimal("196.35")


def test_the_deal_price_holds_at_checkout_until_the_last_moment():
    jacket = make_product(prices={"DE": "119.00"})
    show = _live_with_pinned(jacket)
    (deal,) = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(jacket, 1)], market_code="DE")

    just_before = checkout_summary(
        cart=cart,
        address=DE_ADDRESS,
        shipping_method_id=method.pk,
        now=deal.ends_at - timedelta(microseconds=1),
    )
    at_the_end = checkout_summary(
        cart=cart, address=DE_ADDRESS, shipping_method_id=method.pk, now=deal.ends_at
    )

    assert (just_before.subtotal, just_before.stale) == (Decimal("95.20"), False)
    assert (at_the_end.subtotal, at_the_end.stale) == (Decimal("119.00"), True)


def test_a_deal_in_one_market_leaves_other_markets_at_their_price():
    jacket = make_product(prices={"US": "100.00", "DE": "119.00"})
    show = _live_with_pinned(jacket)
    show.markets.set([_market("DE")])
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    cart = cart_with([(jacket, 1)], market_code="US")

    assert CartLine.objects.get(cart=cart).unit_amount == Decimal("100.00")


def test_after_the_deal_ends_checkout_reprices_and_says_the_price_changed(client):
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"})
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    client.cookies["tw_market"] = "DE"
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})
    assert CartLine.objects.get().unit_amount == Decimal("95.20")

    _expire(show)
    client.post(
        "/en/checkout/",
        {
            "email": "kunde@example.com",
            "full_name": "Erika Mustermann",
            "line1": "Hauptstraße 5",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
    )
    client.post("/en/checkout/shipping/", {"method": method.pk})
    response = client.get("/en/checkout/review/")

    page = response.content.decode()
    assert "The price of Rain jacket changed." in page
    assert response.context["summary"].total == Decimal("124.95")
    assert CartLine.objects.get().unit_amount == Decimal("119.00")


# --- The EU prior-price rule --------------------------------------------------------


def _jacket_with_history(*, name: str = "Rain jacket"):
    """119.00 in DE now; 99.00 twenty days ago; 100.00 in the US."""
    jacket = make_product(name=name, prices={"US": "100.00"})
    variant, de = jacket.variants.get(), _market("DE")
    now = timezone.now()
    price_set(
        variant=variant, market=de, amount=Decimal("99.00"), at=now - timedelta(days=20)
    )
    price_set(
        variant=variant,
        market=de,
        amount=Decimal("119.00"),
        at=now - timedelta(days=10),
    )
    return jacket


def test_the_deal_keeps_the_lowest_price_of_the_30_days_before_it_started():
    jacket = _jacket_with_history()
    show = _live_with_pinned(jacket)

    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )

    assert {d.market.code: d.prior_lowest_amount for d in deals} == {
        "DE": Decimal("99.00"),
        "US": Decimal("100.00"),
    }


def test_german_viewers_see_the_prior_lowest_price_beside_the_deal(client):
    jacket = _jacket_with_history()
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.cookies["tw_market"] = "DE"

    page = client.get(f"/en/live/{show.pk}/").content.decode()

    offer = _offer_html(page)
    assert "Flash deal: 20% off" in offer
    assert (
        '<del class="live-offer__regular" data-offer-regular>119,00\xa0€</del>' in offer
    )
    assert (
        '<strong class="live-offer__amount" data-offer-price>95,20\xa0€</strong>'
        in offer
    )
    assert "Lowest price in the last 30 days: 99,00\xa0€" in offer


def test_us_viewers_see_the_deal_without_a_prior_price(client):
    jacket = _jacket_with_history()
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.cookies["tw_market"] = "US"

    page = client.get(f"/en/live/{show.pk}/").content.decode()

    offer = _offer_html(page)
    assert '<del class="live-offer__regular" data-offer-regular>$100.00</del>' in offer
    assert (
        '<strong class="live-offer__amount" data-offer-price>$80.00</strong>' in offer
    )
    assert '<p class="live-offer__prior" data-offer-prior hidden></p>' in offer
    assert "Lowest price in the last 30 days: $" not in offer


def test_the_german_cart_shows_the_prior_lowest_price_during_a_deal(client):
    jacket = _jacket_with_history()
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.cookies["tw_market"] = "DE"
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})

    page = client.get("/en/cart/").content.decode()

    assert "<del>119,00\xa0€</del>" in page
    assert "Lowest price in the last 30 days: 99,00\xa0€" in page


def test_the_us_cart_shows_the_deal_without_a_prior_price(client):
    jacket = _jacket_with_history()
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.cookies["tw_market"] = "US"
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})

    page = client.get("/en/cart/").content.decode()

    assert "<del>$100.00</del>" in page
    assert "Lowest price in the last 30 days" not in page


def test_the_cart_shows_no_deal_after_it_ended(client):
    jacket = _jacket_with_history()
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.cookies["tw_market"] = "DE"
    client.post("/en/cart/add/", {"variant": jacket.variants.get().pk, "quantity": 1})
    _expire(show)

    page = client.get("/en/cart/").content.decode()

    assert "Lowest price in the last 30 days" not in page
    assert "Price changed since you added it (was 95,20\xa0€)." in page


# --- The viewer page: countdown and add to cart ---------------------------------


def _offer_html(page: str) -> str:
    match = re.search(r'<div id="live-offer".*?</form>', page, re.S)
    assert match, "no buy box on the page"
    return match.group(0)


def test_the_offer_fragment_carries_the_deal_end_and_the_server_clock(client):
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    (deal,) = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )

    response = client.get(f"/en/live/{show.pk}/offer/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    ends_at = re.search(r'data-deal-ends-at="([^"]+)"', html).group(1)
    server_now = re.search(r'data-server-now="([^"]+)"', html).group(1)
    assert ends_at == selectors.iso_utc(deal.ends_at)
    assert ends_at.endswith("Z") and server_now.endswith("Z")
    assert abs(datetime.fromisoformat(server_now) - timezone.now()) < timedelta(
        seconds=5
    )
    assert re.search(r'<time role="timer" data-countdown [^>]*>4:5\d</time>', html)


def test_the_offer_fragment_is_empty_when_nothing_is_pinned(client):
    show = make_show()
    show_start(show=show, host=show.host)

    response = client.get(f"/en/live/{show.pk}/offer/")

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_show_page_lets_the_viewer_choose_a_variant_when_there_are_several(
    client,
):
    jacket = make_product(prices={"US": "100.00"})
    large = Variant.objects.create(product=jacket, sku="JACKET-L", stock=3)
    price_set(variant=large, market=_market("US"), amount=Decimal("110.00"))
    show = _live_with_pinned(jacket)
    client.cookies["tw_market"] = "US"

    offer = _offer_html(client.get(f"/en/live/{show.pk}/").content.decode())

    assert f'<option value="{large.pk}" data-price="$110.00"' in offer
    assert f'<option value="{jacket.variants.get(sku__startswith="SKU-").pk}"' in offer
    assert 'name="variant" data-variant-select' in offer


def _show_page_form(client: Client, show: Show) -> tuple[str, dict[str, str]]:
    """The buy box's form action and hidden fields, as the page's script reads them."""
    offer = _offer_html(client.get(f"/en/live/{show.pk}/").content.decode())
    action = re.search(
        r'<form class="live-offer__form" method="post" action="([^"]+)"', offer
    ).group(1)
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', offer)
    )
    return action, fields


def test_add_to_cart_from_the_show_page_answers_json_with_the_cart_count():
    client = Client(enforce_csrf_checks=True)
    client.cookies["tw_market"] = "US"
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    action, fields = _show_page_form(client, show)

    response = client.post(
        action,
        {**fields, "quantity": "2"},
        headers={
            "accept": "application/json",
            "x-csrftoken": fields["csrfmiddlewaretoken"],
        },
    )

    assert action == "/en/cart/add/"
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "count": 2,
        "count_text": "items",
        "message": "Added to your cart.",
        "notices": [],
    }
    assert CartLine.objects.get().unit_amount == Decimal("80.00")


def test_json_add_to_cart_counts_every_item_in_the_cart(client):
    client.cookies["tw_market"] = "US"
    jacket = make_product(prices={"US": "100.00"})
    boots = make_product(prices={"US": "80.00"})
    accept = {"accept": "application/json"}
    client.post(
        "/en/cart/add/",
        {"variant": boots.variants.get().pk, "quantity": 3},
        headers=accept,
    )

    response = client.post(
        "/en/cart/add/",
        {"variant": jacket.variants.get().pk, "quantity": 1},
        headers=accept,
    )

    assert (response.json()["count"], response.json()["count_text"]) == (4, "items")


def test_json_add_to_cart_refuses_an_unknown_variant_and_adds_nothing(client):
    client.cookies["tw_market"] = "US"

    response = client.post(
        "/en/cart/add/",
        {"variant": 999999, "quantity": 1},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "errors": ["This product is no longer available."],
    }
    assert CartLine.objects.count() == 0


@pytest.mark.parametrize(
    ("quantity", "error"),
    [
        ("0", "Choose a quantity of at least 1."),
        ("100", "You can order at most 99 at once."),
        ("two", "Enter a whole number."),
    ],
)
def test_json_add_to_cart_refuses_a_bad_quantity_and_adds_nothing(
    client, quantity, error
):
    client.cookies["tw_market"] = "US"
    jacket = make_product(prices={"US": "100.00"})

    response = client.post(
        "/en/cart/add/",
        {"variant": jacket.variants.get().pk, "quantity": quantity},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {"ok": False, "errors": [error]}
    assert CartLine.objects.count() == 0


def test_without_scripts_the_show_page_form_lands_on_the_cart_page(client):
    client.cookies["tw_market"] = "US"
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    action, fields = _show_page_form(client, show)

    response = client.post(action, {**fields, "quantity": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/en/cart/"
    assert CartLine.objects.get().quantity == 1


# --- The studio ----------------------------------------------------------------------


def test_the_host_starts_a_deal_from_the_studio(client):
    jacket = make_product(name="Rain jacket", prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    client.force_login(show.host)

    response = client.post(
        f"/en/live/{show.pk}/studio/deal/",
        {"product": jacket.pk, "percent_off": "25", "minutes": "10"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/en/live/{show.pk}/studio/", 302)]
    page = response.content.decode()
    assert "Flash deal started: 25% off Rain jacket for 10 minutes." in page
    assert "End the deal on Rain jacket" in page
    (deal,) = FlashDeal.objects.all()
    assert (deal.amount, deal.ends_at - deal.starts_at) == (
        Decimal("75.00"),
        timedelta(minutes=10),
    )


def test_the_studio_explains_a_refused_deal(client):
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    client.force_login(show.host)

    response = client.post(
        f"/en/live/{show.pk}/studio/deal/",
        {"product": jacket.pk, "percent_off": "25", "minutes": "90"},
        follow=True,
    )

    assert "A deal lasts at most 60 minutes." in response.content.decode()
    assert FlashDeal.objects.count() == 0


def test_only_the_host_posts_to_the_studio_deal_form(client):
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    client.force_login(make_user())

    response = client.post(
        f"/en/live/{show.pk}/studio/deal/",
        {"product": jacket.pk, "percent_off": "25", "minutes": "10"},
    )

    assert response.status_code == 403
    assert FlashDeal.objects.count() == 0


def test_the_host_ends_a_deal_from_the_studio(client):
    jacket = make_product(name="Rain jacket", prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.force_login(show.host)

    response = client.post(
        f"/en/live/{show.pk}/studio/deal/end/", {"product": jacket.pk}, follow=True
    )

    page = response.content.decode()
    assert "The flash deal on Rain jacket has ended." in page
    assert "Start a flash deal on Rain jacket" in page
    assert (
        flash_deal_amount(
            variant=jacket.variants.get(), market=_market("US"), at=timezone.now()
        )
        is None
    )


def test_the_studio_offers_no_deal_form_before_the_show_is_live(client):
    jacket = make_product(name="Rain jacket", prices={"US": "100.00"})
    show = make_show(products=[jacket])
    client.force_login(show.host)

    page = client.get(f"/en/live/{show.pk}/studio/").content.decode()

    assert "Pin a product to start a flash deal on it." in page
    assert "Start a flash deal" not in page


def _start_deal_as_host(show_pk: int, product) -> FlashDeal:
    show = Show.objects.select_related("host").get(pk=show_pk)
    (deal,) = flash_deal_start(
        show=show, product=product, by=show.host, minutes=5, percent_off=20
    )
    return deal


@pytest.mark.django_db(transaction=True)
async def test_viewers_get_the_deal_over_the_socket_with_the_server_clock():
    db = database_sync_to_async
    jacket = await db(make_product)(prices={"US": "100.00"})
    show = await db(_live_with_pinned)(jacket)
    socket = WebsocketCommunicator(
        application,
        f"/ws/live/{show.pk}/",
        headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
    )
    connected, _ = await socket.connect(timeout=10)
    assert connected
    assert (await socket.receive_json_from(timeout=10))["type"] == "sync"

    deal = await db(_start_deal_as_host)(show.pk, jacket)
    received_at = timezone.now()
    event = None
    while event is None:
        frame = await socket.receive_json_from(timeout=10)
        if frame["type"] == "tick":
            event = next((e for e in frame["events"] if e["kind"] == "deal"), None)
    await socket.disconnect()

    assert (event["state"], event["product_id"]) == ("started", jacket.pk)
    assert event["ends_at"] == selectors.iso_utc(deal.ends_at)
    server_now = datetime.fromisoformat(event["server_now"])
    assert deal.starts_at - timedelta(milliseconds=1) <= server_now <= received_at


def _cart_page_queries(client, products) -> int:
    for product in products:
        client.post(
            "/en/cart/add/", {"variant": product.variants.get().pk, "quantity": 1}
        )
    client.get("/en/cart/")  # the first visit fills per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/en/cart/").status_code == 200
    return len(captured)


def test_the_cart_page_reads_deals_in_a_fixed_number_of_queries():
    products = [make_product(prices={"DE": "119.00"}) for _ in range(4)]
    for product in products:
        show = _live_with_pinned(product)
        flash_deal_start(
            show=show, product=product, by=show.host, minutes=5, percent_off=20
        )
    one, four = Client(), Client()
    one.cookies["tw_market"] = four.cookies["tw_market"] = "DE"

    assert _cart_page_queries(one, products[:1]) == _cart_page_queries(four, products)


def test_the_offer_reads_in_six_queries_whatever_the_number_of_variants(
    django_assert_num_queries,
):
    jacket = make_product(prices={"DE": "119.00"})
    for n in range(3):
        variant = Variant.objects.create(product=jacket, sku=f"JACKET-{n}", stock=2)
        price_set(variant=variant, market=_market("DE"), amount=Decimal("129.00"))
    show = _live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    germany = _market("DE")

    with django_assert_num_queries(6):
        offer = selectors.pinned_offer(show=show, market=germany, language="en")

    assert [variant.price for variant in offer.variants] == [
        "95,20\xa0€",
        "103,20\xa0€",
        "103,20\xa0€",
        "103,20\xa0€",
    ]


def test_no_buy_box_in_a_market_where_the_product_is_not_sold(client):
    jacket = make_product(prices={"US": "100.00"})
    show = _live_with_pinned(jacket)
    client.cookies["tw_market"] = "DE"

    response = client.get(f"/en/live/{show.pk}/offer/")

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_studio_of_a_scheduled_show_says_deals_wait_for_the_live_show(client):
    jacket = make_product(name="Rain jacket", prices={"US": "100.00"})
    show = make_show(products=[jacket])
    product_pin(show=show, product=jacket, by=show.host)
    client.cookies["tw_market"] = "US"
    client.force_login(show.host)

    page = client.get(f"/en/live/{show.pk}/studio/").content.decode()

    assert "Flash deals run while the show is live." in page
    assert "Start a flash deal" not in page


def test_staff_end_a_running_deal_from_the_admin_list(client):
    jacket = make_product(prices={"US": "100.00", "DE": "119.00"})
    show = _live_with_pinned(jacket)
    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )
    staff = make_user(is_staff=True, is_superuser=True)
    client.force_login(staff)

    listing = client.get("/admin/live/flashdeal/")
    response = client.post(
        "/admin/live/flashdeal/",
        {"action": "end_deals", "_selected_action": [deal.pk for deal in deals]},
        follow=True,
    )

    assert listing.status_code == 200
    assert response.status_code == 200
    assert "2 deal prices ended." in response.content.decode()
    now = timezone.now()
    assert not FlashDeal.objects.filter(show=show, ends_at__gt=now).exists()
    assert cart_line_unit_amount(
        variant=jacket.variants.get(), market=_market("DE")
    ) == Decimal("119.00")
