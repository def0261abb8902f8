"""A viewer of a live show sees the flash deal count down on the server's clock and
adds the pinned product to the cart without leaving the show."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from live.services.deals import flash_deal_end, flash_deal_start
from live.services.shows import product_pin, show_start
from live.tests.factories import make_show
from shop.models import CartLine, Market, Variant
from shop.pricing.services import price_set
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)


def _show_with_deal():
    jacket = make_product(name="Rain jacket", prices={"US": "100.00"})
    large = Variant.objects.create(product=jacket, sku="JACKET-L", stock=4)
    price_set(
        variant=large, market=Market.objects.get(code="US"), amount=Decimal("110.00")
    )
    show = make_show(products=[jacket])
    show_start(show=show, host=show.host)
    product_pin(show=show, product=jacket, by=show.host)
    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    return show, large


def _viewer(new_page, live_server):
    page = new_page()
    page.context.add_cookies(
        [{"name": "tw_market", "value": "US", "url": live_server.url}]
    )
    return page


def _seconds(text: str) -> int:
    minutes, seconds = text.split(":")
    return int(minutes) * 60 + int(seconds)


def test_viewer_adds_the_deal_to_the_cart_without_leaving_the_show(
    live_server, new_page
):
    show, large = _show_with_deal()
    page = _viewer(new_page, live_server)
    url = f"{live_server.url}/en/live/{show.pk}/"
    page.goto(url)

    offer = page.locator("#live-offer")
    assert offer.locator("[data-offer-price]").inner_text() == "$80.00"
    page.select_option("#live-offer select[name=variant]", str(large.pk))
    assert offer.locator("[data-offer-price]").inner_text() == "$88.00"
    assert offer.locator("[data-offer-regular]").inner_text() == "$110.00"
    offer.locator("input[name=quantity]").fill("2")
    offer.locator("button[type=submit]").click()

    page.wait_for_selector(".cart-link__count")
    assert page.locator(".cart-link__count").inner_text().startswith("(2")
    assert offer.locator("[data-offer-status]").inner_text() == "Added to your cart."
    assert page.url == url
    line = CartLine.objects.get()
    assert (line.variant_id, line.quantity, line.unit_amount) == (
        large.pk,
        2,
        Decimal("88.00"),
    )


def test_a_refused_quantity_is_explained_in_place(live_server, new_page):
    show, _large = _show_with_deal()
    page = _viewer(new_page, live_server)
    page.goto(f"{live_server.url}/en/live/{show.pk}/")

    offer = page.locator("#live-offer")
    # The browser's own check would stop 120 before it is sent: lift it to reach
    # the server's answer.
    offer.locator("input[name=quantity]").evaluate(
        "input => input.removeAttribute('max')"
    )
    offer.locator("input[name=quantity]").fill("120")
    offer.locator("button[type=submit]").click()

    status = offer.locator("[data-offer-status]")
    status.filter(has_text="at most").wait_for()
    assert status.inner_text() == "You can order at most 99 at once."
    assert CartLine.objects.count() == 0


def test_the_countdown_runs_on_the_server_clock_not_the_device_clock(
    live_server, new_page
):
    show, _large = _show_with_deal()
    page = _viewer(new_page, live_server)
    # This device's clock is an hour fast: its own clock would say the deal is over.
    page.clock.install(time=datetime.now() + timedelta(hours=1))
    page.clock.resume()
    page.goto(f"{live_server.url}/en/live/{show.pk}/")

    countdown = page.locator("#live-offer [data-countdown]")
    page.wait_for_timeout(600)
    first = countdown.inner_text()
    page.wait_for_timeout(2100)
    later = countdown.inner_text()

    assert re.fullmatch(r"4:\d\d", first)
    assert 1 <= _seconds(first) - _seconds(later) <= 3


def _socket_event(page, item: dict) -> None:
    """Hand the page a tick as its show socket would (the test server has none)."""
    page.evaluate(
        """item => document.getElementById("live-show").dispatchEvent(
            new CustomEvent("live:frame", {
                detail: {type: "tick", seq: null, comments: [], events: [item],
                         reactions: {}, viewers: null},
            }))""",
        item,
    )


def test_the_buy_box_follows_deals_started_and_ended_during_the_show(
    live_server, new_page
):
    jacket = make_product(name="Rain jacket", prices={"US": "100.00"})
    show = make_show(products=[jacket])
    show_start(show=show, host=show.host)
    product_pin(show=show, product=jacket, by=show.host)
    page = _viewer(new_page, live_server)
    page.goto(f"{live_server.url}/en/live/{show.pk}/")
    offer = page.locator("#live-offer")
    assert offer.locator(".live-offer__badge").count() == 0

    flash_deal_start(show=show, product=jacket, by=show.host, minutes=5, percent_off=20)
    _socket_event(page, {"kind": "deal", "state": "started", "product_id": jacket.pk})

    offer.locator(".live-offer__badge").wait_for()
    assert offer.locator(".live-offer__badge").inner_text() == "Flash deal: 20% off"
    assert offer.locator("[data-offer-price]").inner_text() == "$80.00"
    assert re.fullmatch(r"4:\d\d", offer.locator("[data-countdown]").inner_text())

    flash_deal_end(show=show, product=jacket, by=show.host)
    _socket_event(page, {"kind": "deal", "state": "ended", "product_id": jacket.pk})

    offer.locator(".live-offer__badge").wait_for(state="detached")
    assert offer.locator("[data-offer-price]").inner_text() == "$100.00"
