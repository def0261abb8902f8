"""Forwarding details below the peer-connection tests in live/tests."""

import asyncio
import time

import pytest
from aiortc.rtp import RtpPacket

from live.media import relay
from live.media.aiortc_compat import MarkerJitterBuffer
from live.media.bitstream import is_keyframe
from live.media.relay import _Stream

VP8_KEYFRAME = b"\x50\x02\x00\x9d\x01\x2a\x40\x01\xf0\x00"
VP8_DELTA = b"\x31\x01\x00\x11\x22\x33"


def _packet(sequence_number: int, timestamp: int, data: bytes, marker: int = 0):
    packet = RtpPacket(sequence_number=sequence_number, timestamp=timestamp)
    packet.marker = marker
    packet._data = data  # type: ignore[attr-defined]  # aiortc private
    return packet


class _Host:
    """Stands in for the tap on the host's receiver."""

    def __init__(self) -> None:
        self.requests = 0

    def request_keyframe(self) -> bool:
        self.requests += 1
        return True

    def close(self) -> None:
        pass


class _Clock:
    """The relay's monotonic clock, moved on by hand instead of by sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(relay, "time", fake)
    return fake


async def _until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.005)


def _video_stream(**options) -> _Stream:
    settings = {"queue_seconds": 1.0, "join_window": 0.5, "keyframe_interval": 0.5}
    settings.update(options)
    return _Stream(kind="video", mime_type="video/VP8", **settings)


def test_frame_without_its_marker_ends_where_the_timestamp_changes():
    buffer = MarkerJitterBuffer(capacity=64, is_video=True)

    assert buffer.add(_packet(1, 3000, b"ab")) == (False, None)
    broken, frame = buffer.add(_packet(2, 6000, b"cd"))

    assert broken is False
    assert (frame.data, frame.timestamp) == (b"ab", 3000)


def test_retransmission_hands_over_every_frame_it_completes():
    buffer = MarkerJitterBuffer(capacity=64, is_video=True)
    buffer.add(_packet(10, 3000, b"k", marker=1))
    # Packet 11 is lost; the frames at 9000 and 12000 arrive complete behind it.
    for sequence_number, timestamp, data, marker in (
        (12, 6000, b"b", 1),
        (13, 9000, b"c", 1),
        (14, 12000, b"d", 1),
    ):
        assert buffer.add(_packet(sequence_number, timestamp, data, marker))[1] is None

    broken, first = buffer.add(_packet(11, 6000, b"a"))
    rest = buffer.take_ready()

    assert broken is False
    assert [(f.data, f.timestamp) for f in [first, *rest]] == [
        (b"ab", 6000),
        (b"c", 9000),
        (b"d", 12000),
    ]


def test_packet_missing_too_long_is_given_up_at_the_next_frame_start():
    buffer = MarkerJitterBuffer(capacity=64, is_video=True, max_delay=9000)
    buffer.add(_packet(1, 3000, b"k", marker=1))
    assert buffer.add(_packet(3, 6000, b"lost-half", marker=1)) == (False, None)
    assert buffer.add(_packet(4, 9000, b"e", marker=1)) == (False, None)

    broken, frame = buffer.add(_packet(5, 15000, b"f", marker=1))

    assert broken is True
    assert (frame.data, frame.timestamp) == (b"e", 9000)
    assert [(f.data, f.timestamp) for f in buffer.take_ready()] == [(b"f", 15000)]


def test_frame_missing_a_middle_packet_too_long_is_given_up_at_the_next_start():
    buffer = MarkerJitterBuffer(capacity=64, is_video=True, max_delay=9000)
    buffer.add(_packet(1, 3000, b"k", marker=1))
    # The frame at 6000 starts (2) but its middle packet (3) never comes.
    assert buffer.add(_packet(2, 6000, b"first")) == (False, None)
    assert buffer.add(_packet(4, 6000, b"last", marker=1)) == (False, None)
    assert buffer.add(_packet(5, 9000, b"e", marker=1)) == (False, None)

    # Still within max_delay of the stuck frame: it may yet be completed.
    assert buffer.add(_packet(6, 15000, b"f", marker=1)) == (False, None)
    broken, frame = buffer.add(_packet(7, 18000, b"g", marker=1))

    assert broken is True
    assert (frame.data, frame.timestamp) == (b"e", 9000)
    assert [(f.data, f.timestamp) for f in buffer.take_ready()] == [
        (b"f", 15000),
        (b"g", 18000),
    ]


def test_first_packet_of_a_frame_after_a_long_gap_is_not_given_up():
    buffer = MarkerJitterBuffer(capacity=64, is_video=True, max_delay=9000)
    buffer.add(_packet(1, 3000, b"k", marker=1))

    # The host paused for a while; the next frame's packets come one by one.
    assert buffer.add(_packet(2, 90000, b"first")) == (False, None)
    broken, frame = buffer.add(_packet(3, 90000, b"last", marker=1))

    assert broken is False
    assert (frame.data, frame.timestamp) == (b"firstlast", 90000)


def test_audio_packets_are_handed_over_at_once_and_late_ones_dropped():
    buffer = MarkerJitterBuffer(capacity=16)

    handed_over = [
        buffer.add(_packet(sequence_number, sequence_number * 960, b"x"))[1]
        for sequence_number in (1, 3, 2, 4)
    ]

    assert [f and f.timestamp for f in handed_over] == [960, 2880, None, 3840]


def test_every_audio_frame_counts_as_a_keyframe():
    assert is_keyframe("audio/opus", b"\x01") is True


def test_unknown_video_codec_cannot_be_inspected():
    with pytest.raises(ValueError, match="video/AV1"):
        is_keyframe("video/AV1", VP8_KEYFRAME)


async def test_viewer_joining_soon_after_a_keyframe_starts_there_without_a_request():
    stream = _video_stream()
    host = _Host()
    stream.source_set(host)
    for index, data in enumerate((VP8_KEYFRAME, VP8_DELTA, VP8_DELTA)):
        stream.frame_in(host, None, data, index * 3000)

    track = stream.subscribe()
    frames = [await asyncio.wait_for(track.recv(), 1) for _ in range(3)]

    assert [(f.timestamp, f.keyframe) for f in frames] == [
        (0, True),
        (3000, False),
        (6000, False),
    ]
    assert host.requests == 0
    stream.close()


async def test_viewer_joining_long_after_the_keyframe_waits_for_a_requested_one(
    clock,
):
    stream = _video_stream(join_window=0.05)
    host = _Host()
    stream.source_set(host)
    stream.frame_in(host, None, VP8_KEYFRAME, 0)
    clock.now += 0.1
    stream.frame_in(host, None, VP8_DELTA, 3000)

    track = stream.subscribe()
    receiving = asyncio.ensure_future(track.recv())
    await _until(lambda: host.requests == 1)
    stream.frame_in(host, None, VP8_DELTA, 6000)
    stream.frame_in(host, None, VP8_KEYFRAME, 9000)
    frame = await asyncio.wait_for(receiving, 1)

    assert host.requests == 1
    assert (frame.timestamp, frame.keyframe) == (9000, True)
    assert track.stats.skipped == 1
    stream.close()


async def test_reconnected_host_continues_the_timeline_from_its_first_keyframe(
    clock,
):
    stream = _video_stream()
    first_host, second_host = _Host(), _Host()
    stream.source_set(first_host)
    track = stream.subscribe()
    stream.frame_in(first_host, None, VP8_KEYFRAME, 50000)
    assert (await track.recv()).timestamp == 0

    stream.source_set(second_host)
    stream.frame_in(first_host, None, VP8_DELTA, 53000)  # the old session, late
    started = clock.now
    clock.now += 0.2
    stream.frame_in(second_host, None, VP8_DELTA, 0)
    stream.frame_in(second_host, None, VP8_KEYFRAME, 3000)
    elapsed = round((clock.now - started) * 90000)
    frame = await asyncio.wait_for(track.recv(), 1)

    assert frame.keyframe is True
    assert elapsed + 3000 - 900 <= frame.timestamp <= elapsed + 3000 + 900
    assert track.stats.skipped == 1
    assert second_host.requests == 1
    stream.close()


async def test_overflowing_viewer_keeps_the_keyframe_that_overflowed_it():
    stream = _video_stream(queue_seconds=0.1)
    host = _Host()
    stream.source_set(host)
    track = stream.subscribe()
    stream.frame_in(host, None, VP8_KEYFRAME, 0)
    for index in range(1, 3):
        stream.frame_in(host, None, VP8_DELTA, index * 3000)
    stream.frame_in(host, None, VP8_KEYFRAME, 9000)

    assert (track.queued, track.stats.resyncs, track.stats.dropped) == (1, 1, 3)
    assert (await track.recv()).timestamp == 9000
    stream.close()


async def test_stopped_viewer_track_leaves_the_stream():
    stream = _video_stream()
    track = stream.subscribe()

    track.stop()

    assert stream.snapshot().viewers == 0
    stream.close()
