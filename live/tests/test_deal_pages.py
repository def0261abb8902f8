"""Flash deals on the pages: the buy box, its countdown, the studio, the socket."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone, translation

from live import selectors
from live.models import FlashDeal, Show
from live.services.deals import flash_deal_start
from live.services.shows import product_pin, show_start
from live.tests.deal_setup import (
    live_with_pinned,
    market,
    offer_html,
)
from live.tests.factories import make_show, make_user
from live.tests.sockets import frame_next, socket_join
from shop.checkout.services.cart import cart_line_unit_amount
from shop.models import CartLine, Promotion, Variant
from shop.pricing.selectors import price_effective
from shop.pricing.services import price_set
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_while_arranging():
    with translation.override("en"):
        yield


# --- The viewer page: countdown and add to cart ---------------------------------


def test_the_offer_fragment_carries_the_deal_end_and_the_server_clock(client):
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)
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
    price_set(variant=large, market=market("US"), amount=Decimal("110.00"))
    show = live_with_pinned(jacket)
    client.cookies["tw_market"] = "US"

    offer = offer_html(client.get(f"/en/live/{show.pk}/").content.decode())

    assert f'<option value="{large.pk}" data-price="$110.00"' in offer
    assert f'<option value="{jacket.variants.get(sku__startswith="SKU-").pk}"' in offer
    assert 'name="variant" data-variant-select' in offer


def _show_page_form(client: Client, show: Show) -> tuple[str, dict[str, str]]:
    """The buy box's form action and hidden fields, as the page's script reads them."""
    offer = offer_html(client.get(f"/en/live/{show.pk}/").content.decode())
    found = re.search(
        r'<form class="live-offer__form" method="post" action="([^"]+)"', offer
    )
    assert found is not None, offer
    action = found.group(1)
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', offer)
    )
    return action, fields


def test_add_to_cart_from_the_show_page_answers_json_with_the_cart_count():
    client = Client(enforce_csrf_checks=True)
    client.cookies["tw_market"] = "US"
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)
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
    show = live_with_pinned(jacket)
    action, fields = _show_page_form(client, show)

    response = client.post(action, {**fields, "quantity": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/en/cart/"
    assert CartLine.objects.get().quantity == 1


# --- The studio ----------------------------------------------------------------------


def test_the_host_starts_a_deal_from_the_studio(client):
    jacket = make_product(name="Rain jacket", prices={"US": "100.00"})
    show = live_with_pinned(jacket)
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
    (deal,) = Promotion.objects.filter(flash_deal__show=show)
    assert (deal.amount, deal.ends_at - deal.starts_at) == (
        Decimal("75.00"),
        timedelta(minutes=10),
    )


def test_the_studio_explains_a_refused_deal(client):
    jacket = make_product(prices={"US": "100.00"})
    show = live_with_pinned(jacket)
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
    show = live_with_pinned(jacket)
    client.force_login(make_user())

    response = client.post(
        f"/en/live/{show.pk}/studio/deal/",
        {"product": jacket.pk, "percent_off": "25", "minutes": "10"},
    )

    assert response.status_code == 403
    assert FlashDeal.objects.count() == 0


def test_the_host_ends_a_deal_from_the_studio(client):
    jacket = make_product(name="Rain jacket", prices={"US": "100.00"})
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    client.force_login(show.host)

    response = client.post(
        f"/en/live/{show.pk}/studio/deal/end/", {"product": jacket.pk}, follow=True
    )

    page = response.content.decode()
    assert "The flash deal on Rain jacket has ended." in page
    assert "Start a flash deal on Rain jacket" in page
    assert price_effective(
        variant=jacket.variants.get(), market=market("US"), at=timezone.now()
    ).amount == Decimal("100.00")


def test_the_studio_offers_no_deal_form_before_the_show_is_live(client):
    jacket = make_product(name="Rain jacket", prices={"US": "100.00"})
    show = make_show(products=[jacket])
    client.force_login(show.host)

    page = client.get(f"/en/live/{show.pk}/studio/").content.decode()

    assert "Pin a product to start a flash deal on it." in page
    assert "Start a flash deal" not in page


def _start_deal_as_host(show_pk: int, product) -> Promotion:
    show = Show.objects.select_related("host").get(pk=show_pk)
    (deal,) = flash_deal_start(
        show=show, product=product, by=show.host, minutes=5, percent_off=20
    )
    return deal


@pytest.mark.django_db(transaction=True)
async def test_viewers_get_the_deal_over_the_socket_with_the_server_clock():
    db = database_sync_to_async
    jacket = await db(make_product)(prices={"US": "100.00"})
    show = await db(live_with_pinned)(jacket)
    socket, _sync = await socket_join(show)

    deal = await db(_start_deal_as_host)(show.pk, jacket)
    received_at = timezone.now()
    tick = await frame_next(
        socket,
        lambda f: f["type"] == "tick" and any(e["kind"] == "deal" for e in f["events"]),
    )
    event = next(e for e in tick["events"] if e["kind"] == "deal")
    await socket.disconnect()

    assert (event["state"], event["product_id"]) == ("started", jacket.pk)
    assert event["ends_at"] == selectors.iso_utc(deal.ends_at)
    server_now = datetime.fromisoformat(event["server_now"])
    assert deal.starts_at - timedelta(milliseconds=1) <= server_now <= received_at


def test_the_offer_reads_in_six_queries_whatever_the_number_of_variants(
    django_assert_num_queries,
):
    jacket = make_product(prices={"DE": "119.00"})
    for n in range(3):
        variant = Variant.objects.create(product=jacket, sku=f"JACKET-{n}", stock=2)
        price_set(variant=variant, market=market("DE"), amount=Decimal("129.00"))
    show = live_with_pinned(jacket)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)

    germany = market("DE")

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
    show = live_with_pinned(jacket)
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
    show = live_with_pinned(jacket)
    deals = flash_deal_start(
        show=show, product=jacket, by=show.host, minutes=5, percent_off=20
    )
    staff = make_user(is_staff=True, is_superuser=True)
    client.force_login(staff)

    listing = client.get("/admin/live/flashdeal/")
    response = client.post(
        "/admin/live/flashdeal/",
        {
            "action": "end_deals",
            "_selected_action": [deal.flash_deal.pk for deal in deals],
        },
        follow=True,
    )

    assert listing.status_code == 200
    assert response.status_code == 200
    assert "2 deal prices ended." in response.content.decode()
    now = timezone.now()
    assert not Promotion.objects.filter(flash_deal__show=show, ends_at__gt=now).exists()
    assert cart_line_unit_amount(
        variant=jacket.variants.get(), market=market("DE")
    ) == Decimal("119.00")
