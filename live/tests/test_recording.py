"""Recording: the relay's forwarded frames muxed into a file, and the replay page."""

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import av
import pytest
from aiortc import rtcrtpreceiver, rtcrtpsender
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone

from live import streaming
from live.models import PinEvent, Show, ShowStatus
from live.services import shows as show_services
from live.streaming import sessions as streaming_sessions
from live.tests.factories import make_featured_product, make_show
from live.tests.webrtc import Peers, answer_apply, host_offer, wait_for

_db = database_sync_to_async
MIN_VIDEO_FRAMES = 45  # 1.5 s of the synthetic camera


@pytest.fixture
async def peers(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    made = Peers()
    yield made
    await streaming.streams_close_all()
    await made.close()


def _count_calls(monkeypatch, module, name: str) -> list[str]:
    calls: list[str] = []
    real = getattr(module, name)

    def counting(codec):
        calls.append(codec.mimeType.lower())
        return real(codec)

    monkeypatch.setattr(module, name, counting)
    return calls


def _live_show() -> Show:
    show = make_show()
    show_services.show_start(show=show, host=show.host)
    return show


async def _publish_until_recorded(show, peers, frames: int, **options) -> None:
    host, _senders, offer = await host_offer(peers, **options)
    session = await streaming.stream_publish(show=show, offer_sdp=offer, takeover=True)
    await answer_apply(host, session.answer_sdp)
    recorder = streaming_sessions._registry.streams[show.pk].recorder
    assert recorder is not None
    await wait_for(lambda: recorder.frames["video"] >= frames, timeout=20)


async def _recording_attached(show_id: int, timeout: float = 10.0) -> Show:
    """The show once its recording is attached (that happens after the commit)."""
    deadline = time.monotonic() + timeout
    while True:
        show = await _db(Show.objects.get)(pk=show_id)
        if show.recording:
            return show
        assert time.monotonic() < deadline, "the recording was not attached"
        await asyncio.sleep(0.05)


def _decoded_video_frames(path: Path) -> tuple[str, int, bool]:
    """The codec, the number of frames decoded, and whether the first is a keyframe."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        first = next(container.demux(stream))
        container.seek(0)
        decoded = sum(1 for _ in container.decode(stream))
        return stream.codec_context.name, decoded, first.is_keyframe


@pytest.mark.django_db(transaction=True)
async def test_show_end_attaches_a_webm_muxed_from_the_forwarded_vp8_frames(
    peers, monkeypatch, tmp_path
):
    encoders = _count_calls(monkeypatch, rtcrtpsender, "get_encoder")
    decoders = _count_calls(monkeypatch, rtcrtpreceiver, "get_decoder")
    show = await _db(_live_show)()
    await _publish_until_recorded(show, peers, MIN_VIDEO_FRAMES)

    await _db(show_services.show_end)(show=show, host=show.host)

    stored = await _recording_attached(show.pk)
    path = tmp_path / stored.recording.name
    codec, decoded, starts_at_keyframe = _decoded_video_frames(path)
    with av.open(str(path)) as container:
        audio = [s.codec_context.name for s in container.streams.audio]
        audio_frames = sum(1 for _ in container.decode(audio=0))

    assert stored.recording.name == f"recordings/{show.pk}.webm"
    assert stored.status == ShowStatus.ENDED
    assert stored.recording_started_at is not None
    assert codec == "vp8"
    assert decoded >= MIN_VIDEO_FRAMES
    assert starts_at_keyframe is True
    assert audio == ["opus"]
    assert audio_frames > 0
    # Only the host (the test's aiortc client) encoded; the server neither encoded
    # nor decoded anything to relay and record.
    assert sorted(encoders) == ["audio/opus", "video/vp8"]
    assert decoders == []


@pytest.mark.django_db(transaction=True)
async def test_h264_from_the_host_is_recorded_to_matroska(peers):
    show = await _db(_live_show)()
    await _publish_until_recorded(show, peers, 20, video_codec="video/H264")

    recording = await streaming.stream_end(show_id=show.pk)

    stored = await _db(Show.objects.get)(pk=show.pk)
    codec, decoded, starts_at_keyframe = _decoded_video_frames(recording.path)
    assert stored.recording.name == f"recordings/{show.pk}.mkv"
    assert (codec, starts_at_keyframe) == ("h264", True)
    assert decoded >= 20


@pytest.mark.django_db(transaction=True)
async def test_nothing_is_recorded_when_recording_is_off(peers, settings, tmp_path):
    settings.LIVE_RECORDING = False
    show = await _db(_live_show)()
    host, _senders, offer = await host_offer(peers)
    session = await streaming.stream_publish(show=show, offer_sdp=offer, takeover=True)
    await answer_apply(host, session.answer_sdp)
    relay = streaming.stream_relay(show_id=show.pk)
    await wait_for(lambda: relay.stats()["video"].frames_in >= 10)

    assert await streaming.stream_end(show_id=show.pk) is None
    assert not (tmp_path / "recordings").exists()
    assert not (await _db(Show.objects.get)(pk=show.pk)).recording


@pytest.mark.django_db
def test_replay_plays_the_recording_and_jumps_to_each_pinned_product():
    show = make_show()
    jacket = make_featured_product(show=show, name="Rain jacket")
    boots = make_featured_product(show=show, name="Trail boots")
    started = timezone.now() - timedelta(hours=1)
    recording_start = started + timedelta(seconds=4)
    Show.objects.filter(pk=show.pk).update(
        status=ShowStatus.ENDED,
        started_at=started,
        ended_at=started + timedelta(minutes=30),
        recording=f"recordings/{show.pk}.webm",
        recording_started_at=recording_start,
    )
    PinEvent.objects.create(
        show=show,
        product=jacket,
        pinned_at=recording_start + timedelta(seconds=12),
        unpinned_at=recording_start + timedelta(seconds=95),
    )
    PinEvent.objects.create(
        show=show, product=boots, pinned_at=recording_start + timedelta(seconds=95)
    )

    page = Client().get(f"/en/live/{show.pk}/").content.decode()

    assert f'src="/media/recordings/{show.pk}.webm"' in page
    assert "controls" in page.split('id="show-video"')[1].split(">")[0]
    assert '<a href="#t=12" data-seek="12">0:12</a> Rain jacket' in page
    assert '<a href="#t=95" data-seek="95">1:35</a> Trail boots' in page
    assert "js/live_replay.js" in page
    assert "data-unmute" not in page


@pytest.mark.django_db
def test_live_page_has_a_muted_autoplaying_player_with_an_unmute_button():
    show = make_show()
    show_services.show_start(show=show, host=show.host)

    page = Client().get(f"/en/live/{show.pk}/").content.decode()

    player = page.split('id="show-video"')[1].split(">")[0]
    assert "muted autoplay" in player
    assert 'data-status="live"' in player
    assert "data-unmute" in page
    assert "js/live_watch.js" in page


@pytest.mark.django_db
def test_replay_without_a_recording_says_so():
    show = make_show()
    show_services.show_start(show=show, host=show.host)
    show_services.show_end(show=show, host=show.host)

    page = Client().get(f"/en/live/{show.pk}/").content.decode()

    assert "There is no recording of this show." in page
    assert "controls" not in page.split('id="show-video"')[1].split(">")[0]


@pytest.mark.django_db
def test_studio_offers_the_camera_and_the_whip_address():
    show = make_show()
    client = Client()
    client.force_login(show.host)

    page = client.get(f"/en/live/{show.pk}/studio/").content.decode()

    assert "js/live_publish.js" in page
    assert "data-publish-state" in page
    assert f"http://testserver/live/{show.pk}/whip" in page
    assert f'action="/en/live/{show.pk}/studio/stream-key/"' in page
