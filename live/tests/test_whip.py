"""WHIP ingest and WHEP playback over HTTP, aiortc on loopback as OBS and player."""

import asyncio
import hashlib

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import connections
from django.test import AsyncClient, Client

from live import streaming
from live.models import Show
from live.services import shows as show_services
from live.services.stream_keys import stream_key_matches, stream_key_rotate
from live.tests.factories import make_host, make_show, make_user
from live.tests.webrtc import Peers, answer_apply, host_offer, viewer_offer, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10
_db = database_sync_to_async


@pytest.fixture
async def peers(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    made = Peers()
    yield made
    await streaming.streams_close_all()
    await made.close()
    # The async views read the database in asgiref's worker thread; the test client
    # does not close connections after a request, so close that thread's here.
    await sync_to_async(connections.close_all)()


def _live_show_with_key(**fields) -> tuple[Show, str]:
    show = make_show(**fields)
    show_services.show_start(show=show, host=show.host)
    return show, stream_key_rotate(show=show, by=show.host)


async def _whip(show, sdp: str, key: str | None, **extra):
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return await AsyncClient().post(
        f"/live/{show.pk}/whip",
        data=sdp,
        content_type=extra.pop("content_type", "application/sdp"),
        headers=headers,
        **extra,
    )


async def _whep(
    show, sdp: str, *, browser: AsyncClient | None = None, address: str = ""
):
    # `address` stands for the client behind our proxy (TRUSTED_PROXY_COUNT = 1).
    headers = {"X-Forwarded-For": address} if address else {}
    return await (browser or AsyncClient()).post(
        f"/live/{show.pk}/whep",
        data=sdp,
        content_type="application/sdp",
        headers=headers,
    )


async def test_whip_publisher_reaches_a_whep_viewer(peers):
    show, key = await _db(_live_show_with_key)()
    host, _senders, offer = await host_offer(peers)

    published = await _whip(show, offer, key)
    await answer_apply(host, published.content.decode())
    viewer, tracks, viewer_offer_sdp = await viewer_offer(peers)
    played = await _whep(show, viewer_offer_sdp)
    await answer_apply(viewer, played.content.decode())
    await wait_for(lambda: "video" in tracks)
    frames = [await asyncio.wait_for(tracks["video"].recv(), TIMEOUT) for _ in range(5)]

    assert published.status_code == 201
    assert published["Content-Type"] == "application/sdp"
    assert published["Location"].startswith(f"/live/{show.pk}/whip/")
    assert played.status_code == 201
    assert played["Location"].startswith(f"/live/{show.pk}/whep/")
    assert (frames[-1].width, frames[-1].height) == (320, 240)


async def test_whip_with_a_wrong_key_is_401(peers):
    show, key = await _db(_live_show_with_key)()
    _host, _senders, offer = await host_offer(peers)

    response = await _whip(show, offer, key + "x")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"stream key" in response.content
    assert not streaming.stream_is_publishing(show_id=show.pk)


async def test_whip_without_a_key_is_401(peers):
    show, _key = await _db(_live_show_with_key)()
    _host, _senders, offer = await host_offer(peers)

    response = await _whip(show, offer, None)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="whip"'


async def test_whip_for_a_show_without_a_key_is_401(peers):
    show = await _db(make_show)()
    await _db(show_services.show_start)(show=show, host=show.host)
    _host, _senders, offer = await host_offer(peers)

    response = await _whip(show, offer, "tw1_guess")

    assert response.status_code == 401


async def test_delete_on_the_whip_session_ends_publishing(peers):
    show, key = await _db(_live_show_with_key)()
    host, _senders, offer = await host_offer(peers)
    published = await _whip(show, offer, key)
    await answer_apply(host, published.content.decode())
    session_id = published["Location"].rsplit("/", 1)[1]
    session = streaming.session_get(
        session_id=session_id, show_id=show.pk, role="publish"
    )

    ended = await AsyncClient().delete(published["Location"])

    assert ended.status_code == 200
    assert not streaming.stream_is_publishing(show_id=show.pk)
    assert session.pc.connectionState == "closed"
    assert (await AsyncClient().delete(published["Location"])).status_code == 404


async def test_a_second_whip_publisher_gets_409(peers):
    show, key = await _db(_live_show_with_key)()
    _first, _senders, offer = await host_offer(peers)
    assert (await _whip(show, offer, key)).status_code == 201
    _second, _senders, second_offer = await host_offer(peers)

    response = await _whip(show, second_offer, key)

    assert response.status_code == 409
    assert b"already publishing" in response.content


async def test_whip_refuses_a_body_that_is_not_sdp_with_415(peers):
    show, key = await _db(_live_show_with_key)()
    _host, _senders, offer = await host_offer(peers)

    response = await _whip(show, offer, key, content_type="text/plain")

    assert response.status_code == 415
    assert b"application/sdp" in response.content


async def test_whip_refuses_an_oversized_offer_with_413(peers, settings):
    show, key = await _db(_live_show_with_key)()

    response = await _whip(show, "v=0\r\n" + "a=x" * settings.LIVE_MAX_SDP_BYTES, key)

    assert response.status_code == 413


async def test_whip_refuses_unreadable_sdp_with_400(peers):
    show, key = await _db(_live_show_with_key)()

    response = await _whip(show, "v=0\r\nnonsense", key)

    assert response.status_code == 400
    assert not streaming.stream_is_publishing(show_id=show.pk)


async def test_whip_for_a_missing_show_is_404(peers):
    show, key = await _db(_live_show_with_key)()
    show.pk += 1000

    response = await _whip(show, "v=0\r\n", key)

    assert response.status_code == 404


async def test_whip_before_the_show_is_live_is_403(peers):
    show = await _db(make_show)()
    key = await _db(stream_key_rotate)(show=show, by=show.host)
    _host, _senders, offer = await host_offer(peers)

    response = await _whip(show, offer, key)

    assert response.status_code == 403
    assert b"not live" in response.content


async def test_whep_before_the_show_is_live_is_403(peers):
    show = await _db(make_show)()
    _viewer, _tracks, offer = await viewer_offer(peers)

    response = await _whep(show, offer)

    assert response.status_code == 403


async def test_patch_on_a_session_is_405(peers):
    show, key = await _db(_live_show_with_key)()
    _host, _senders, offer = await host_offer(peers)
    published = await _whip(show, offer, key)

    response = await AsyncClient().patch(
        published["Location"], data="a=end-of-candidates", content_type="x"
    )

    assert response.status_code == 405
    assert response["Allow"] == "DELETE"


async def test_options_names_the_accepted_body_type(peers):
    show, _key = await _db(_live_show_with_key)()

    response = await AsyncClient().options(f"/live/{show.pk}/whip")

    assert response.status_code == 204
    assert response["Accept-Post"] == "application/sdp"


def test_rotating_the_stream_key_retires_the_old_one_and_stores_only_a_hash():
    show = make_show()
    first = stream_key_rotate(show=show, by=show.host)

    second = stream_key_rotate(show=show, by=show.host)

    stored = Show.objects.get(pk=show.pk)
    assert stored.stream_key_hash == hashlib.sha256(second.encode()).hexdigest()
    assert second not in stored.stream_key_hash
    assert stream_key_matches(show=stored, key=second) is True
    assert stream_key_matches(show=stored, key=first) is False


def test_only_the_host_may_rotate_the_stream_key():
    show = make_show()
    other_host = make_host()

    response_client = Client()
    response_client.force_login(other_host)
    response = response_client.post(f"/en/live/{show.pk}/studio/stream-key/")

    assert response.status_code == 403
    assert Show.objects.get(pk=show.pk).stream_key_hash == ""


def test_host_sees_the_new_stream_key_once_with_the_whip_address():
    show = make_show()
    client = Client()
    client.force_login(show.host)

    response = client.post(f"/en/live/{show.pk}/studio/stream-key/")

    stored = Show.objects.get(pk=show.pk)
    key = response.context["stream_key"]
    assert response.status_code == 200
    assert stream_key_matches(show=stored, key=key)
    assert key in response.content.decode()
    assert f"http://testserver/live/{show.pk}/whip" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


# --- viewer slots: per client IP, per client, a share kept for signed-in shoppers ---


async def _whep_offer(peers, show, **extra):
    _pc, _tracks, offer = await viewer_offer(peers)
    return await _whep(show, offer, **extra)


async def test_whep_beyond_the_per_address_limit_is_429(peers, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LIVE_MAX_VIEWERS_PER_ADDRESS = 2
    show, _key = await _db(_live_show_with_key)()
    for _ in range(2):
        assert (
            await _whep_offer(peers, show, address="203.0.113.7")
        ).status_code == 201

    refused = await _whep_offer(peers, show, address="203.0.113.7")
    other = await _whep_offer(peers, show, address="198.51.100.9")

    assert refused.status_code == 429
    assert "Too many video connections from your network (at most 2)" in (
        refused.content.decode()
    )
    assert refused["Retry-After"] == "5"
    assert other.status_code == 201
    assert streaming.stream_viewer_count(show_id=show.pk) == 3


async def test_a_deleted_whep_session_gives_its_slot_back(peers, settings):
    settings.LIVE_MAX_VIEWERS_PER_ADDRESS = 1
    show, _key = await _db(_live_show_with_key)()
    first = await _whep_offer(peers, show)
    assert (await _whep_offer(peers, show)).status_code == 429

    await AsyncClient().delete(first["Location"])

    assert (await _whep_offer(peers, show)).status_code == 201


async def test_a_whep_viewer_that_never_connects_gives_its_slot_back(peers, settings):
    settings.LIVE_MAX_VIEWERS_PER_ADDRESS = 1
    settings.LIVE_CONNECT_TIMEOUT_SECONDS = 0.5
    show, _key = await _db(_live_show_with_key)()
    assert (await _whep_offer(peers, show)).status_code == 201
    assert (await _whep_offer(peers, show)).status_code == 429

    await wait_for(lambda: streaming.stream_viewer_count(show_id=show.pk) == 0)

    assert (await _whep_offer(peers, show)).status_code == 201


async def test_an_anonymous_flood_leaves_the_signed_in_share_free(peers, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LIVE_MAX_VIEWERS_PER_PROCESS = 4
    settings.LIVE_VIEWER_SLOTS_SIGNED_IN_SHARE = 0.5
    show, _key = await _db(_live_show_with_key)()
    answers = [
        (await _whep_offer(peers, show, address=f"203.0.113.{n}")).status_code
        for n in range(1, 6)
    ]
    shopper = AsyncClient()
    await shopper.aforce_login(await _db(make_user)())

    signed_in = await _whep_offer(peers, show, browser=shopper)

    assert answers == [201, 201, 503, 503, 503]
    assert signed_in.status_code == 201
    assert streaming.stream_viewer_count(show_id=show.pk) == 3


async def test_one_account_holds_at_most_its_share_of_players(peers, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LIVE_MAX_VIEWERS_PER_CLIENT = 1
    show, _key = await _db(_live_show_with_key)()
    shopper = AsyncClient()
    await shopper.aforce_login(await _db(make_user)())
    assert (await _whep_offer(peers, show, browser=shopper)).status_code == 201

    refused = await _whep_offer(peers, show, browser=shopper, address="198.51.100.2")

    assert refused.status_code == 429
    assert "already watching in 1 windows" in refused.content.decode()
