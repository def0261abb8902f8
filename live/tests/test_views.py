"""Live-show pages: listing, viewer page, studio, reminders, pinned product."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from live.models import PinEvent, Show, ShowReminder, ShowStatus
from live.services.shows import product_pin, show_end, show_start
from live.tests.factories import make_featured_product, make_host, make_show, make_user
from shop.markets.services import MARKET_COOKIE, market_cache_clear
from shop.models import Market
from shop.tests.factories import make_product, translated

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_while_arranging():
    """Test data is written in English whatever language an earlier request left on."""
    with translation.override("en"):
        yield


def _html(response) -> str:
    return response.content.decode()


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    assert match, section_id
    return match.group(0)


def _live(**fields) -> Show:
    show = make_show(**fields)
    show_start(show=show, host=show.host)
    return show


def _ended(**fields) -> Show:
    show = _live(**fields)
    show_end(show=show, host=show.host)
    return show


def test_listing_puts_each_show_in_its_section(client):
    live = _live(title="Live jackets")
    upcoming = make_show(title="Upcoming boots")
    replay = _ended(title="Replay of hats")

    html = _html(client.get("/en/live/"))

    assert live.title in _section(html, "live-now")
    assert upcoming.title in _section(html, "upcoming")
    assert replay.title in _section(html, "replays")
    assert upcoming.title not in _section(html, "live-now")
    assert live.title not in _section(html, "replays")


def test_listing_runs_the_same_queries_for_few_and_many_shows(
    client, django_assert_max_num_queries
):
    for n in range(2):
        make_show(title=f"Show {n}")
    # Each measured request starts with an empty market cache, so both pay for the
    # same market lookup however long making the shows took (its TTL is 30 s).
    market_cache_clear()
    with django_assert_max_num_queries(6) as few:
        client.get("/en/live/")
    few_queries = len(few)  # the log it reads is reset by the next request
    for n in range(12):
        make_show(title=f"More {n}")
        _ended(title=f"Old {n}")

    market_cache_clear()
    with django_assert_max_num_queries(few_queries):
        assert client.get("/en/live/").status_code == 200


def test_listing_shows_a_market_only_its_own_and_unrestricted_shows(client):
    german = make_show(title="Nur für Deutschland")
    german.markets.set([Market.objects.get(code="DE")])
    everywhere = make_show(title="For everyone")

    us_html = _html(client.get("/en/live/", HTTP_ACCEPT_LANGUAGE="en-US"))
    client.cookies[MARKET_COOKIE] = "DE"
    de_html = _html(client.get("/en/live/"))

    assert everywhere.title in us_html
    assert german.title not in us_html
    assert german.title in de_html
    assert everywhere.title in de_html


def test_upcoming_start_is_utc_for_the_browser_with_market_time_as_fallback(client):
    make_show(scheduled_start=datetime(2031, 12, 1, 18, 0, tzinfo=UTC))
    client.cookies[MARKET_COOKIE] = "DE"

    html = _html(client.get("/de/live/"))

    assert (
        '<time datetime="2031-12-01T18:00:00+00:00" data-local-time>'
        "01.12.2031, 19:00:00 (Europe/Berlin)</time>"
    ) in html
    assert "js/live_times.js" in html


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("de", "Bezahlte Partnerschaft mit Acme"),
        ("fr", "Partenariat rémunéré avec Acme"),
        ("en", "Paid partnership with Acme"),
    ],
)
def test_paid_partnership_label_on_listing_show_page_and_replay(
    client, language, label
):
    upcoming = make_show(is_sponsored=True, brand_name="Acme")
    replay = _ended(is_sponsored=True, brand_name="Acme")

    listing = _html(client.get(f"/{language}/live/"))
    show_page = _html(client.get(f"/{language}/live/{upcoming.pk}/"))
    replay_page = _html(client.get(f"/{language}/live/{replay.pk}/"))

    assert listing.count(label) == 2
    assert label in show_page
    assert label in replay_page


def test_unsponsored_show_has_no_partnership_label(client):
    show = make_show(brand_name="Acme")

    assert "Paid partnership" not in _html(client.get(f"/en/live/{show.pk}/"))


def test_show_page_has_the_video_placeholder_wired_to_the_socket(client):
    show = make_show()

    html = _html(client.get(f"/de/live/{show.pk}/"))

    assert re.search(
        rf'<video id="show-video"[^>]*data-show-id="{show.pk}"[^>]*'
        rf'data-ws-url="ws://testserver/ws/live/{show.pk}/\?lang=de"',
        html,
        re.S,
    )
    assert "js/live_show.js" in html
    assert "<script>" not in html  # no inline script: the CSP can stay strict


def test_show_page_escapes_comment_text(client):
    show = _live()
    show.comments.create(
        author_name="<b>x</b>",
        text="<script>alert(1)</script>",
        created_at=timezone.now(),
    )

    html = _html(client.get(f"/en/live/{show.pk}/"))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_comment_form_only_for_signed_in_viewers(client):
    show = _live()

    anonymous = _html(client.get(f"/en/live/{show.pk}/"))
    client.force_login(make_user())
    signed_in = _html(client.get(f"/en/live/{show.pk}/"))

    assert 'id="comment-form"' not in anonymous
    assert "Sign in to comment" in anonymous
    assert 'id="comment-form"' in signed_in
    assert 'maxlength="300"' in signed_in


def test_pinned_product_is_priced_in_the_viewers_market(client):
    show = _live()
    product = make_featured_product(
        show=show, name="Parka", prices={"DE": "1299.00", "US": "1299.00"}
    )
    product_pin(show=show, product=product, by=show.host)

    client.cookies[MARKET_COOKIE] = "DE"
    german = _html(client.get(f"/de/live/{show.pk}/"))
    client.cookies[MARKET_COOKIE] = "US"
    american = _html(client.get(f"/en/live/{show.pk}/"))

    pinned_de = re.search(r'id="pinned-product".*?</article>', german, re.S).group(0)
    pinned_us = re.search(r'id="pinned-product".*?</article>', american, re.S).group(0)
    assert "1.299,00\xa0€" in pinned_de
    assert "$1,299.00" in pinned_us
    assert "plus sales tax" in pinned_us


def test_pinned_endpoint_returns_the_card_for_the_market(client):
    show = _live()
    product = make_featured_product(show=show, name="Parka", prices={"US": "49.50"})
    client.cookies[MARKET_COOKIE] = "US"
    assert client.get(f"/en/live/{show.pk}/pinned/").json() == {"product": None}
    product_pin(show=show, product=product, by=show.host)

    card = client.get(f"/en/live/{show.pk}/pinned/").json()["product"]

    assert (card["id"], card["name"], card["price"], card["tax_label"]) == (
        product.pk,
        "Parka",
        "$49.50",
        "plus sales tax",
    )
    assert card["url"] == product.get_absolute_url()


def test_show_page_runs_the_same_queries_for_few_and_many_products(
    client, django_assert_max_num_queries
):
    show = _live()
    for _ in range(2):
        make_featured_product(show=show, prices={"US": "10"})
    client.get(f"/en/live/{show.pk}/")
    with django_assert_max_num_queries(20) as few:
        client.get(f"/en/live/{show.pk}/")
    few_queries = len(few)  # the log it reads is reset by the next request
    for _ in range(10):
        make_featured_product(show=show, prices={"US": "10"})
    # Warm again: making the products may outlast the market cache's 30 seconds.
    client.get(f"/en/live/{show.pk}/")

    with django_assert_max_num_queries(few_queries):
        client.get(f"/en/live/{show.pk}/")


def test_replay_lists_which_product_was_pinned_when(client):
    show = _live()
    jacket = make_featured_product(show=show, name="Jacket")
    boots = make_featured_product(show=show, name="Boots")
    pin = product_pin(show=show, product=jacket, by=show.host)
    PinEvent.objects.filter(pk=pin.pk).update(
        pinned_at=show.started_at + timedelta(seconds=5)
    )
    second = product_pin(show=show, product=boots, by=show.host)
    PinEvent.objects.filter(pk=pin.pk).update(
        unpinned_at=show.started_at + timedelta(minutes=12, seconds=34)
    )
    PinEvent.objects.filter(pk=second.pk).update(
        pinned_at=show.started_at + timedelta(minutes=12, seconds=34)
    )
    show_end(show=show, host=show.host)

    html = _html(client.get(f"/en/live/{show.pk}/"))

    timeline = re.search(r'<section class="pin-timeline".*?</section>', html, re.S)
    assert '<a href="#t=5" data-seek="5">0:05</a> Jacket' in timeline.group(0)
    assert '<a href="#t=754" data-seek="754">12:34</a> Boots' in timeline.group(0)


def test_unknown_show_is_404(client):
    assert client.get("/en/live/999999/").status_code == 404


# --- reminders -----------------------------------------------------------------------


def test_remind_me_creates_one_reminder_for_the_signed_in_shopper(client):
    show = make_show()
    shopper = make_user()
    client.force_login(shopper)

    first = client.post(f"/en/live/{show.pk}/remind/", {"next": "/en/live/"})
    client.post(f"/en/live/{show.pk}/remind/")

    assert first.status_code == 302
    assert first["Location"] == "/en/live/"
    assert list(ShowReminder.objects.values_list("show_id", "user_id")) == [
        (show.pk, shopper.pk)
    ]
    assert "Cancel reminder" in _html(client.get("/en/live/"))


def test_remind_me_can_be_cancelled(client):
    show = make_show()
    shopper = make_user()
    client.force_login(shopper)
    client.post(f"/en/live/{show.pk}/remind/")

    client.post(f"/en/live/{show.pk}/remind/", {"action": "cancel"})

    assert ShowReminder.objects.count() == 0


def test_remind_me_sends_guests_to_sign_in(client):
    show = make_show()

    response = client.post(f"/en/live/{show.pk}/remind/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert ShowReminder.objects.count() == 0


def test_remind_me_needs_post_and_csrf(client):
    show = make_show()
    client.force_login(make_user())
    assert client.get(f"/en/live/{show.pk}/remind/").status_code == 405

    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user())
    assert strict.post(f"/en/live/{show.pk}/remind/").status_code == 403
    assert ShowReminder.objects.count() == 0


def test_remind_me_rejects_an_offsite_next(client):
    show = make_show()
    client.force_login(make_user())

    response = client.post(
        f"/en/live/{show.pk}/remind/", {"next": "https://evil.example/"}
    )

    assert response["Location"] == f"/en/live/{show.pk}/"


# --- studio --------------------------------------------------------------------------


def test_studio_is_forbidden_to_anyone_but_the_host_and_staff(client):
    host = make_host()
    show = make_show(host=host)

    client.force_login(make_host())
    other_host = client.get(f"/en/live/{show.pk}/studio/")
    client.force_login(make_user(is_staff=True))
    staff = client.get(f"/en/live/{show.pk}/studio/")
    client.force_login(host)
    own = client.get(f"/en/live/{show.pk}/studio/")

    assert other_host.status_code == 403
    assert staff.status_code == 200
    assert own.status_code == 200
    assert 'id="studio-preview"' in _html(own)
    assert f"ws://testserver/ws/live/{show.pk}/host/?lang=en" in _html(own)


def test_studio_sends_guests_to_sign_in(client):
    show = make_show()

    response = client.get(f"/en/live/{show.pk}/studio/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_studio_actions_are_forbidden_to_other_users(client):
    show = make_show()
    client.force_login(make_host())

    response = client.post(f"/en/live/{show.pk}/studio/start/")

    assert response.status_code == 403
    assert Show.objects.get(pk=show.pk).status == ShowStatus.SCHEDULED


def test_host_goes_live_pins_and_ends_from_the_studio(client):
    host = make_host()
    show = make_show(host=host)
    product = make_featured_product(show=show, name="Parka")
    client.force_login(host)

    started = client.post(f"/en/live/{show.pk}/studio/start/")
    client.post(f"/en/live/{show.pk}/studio/pin/", {"product": product.pk})
    pinned_page = _html(client.get(f"/en/live/{show.pk}/studio/"))
    client.post(f"/en/live/{show.pk}/studio/end/")

    show.refresh_from_db()
    assert started["Location"] == f"/en/live/{show.pk}/studio/"
    assert "Unpin" in pinned_page
    assert show.status == ShowStatus.ENDED
    pin = PinEvent.objects.get(show=show)
    assert (pin.product_id, pin.unpinned_at) == (product.pk, show.ended_at)


def test_studio_explains_why_a_sponsored_show_without_brand_cannot_start(client):
    host = make_host()
    show = make_show(host=host, is_sponsored=True, brand_name=" ")
    client.force_login(host)

    response = client.post(f"/en/live/{show.pk}/studio/start/", follow=True)

    assert "cannot start without the brand" in _html(response)
    assert Show.objects.get(pk=show.pk).status == ShowStatus.SCHEDULED


def test_pinning_a_product_not_in_the_show_is_refused_with_a_message(client):
    host = make_host()
    show = make_show(host=host)
    client.force_login(host)

    response = client.post(
        f"/en/live/{show.pk}/studio/pin/", {"product": make_product().pk}, follow=True
    )

    assert "Only products featured in this show can be pinned." in _html(response)
    assert PinEvent.objects.count() == 0


def test_show_titles_follow_the_page_language(client):
    show = make_show(**translated("title", {"en": "Rain gear", "de": "Regenkleidung"}))

    assert "Regenkleidung" in _html(client.get(f"/de/live/{show.pk}/"))
    assert "Rain gear" in _html(client.get(f"/en/live/{show.pk}/"))
