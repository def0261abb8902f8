"""Live shows keep to the markets' compliance rules: a product gated in a show's
market cannot be pinned, a host's comment or a show title making a restricted claim
is refused, and the pinned card links to the product's safety information."""

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import translation

from live.models import Comment, PinEvent, Show
from live.selectors.shows import product_cards
from live.services.errors import ShowError
from live.services.shows import product_pin
from live.tests.factories import make_host, make_show
from live.tests.sockets import frame_next, socket_join
from shop.compliance.tests.helpers import certify, require
from shop.models import ClaimRestriction, Market
from shop.tests.factories import make_category, make_product
from shop.tests.test_admin import _form_data


@pytest.fixture(autouse=True)
def _english():
    """Messages and links in English, whatever an earlier request left active."""
    with translation.override("en"):
        yield


def _market(code: str) -> Market:
    return Market.objects.get(code=code)


@pytest.mark.django_db
def test_a_product_gated_in_the_shows_market_cannot_be_pinned():
    category = make_category()
    speaker = make_product(category=category, name="Speaker", prices={"BR": "99"})
    require(market_code="BR", category=category, kinds=("anatel",))
    host = make_host()
    show = make_show(host=host, products=[speaker])
    show.markets.set([_market("BR")])

    with pytest.raises(ShowError) as refused:
        product_pin(show=show, product=speaker, by=host)

    assert str(refused.value) == (
        "Speaker cannot be pinned: it may not be offered in Brazil (a required "
        "safety record or certificate is missing)."
    )
    assert PinEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_certified_product_is_pinned():
    category = make_category()
    speaker = make_product(category=category, name="Speaker", prices={"BR": "99"})
    require(market_code="BR", category=category, kinds=("anatel",))
    certify(product=speaker, kind="anatel", market_code="BR")
    host = make_host()
    show = make_show(host=host, products=[speaker])
    show.markets.set([_market("BR")])

    pin = product_pin(show=show, product=speaker, by=host)

    assert pin.product_id == speaker.pk


@pytest.mark.django_db
def test_the_studio_refuses_the_pin_with_the_reason(client):
    speaker = make_product(name="Kettle", safety=False)
    host = make_host()
    show = make_show(host=host, products=[speaker])
    show.markets.set([_market("DE")])
    client.force_login(host)

    response = client.post(
        reverse("live:pin", args=[show.pk]),
        {"product": speaker.pk},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "Kettle cannot be pinned: it may not be offered in Germany & Austria (a "
        "required safety record or certificate is missing)."
    ]
    assert PinEvent.objects.count() == 0


@pytest.mark.django_db
def test_show_cards_link_to_the_safety_information_and_leave_gated_products_out():
    category = make_category()
    kettle = make_product(name="Kettle", prices={"BR": "50"})
    speaker = make_product(category=category, name="Speaker", prices={"BR": "99"})
    require(market_code="BR", category=category, kinds=("anatel",))

    cards = product_cards(
        product_ids=[kettle.pk, speaker.pk], market=_market("BR"), language="en"
    )

    assert [(card.name, card.safety_url) for card in cards] == [
        ("Kettle", f"/en/p/{kettle.slug}/#product-safety")
    ]


@pytest.mark.django_db
def test_a_show_title_with_a_restricted_claim_is_refused_in_the_admin(admin_client):
    ClaimRestriction.objects.create(market=_market("US"), phrase="cures insomnia")
    host = make_host()

    url = reverse("admin:live_show_add")
    data = _form_data(admin_client.get(url))
    data.update(
        {
            "title_en": "Herbal tea that cures insomnia",
            "host": host.pk,
            "scheduled_start_0": "2030-01-01",
            "scheduled_start_1": "10:00:00",
            "language": "en",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.non_field_errors()) == [
        "“cures insomnia” may not be claimed in United States (US)."
    ]
    assert Show.objects.count() == 0


@pytest.mark.django_db(transaction=True)
async def test_a_host_comment_with_a_restricted_claim_is_refused_over_the_socket():
    await database_sync_to_async(ClaimRestriction.objects.create)(
        market=await database_sync_to_async(_market)("DE"),
        phrase="lose 10 kg in 3 days",
    )
    host = await database_sync_to_async(make_host)()
    show = await database_sync_to_async(make_show)(host=host)
    socket, _ = await socket_join(show, host, host=True)

    await socket.send_json_to(
        {"type": "comment", "text": "With this you lose 10 kg in 3 days!"}
    )
    error = await frame_next(socket, lambda f: f["type"] == "error")

    assert error["code"] == "claim"
    assert error["message"] == (
        "“lose 10 kg in 3 days” may not be claimed in Germany & Austria (DE)."
    )
    assert await database_sync_to_async(Comment.objects.count)() == 0
    await socket.disconnect()
