"""Who may do what to a show: role × action × entry point, from ``live.access``.

The host and staff control a show; another host, a shopper and anonymous visitors
do not. A show limited to some markets is 404 from any other market, on every
viewer entry point, pages and sockets alike.
"""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from config.asgi import application
from live.access import (
    ShowAction,
    ShowRole,
    access_show_for_control,
    access_show_for_view,
    show_role,
)
from live.models import PinEvent, Show, ShowStatus
from live.services import shows as show_services
from live.tests.factories import make_featured_product, make_host, make_show, make_user
from live.tests.sockets import TIMEOUT, frame_of_type, refused, socket_open
from shop.markets.services import MARKET_COOKIE
from shop.models import Market

ROLES = [role.value for role in ShowRole]
CONTROLLERS = {ShowRole.HOST.value, ShowRole.STAFF.value}


def _user_in_role(role: str, show: Show):
    """A user who has that role towards the show (None: anonymous)."""
    return {
        ShowRole.HOST: lambda: show.host,
        ShowRole.STAFF: lambda: make_user(is_staff=True),
        ShowRole.OTHER_HOST: make_host,
        ShowRole.SHOPPER: make_user,
        ShowRole.ANONYMOUS: lambda: None,
    }[ShowRole(role)]()


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _live_show(**fields) -> Show:
    show = make_show(**fields)
    show_services.show_start(show=show, host=show.host)
    return show


def _german_show(**fields) -> Show:
    show = _live_show(**fields)
    show.markets.set([Market.objects.get(code="DE")])
    return show


# --- the rule ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("action", [action.value for action in ShowAction])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_host_and_staff_may_control_a_show(role, action):
    show = make_show()
    user = _user_in_role(role, show)

    assert show_role(user=user, show=show) == role
    if role in CONTROLLERS:
        assert access_show_for_control(user=user, show=show, action=action) == show
    else:
        with pytest.raises(PermissionDenied):
            access_show_for_control(user=user, show=show, action=action)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_a_market_limited_show_is_hidden_from_other_markets_but_its_controllers(role):
    show = make_show()
    show.markets.set([Market.objects.get(code="DE")])
    user = _user_in_role(role, show)
    germany, us = Market.objects.get(code="DE"), Market.objects.get(code="US")

    assert access_show_for_view(user=user, show=show, market=germany) == show
    if role in CONTROLLERS:
        assert access_show_for_view(user=user, show=show, market=us) == show
    else:
        with pytest.raises(Http404):
            access_show_for_view(user=user, show=show, market=us)


# --- studio pages and actions --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_studio_page_opens_for_host_and_staff_only(role):
    show = make_show()
    response = _client(_user_in_role(role, show)).get(f"/en/live/{show.pk}/studio/")

    if role in CONTROLLERS:
        assert response.status_code == 200
        assert 'id="studio-preview"' in response.content.decode()
    elif role == ShowRole.ANONYMOUS:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_going_live_from_the_studio_is_for_host_and_staff_only(role):
    show = make_show()
    response = _client(_user_in_role(role, show)).post(
        f"/en/live/{show.pk}/studio/start/"
    )
    status = Show.objects.get(pk=show.pk).status

    if role in CONTROLLERS:
        assert response.status_code == 302
        assert status == ShowStatus.LIVE
    else:
        assert response.status_code == (302 if role == ShowRole.ANONYMOUS else 403)
        assert status == ShowStatus.SCHEDULED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pinning_a_product_is_for_host_and_staff_only(role):
    show = _live_show()
    product = make_featured_product(show=show)
    response = _client(_user_in_role(role, show)).post(
        f"/en/live/{show.pk}/studio/pin/", {"product": product.pk}
    )
    pinned = PinEvent.objects.filter(show=show, product=product).exists()

    assert pinned is (role in CONTROLLERS)
    if role in (ShowRole.OTHER_HOST, ShowRole.SHOPPER):
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_ending_a_show_is_for_host_and_staff_only(role):
    show = _live_show()
    response = _client(_user_in_role(role, show)).post(
        f"/en/live/{show.pk}/studio/end/"
    )
    status = Show.objects.get(pk=show.pk).status

    assert status == (ShowStatus.ENDED if role in CONTROLLERS else ShowStatus.LIVE)
    if role in (ShowRole.OTHER_HOST, ShowRole.SHOPPER):
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_a_stream_key_is_made_for_host_and_staff_only(role):
    show = make_show()
    response = _client(_user_in_role(role, show)).post(
        f"/en/live/{show.pk}/studio/stream-key/"
    )
    stored = Show.objects.get(pk=show.pk).stream_key_hash

    if role in CONTROLLERS:
        assert response.status_code == 200
        assert f"tw{show.pk}_" in response.content.decode()
        assert stored != ""
    else:
        assert response.status_code == (302 if role == ShowRole.ANONYMOUS else 403)
        assert stored == ""


