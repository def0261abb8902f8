"""The publish and watch sockets, through the ASGI stack, aiortc as the browsers."""

import asyncio
import contextlib
import time

import pytest
from aiortc import RTCPeerConnection, RTCRtpSender
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from live import streaming
from live.media import aiortc_compat
from live.models import ShowStatus
from live.services import shows as show_services
from live.streaming import sessions as streaming_sessions
from live.tests.factories import make_host, make_show, make_user
from live.tests.webrtc import Peers, answer_apply, host_offer, viewer_offer, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10
_db = database_sync_to_async


_sockets: list[WebsocketCommunicator] = []


@pytest.fixture
async def peers(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    made = Peers()
    yield made
    await streaming.streams_close_all()
    await made.close()
    # A consumer lets go of its database connection when its socket disconnects.
    while _sockets:
        with contextlib.suppress(Exception):
            await _sockets.pop().disconnect(timeout=TIMEOUT)


def _live_show(**fields):
    show = make_show(**fields)
    show_services.show_start(show=show, host=show.host)
    return show


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _open(show, socket: str, user=None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        cookie = await _db(_session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(
        application, f"/ws/live/{show.pk}/{socket}/", headers=headers
    )
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    _sockets.append(communicator)
    return communicator


async def _frame(communicator, frame_type: str) -> dict:
    deadline = time.monotonic() + TIMEOUT
    while True:
        frame = await communicator.receive_json_from(
            timeout=deadline - time.monotonic()
        )
        if frame["type"] == frame_type:
            return frame


async def _refusal(communicator) -> tuple[str, int]:
    """The error code and the close code a refused socket gets."""
    error = await communicator.receive_json_from(timeout=TIMEOUT)
    assert error["type"] == "error"
    assert error["message"]
    close = await communicator.receive_output(timeout=TIMEOUT)
    assert close["type"] == "websocket.close"
    return error["code"], close["code"]


async def _publish(show, peers, host, **options):
    pc, senders, offer = await host_offer(peers, **options)
    socket = await _open(show, "publish", host)
    await socket.send_json_to({"type": "offer", "sdp": offer})
    await answer_apply(pc, (await _frame(socket, "answer"))["sdp"])
    return socket, pc, senders


async def _watch(show, peers):
    pc, tracks, offer = await viewer_offer(peers)
    socket = await _open(show, "watch")
    await socket.send_json_to({"type": "offer", "sdp": offer})
    await answer_apply(pc, (await _frame(socket, "answer"))["sdp"])
    return socket, pc, tracks


async def test_only_the_shows_host_may_open_the_publish_socket(peers):
    show = await _db(_live_show)()
    other_host = await _db(make_host)()

    for user in (other_host, None):
        socket = await _open(show, "publish", user)
        assert await _refusal(socket) == ("forbidden", 4403)


async def test_host_publishes_and_a_viewer_decodes_the_video(peers):
    show = await _db(_live_show)()
    await _publish(show, peers, show.host)
    _socket, _pc, tracks = await _watch(show, peers)

    await wait_for(lambda: "video" in tracks)
    for _ in range(5):
        frame = await asyncio.wait_for(tracks["video"].recv(), TIMEOUT)

    assert (frame.width, frame.height) == (320, 240)
    assert streaming.stream_viewer_count(show_id=show.pk) == 1


async def test_a_viewer_joining_late_makes_the_relay_ask_the_host_for_a_keyframe(
    peers,
):
    show = await _db(_live_show)()
    _socket, _pc, senders = await _publish(show, peers, show.host)
    relay = streaming.stream_relay(show_id=show.pk)
    # Past the join window: the host's last keyframe is too old to start a viewer on.
    await wait_for(lambda: relay.stats()["video"].frames_in >= 30)
    requests_at_host = []
    aiortc_compat.on_keyframe_request(
        senders["video"], lambda: requests_at_host.append(time.monotonic())
    )

    joined = time.monotonic()
    _socket, _viewer, tracks = await _watch(show, peers)
    await wait_for(lambda: "video" in tracks)
    await asyncio.wait_for(tracks["video"].recv(), TIMEOUT)
    first_picture = time.monotonic()

    assert len(requests_at_host) >= 1
    assert requests_at_host[0] - joined < 1.0
    assert first_picture - joined < 2.0  # loopback, on a busy two-core machine


async def test_oversized_sdp_gets_an_error_and_the_socket_closes(peers):
    show = await _db(_live_show)()
    socket = await _open(show, "watch")

    await socket.send_json_to(
        {"type": "offer", "sdp": "v=0\r\n" + "a=x\r\n" * settings.LIVE_MAX_SDP_BYTES}
    )

    assert await _refusal(socket) == ("too_large", 4413)


async def test_unreadable_sdp_gets_an_error_and_the_socket_closes(peers):
    show = await _db(_live_show)()
    socket = await _open(show, "watch")

    await socket.send_json_to({"type": "offer", "sdp": "hello, server"})

    assert await _refusal(socket) == ("bad_sdp", 4400)
    assert streaming.stream_viewer_count(show_id=show.pk) == 0


async def test_publish_offer_that_sends_nothing_is_refused(peers):
    show = await _db(_live_show)()
    _pc, _tracks, receive_only = await viewer_offer(peers)
    socket = await _open(show, "publish", show.host)

    await socket.send_json_to({"type": "offer", "sdp": receive_only})

    assert await _refusal(socket) == ("bad_sdp", 4400)


async def test_frame_that_is_not_json_closes_the_socket(peers):
    show = await _db(_live_show)()
    socket = await _open(show, "watch")

    await socket.send_to(text_data="offer please")

    assert await _refusal(socket) == ("malformed", 4400)


async def test_watching_is_refused_before_the_show_is_live(peers):
    show = await _db(make_show)()

    socket = await _open(show, "watch")

    assert await _refusal(socket) == ("not_live", 4409)


async def test_watching_is_refused_after_the_show_has_ended(peers):
    show = await _db(_live_show)()
    await _db(show_services.show_end)(show=show, host=show.host)

    socket = await _open(show, "watch")

    assert await _refusal(socket) == ("ended", 4410)


async def test_publishing_is_refused_before_the_show_is_live(peers):
    show = await _db(make_show)()

    socket = await _open(show, "publish", show.host)

    assert await _refusal(socket) == ("not_live", 4409)


async def test_watch_socket_for_a_missing_show_closes_4404(peers):
    show = await _db(make_show)()
    show.pk += 1000

    socket = await _open(show, "watch")

    assert await _refusal(socket) == ("not_found", 4404)


async def test_viewers_beyond_the_process_limit_are_refused(peers, settings):
    settings.LIVE_MAX_VIEWERS_PER_PROCESS = 1
    show = await _db(_live_show)()
    await _watch(show, peers)
    _pc, _tracks, offer = await viewer_offer(peers)
    socket = await _open(show, "watch")

    await socket.send_json_to({"type": "offer", "sdp": offer})

    assert await _refusal(socket) == ("full", 4503)
    assert streaming.stream_viewer_count(show_id=show.pk) == 1


async def test_closing_the_watch_socket_closes_its_peer_connection(peers):
    show = await _db(_live_show)()
    await _publish(show, peers, show.host)
    socket, viewer, tracks = await _watch(show, peers)
    await wait_for(lambda: "video" in tracks)
    await asyncio.wait_for(tracks["video"].recv(), TIMEOUT)
    stream = streaming_sessions._registry.streams[show.pk]
    server_pc: RTCPeerConnection = next(iter(stream.viewers.values())).pc

    await socket.disconnect()

    await wait_for(lambda: server_pc.connectionState == "closed")
    assert streaming.stream_viewer_count(show_id=show.pk) == 0
    assert stream.relay.stats()["video"].viewers == 1  # only the recorder remains


async def test_closing_the_publish_socket_closes_the_hosts_connection(peers):
    show = await _db(_live_show)()
    socket, _pc, _senders = await _publish(show, peers, show.host)
    assert streaming.stream_is_publishing(show_id=show.pk)

    await socket.disconnect()

    await wait_for(lambda: not streaming.stream_is_publishing(show_id=show.pk))


async def test_a_second_studio_window_takes_over_publishing(peers):
    show = await _db(_live_show)()
    first, _pc, _senders = await _publish(show, peers, show.host)

    await _publish(show, peers, show.host)

    assert await _refusal(first) == ("replaced", 4409)
    assert streaming.stream_is_publishing(show_id=show.pk)


async def test_ending_the_show_ends_the_stream_for_host_and_viewers(peers):
    show = await _db(_live_show)()
    publisher, _pc, _senders = await _publish(show, peers, show.host)
    viewer, _viewer_pc, _tracks = await _watch(show, peers)

    await _db(show_services.show_end)(show=show, host=show.host)

    for socket in (publisher, viewer):
        assert (await _frame(socket, "ended")) == {"type": "ended"}
        close = await socket.receive_output(timeout=TIMEOUT)
        assert (close["type"], close["code"]) == ("websocket.close", 4410)
    assert streaming.stream_relay(show_id=show.pk) is None
    refreshed = await _db(type(show).objects.get)(pk=show.pk)
    assert refreshed.status == ShowStatus.ENDED


async def test_a_negotiation_that_hangs_times_out(peers, settings, monkeypatch):
    settings.LIVE_NEGOTIATION_TIMEOUT_SECONDS = 0.2
    show = await _db(_live_show)()

    async def stuck(self, description):
        await asyncio.Event().wait()  # never set: only the timeout ends it

    monkeypatch.setattr(RTCPeerConnection, "setRemoteDescription", stuck)
    _pc, _tracks, offer = await viewer_offer(peers)
    socket = await _open(show, "watch")
    await socket.send_json_to({"type": "offer", "sdp": offer})

    assert await _refusal(socket) == ("timeout", 4408)
    assert streaming_sessions._registry.viewer_slots == 0


async def test_a_viewer_that_never_connects_is_dropped(peers, settings):
    settings.LIVE_CONNECT_TIMEOUT_SECONDS = 0.3
    show = await _db(_live_show)()
    pc, _tracks, offer = await viewer_offer(peers)
    socket = await _open(show, "watch")
    await socket.send_json_to({"type": "offer", "sdp": offer})
    await _frame(socket, "answer")
    await pc.close()  # the browser went away before ICE could connect

    assert (await _frame(socket, "closed")) == {"type": "closed", "reason": "timeout"}
    assert streaming.stream_viewer_count(show_id=show.pk) == 0


async def test_signed_in_viewer_may_watch_too(peers):
    show = await _db(_live_show)()
    viewer = await _db(make_user)()
    pc, _tracks, offer = await viewer_offer(peers)
    socket = await _open(show, "watch", viewer)

    await socket.send_json_to({"type": "offer", "sdp": offer})

    assert (await _frame(socket, "answer"))["sdp"].startswith("v=0")


async def test_socket_from_a_foreign_origin_is_refused(peers):
    show = await _db(_live_show)()
    communicator = WebsocketCommunicator(
        application,
        f"/ws/live/{show.pk}/watch/",
        headers=[(b"origin", b"https://evil.example"), (b"host", b"testserver")],
    )

    connected, _ = await communicator.connect(timeout=TIMEOUT)

    assert connected is False


async def test_viewer_without_the_shows_codec_is_refused_4415(peers):
    show = await _db(_live_show)()
    await _publish(show, peers, show.host)  # relayed as VP8
    pc = peers.make()
    video = pc.addTransceiver("video", direction="recvonly")
    video.setCodecPreferences(
        [
            codec
            for codec in RTCRtpSender.getCapabilities("video").codecs
            if codec.mimeType == "video/H264"
        ]
    )
    await pc.setLocalDescription(await pc.createOffer())
    socket = await _open(show, "watch")

    await socket.send_json_to({"type": "offer", "sdp": pc.localDescription.sdp})

    assert await _refusal(socket) == ("codec", 4415)


async def test_a_host_with_another_codec_restarts_the_viewers_on_a_new_relay(peers):
    show = await _db(_live_show)()
    publisher, _pc, _senders = await _publish(show, peers, show.host)
    viewer_socket, _viewer, _tracks = await _watch(show, peers)
    first_relay = streaming.stream_relay(show_id=show.pk)

    await _publish(show, peers, show.host, video_codec="video/H264")

    assert await _frame(viewer_socket, "closed") == {
        "type": "closed",
        "reason": "restart",
    }
    assert await _refusal(publisher) == ("replaced", 4409)
    assert streaming.stream_relay(show_id=show.pk) is not first_relay
    _pc, tracks, offer = await viewer_offer(peers)
    await viewer_socket.send_json_to({"type": "offer", "sdp": offer})
    answer = (await _frame(viewer_socket, "answer"))["sdp"]
    assert "H264" in answer
    assert "VP8" not in answer


async def test_a_deeply_nested_frame_closes_the_socket(peers):
    show = await _db(_live_show)()
    socket = await _open(show, "watch")

    await socket.send_to(
        text_data='{"type":"ping","x":' + "[" * 2000 + "]" * 2000 + "}"
    )

    assert await _refusal(socket) == ("too_deep", 4400)


def _viewer_session(show):
    sessions = streaming_sessions._registry.sessions.values()
    return next(s for s in sessions if s.show_id == show.pk and s.role == "watch")


async def test_viewer_choosing_data_saver_gets_the_base_layer_only(peers):
    show = await _db(_live_show)()
    await _publish(show, peers, show.host)
    socket, _pc, _tracks = await _watch(show, peers)
    layers = _viewer_session(show).handle.video.layers
    assert layers.target == 2

    await socket.send_json_to({"type": "quality", "data_saver": True})
    await wait_for(lambda: layers.target == 0)
    await socket.send_json_to({"type": "quality", "data_saver": False})
    await socket.send_json_to({"type": "ping"})
    await _frame(socket, "pong")

    assert _viewer_session(show).handle.quality.data_saver is False


async def test_data_saver_chosen_before_the_offer_holds_for_the_new_connection(peers):
    show = await _db(_live_show)()
    await _publish(show, peers, show.host)
    pc, _tracks, offer = await viewer_offer(peers)
    socket = await _open(show, "watch")

    await socket.send_json_to({"type": "quality", "data_saver": True})
    await socket.send_json_to({"type": "offer", "sdp": offer})
    await answer_apply(pc, (await _frame(socket, "answer"))["sdp"])

    assert _viewer_session(show).handle.video.layers.target == 0


async def test_quality_frame_that_is_not_a_yes_or_no_closes_the_socket(peers):
    show = await _db(_live_show)()
    socket = await _open(show, "watch")

    await socket.send_json_to({"type": "quality", "data_saver": "yes"})

    assert await _refusal(socket) == ("malformed", 4400)


async def test_host_cannot_send_a_quality_frame(peers):
    show = await _db(_live_show)()
    socket = await _open(show, "publish", show.host)

    await socket.send_json_to({"type": "quality", "data_saver": True})

    assert await _refusal(socket) == ("malformed", 4400)


async def test_viewers_network_reports_reach_its_layer_choice(peers):
    show = await _db(_live_show)()
    await _publish(show, peers, show.host)
    await _watch(show, peers)
    quality = _viewer_session(show).handle.quality

    # aiortc's receiver sends receiver reports and REMB estimates, as browsers do.
    await wait_for(lambda: quality.readings >= 2, timeout=15)

    assert quality.target == 2  # a clean loopback link keeps the full frame rate