# --- sockets -------------------------------------------------------------------------


_db = database_sync_to_async


async def _publish_socket(show, user) -> WebsocketCommunicator:
    """The publishing socket, signed in as the comment socket would be."""
    headers = (await socket_open(show, user)).scope["headers"]
    return WebsocketCommunicator(
        application, f"/ws/live/{show.pk}/publish/", headers=headers
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
async def test_host_socket_opens_for_host_and_staff_only(role):
    show = await _db(make_show)()
    user = await _db(_user_in_role)(role, show)
    socket = await socket_open(show, user, host=True)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected

    if role in CONTROLLERS:
        sync = await frame_of_type(socket, "sync")
        assert sync["can_moderate"] is True
        await socket.disconnect()
    else:
        assert await refused(socket, "forbidden") == 4403


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
async def test_publish_socket_opens_for_host_and_staff_only(role):
    show = await _db(_live_show)()
    user = await _db(_user_in_role)(role, show)
    socket = await _publish_socket(show, user)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected

    if role in CONTROLLERS:
        await socket.send_json_to({"type": "ping"})
        assert (await socket.receive_json_from(timeout=TIMEOUT)) == {"type": "pong"}
        await socket.disconnect()
    else:
        assert await refused(socket, "forbidden") == 4403


# --- markets -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/en/live/{pk}/", "/en/live/{pk}/offer/", "/en/live/{pk}/pinned/"],
)
def test_a_show_for_germany_is_404_from_the_us_market(path):
    show = _german_show()
    url = path.format(pk=show.pk)
    shopper = Client()
    shopper.cookies[MARKET_COOKIE] = "US"
    german = Client()
    german.cookies[MARKET_COOKIE] = "DE"

    assert shopper.get(url).status_code == 404
    assert german.get(url).status_code == 200


@pytest.mark.django_db
def test_a_show_for_germany_cannot_be_reminded_from_the_us_market():
    show = make_show()
    show.markets.set([Market.objects.get(code="DE")])
    client = _client(make_user())
    client.cookies[MARKET_COOKIE] = "US"

    assert client.post(f"/en/live/{show.pk}/remind/").status_code == 404
    assert not show.reminders.exists()


@pytest.mark.django_db
def test_staff_preview_a_market_limited_show_from_another_market():
    show = _german_show()
    client = _client(make_user(is_staff=True))
    client.cookies[MARKET_COOKIE] = "US"

    assert client.get(f"/en/live/{show.pk}/").status_code == 200


def _with_market(communicator: WebsocketCommunicator, code: str) -> None:
    communicator.scope["headers"] = [
        *communicator.scope["headers"],
        (b"cookie", f"{MARKET_COOKIE}={code}".encode()),
    ]


@pytest.mark.django_db(transaction=True)
async def test_viewer_socket_of_a_show_for_germany_is_404_from_the_us_market():
    show = await _db(_german_show)()
    socket = await socket_open(show)
    _with_market(socket, "US")
    await socket.connect(timeout=TIMEOUT)

    assert await refused(socket, "not_found") == 4404


@pytest.mark.django_db(transaction=True)
async def test_viewer_socket_of_a_show_for_germany_opens_from_germany():
    show = await _db(_german_show)()
    socket = await socket_open(show)
    _with_market(socket, "DE")
    connected, _ = await socket.connect(timeout=TIMEOUT)

    assert connected
    assert (await frame_of_type(socket, "sync"))["type"] == "sync"
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_video_socket_of_a_show_for_germany_is_404_from_the_us_market():
    show = await _db(_german_show)()
    socket = WebsocketCommunicator(
        application,
        f"/ws/live/{show.pk}/watch/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"cookie", f"{MARKET_COOKIE}=US".encode()),
        ],
    )
    await socket.connect(timeout=TIMEOUT)

    assert await refused(socket, "not_found") == 4404


@pytest.mark.django_db(transaction=True)
def test_whep_of_a_show_for_germany_is_404_from_the_us_market():
    show = _german_show()
    client = Client()
    client.cookies[MARKET_COOKIE] = "US"

    response = client.post(
        f"/live/{show.pk}/whep", "v=0\r\n", content_type="application/sdp"
    )

    assert response.status_code == 404
