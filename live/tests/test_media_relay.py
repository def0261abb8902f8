"""The forwarding relay, over real aiortc peer connections on loopback."""

import asyncio
import time
from fractions import Fraction

import pytest
from aiortc import (
    AudioStreamTrack,
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
    VideoStreamTrack,
    rtcrtpreceiver,
    rtcrtpsender,
)
from aiortc.codecs.h264 import H264Encoder
from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder, vp8_depayload
from aiortc.rtp import RtpPacket
from av import VideoFrame

from live.media import ShowRelay, aiortc_compat
from live.media.relay import KeyframeRequester, _Timeline, is_keyframe
from live.tests.test_media_layers import _stream_with_host

WIDTH, HEIGHT = 320, 240
LEFT_LUMA, RIGHT_LUMA = 200, 50


def _picture() -> VideoFrame:
    """Left half bright, right half dark: easy to recognise after a codec."""
    frame = VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
    luma = frame.planes[0]
    row = bytes([LEFT_LUMA]) * (WIDTH // 2) + bytes([RIGHT_LUMA]) * (WIDTH // 2)
    luma.update((row + bytes(luma.line_size - WIDTH)) * HEIGHT)
    for chroma in frame.planes[1:]:
        chroma.update(bytes([128]) * chroma.buffer_size)
    return frame


class HostCamera(VideoStreamTrack):
    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = _picture()
        frame.pts = pts
        frame.time_base = time_base
        return frame


def _luma_halves(frame: VideoFrame) -> tuple[float, float]:
    plane = frame.planes[0]
    data = bytes(plane)
    left: list[int]
    right: list[int]
    left, right = [], []
    for y in range(8, frame.height - 8, 8):
        base = y * plane.line_size
        left += data[base + 16 : base + frame.width // 2 - 16 : 4]
        right += data[base + frame.width // 2 + 16 : base + frame.width - 16 : 4]
    return sum(left) / len(left), sum(right) / len(right)


@pytest.fixture
async def peers():
    created: list[RTCPeerConnection] = []

    def make() -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        created.append(pc)
        return pc

    yield make
    for pc in reversed(created):
        await pc.close()


async def _negotiate(offerer, answerer, before_answer=None) -> None:
    await offerer.setLocalDescription(await offerer.createOffer())
    await answerer.setRemoteDescription(offerer.localDescription)
    if before_answer is not None:
        await before_answer()
    await answerer.setLocalDescription(await answerer.createAnswer())
    await offerer.setRemoteDescription(answerer.localDescription)


async def _start_host(relay: ShowRelay, peers):
    """A host browser stand-in publishing camera and microphone (host offers)."""
    host, server = peers(), peers()
    senders = {
        "video": host.addTrack(HostCamera()),
        "audio": host.addTrack(AudioStreamTrack()),
    }
    tracks: list[MediaStreamTrack] = []
    server.on("track", tracks.append)

    async def publish() -> None:
        for track in tracks:
            await relay.publish(server, track)

    await _negotiate(host, server, publish)
    return senders, server


async def _add_viewer(relay: ShowRelay, peers):
    """A viewer offering to receive (as WHEP does); returns its pcs and tracks."""
    viewer, server = peers(), peers()
    viewer.addTransceiver("video", direction="recvonly")
    viewer.addTransceiver("audio", direction="recvonly")
    tracks: dict[str, MediaStreamTrack] = {}
    viewer.on("track", lambda track: tracks.__setitem__(track.kind, track))
    handle = None

    async def add() -> None:
        nonlocal handle
        handle = relay.add_viewer(server)

    await _negotiate(viewer, server, add)
    return viewer, server, handle, tracks


async def _wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def _count_calls(monkeypatch, module, name: str) -> list[str]:
    calls: list[str] = []
    real = getattr(module, name)

    def counting(codec):
        calls.append(codec.mimeType.lower())
        return real(codec)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_installed_aiortc_passes_the_compat_check():
    aiortc_compat.check_aiortc_version()


def test_another_aiortc_version_fails_the_compat_check():
    with pytest.raises(aiortc_compat.AiortcCompatError, match="not 1.17.0"):
        aiortc_compat.check_aiortc_version("1.17.0")


@pytest.mark.parametrize("codec", ["video/VP8", "video/H264"])
async def test_two_viewers_decode_the_hosts_video(peers, codec):
    relay = ShowRelay(video_codec=codec)
    await _start_host(relay, peers)
    viewers = [await _add_viewer(relay, peers) for _ in range(2)]

    other = {"video/VP8": "H264", "video/H264": "VP8"}[codec]
    for viewer, _server, _handle, tracks in viewers:
        for _ in range(10):
            frame = await asyncio.wait_for(tracks["video"].recv(), 10)
        left, right = _luma_halves(frame)
        assert other not in viewer.remoteDescription.sdp
        assert (frame.width, frame.height) == (WIDTH, HEIGHT)
        assert abs(left - LEFT_LUMA) < 15
        assert abs(right - RIGHT_LUMA) < 15
    await relay.close()


async def test_two_viewers_decode_the_hosts_audio(peers):
    relay = ShowRelay()
    await _start_host(relay, peers)
    viewers = [await _add_viewer(relay, peers) for _ in range(2)]

    for _viewer, _server, _handle, tracks in viewers:
        frame = await asyncio.wait_for(tracks["audio"].recv(), 10)
        assert (frame.sample_rate, frame.samples) == (48000, 960)
    await relay.close()


def _count_encoding(monkeypatch) -> list[tuple[str, int]]:
    """(codec, encoder id) of every encode() of aiortc's encoders, host or server."""
    calls: list[tuple[str, int]] = []
    for encoder_class, mime_type in (
        (Vp8Encoder, "video/vp8"),
        (H264Encoder, "video/h264"),
        (OpusEncoder, "audio/opus"),
    ):
        real = encoder_class.encode

        def counting(self, frame, force_keyframe=False, real=real, mime=mime_type):
            calls.append((mime, id(self)))
            return real(self, frame, force_keyframe)

        monkeypatch.setattr(encoder_class, "encode", counting)
    return calls


async def test_server_encodes_and_decodes_nothing_it_forwards(peers, monkeypatch):
    encoders = _count_calls(monkeypatch, rtcrtpsender, "get_encoder")
    encoding = _count_encoding(monkeypatch)
    decoders = _count_calls(monkeypatch, rtcrtpreceiver, "get_decoder")
    relay = ShowRelay()
    await _start_host(relay, peers)
    viewers = [await _add_viewer(relay, peers) for _ in range(2)]
    for _viewer, _server, _handle, tracks in viewers:
        for kind in ("video", "audio"):
            for _ in range(5):
                await asyncio.wait_for(tracks[kind].recv(), 10)

    # Only the host encodes (one encoder per kind) and only the two viewers decode.
    assert sorted({mime for mime, _encoder in encoding}) == ["audio/opus", "video/vp8"]
    assert len({encoder for _mime, encoder in encoding}) == 2
    assert sorted(decoders) == ["audio/opus", "audio/opus", "video/vp8", "video/vp8"]
    # aiortc's sender makes its codec's encoder object before it sees that a track
    # yields packets; the server's four are never asked to encode.
    assert sorted(encoders) == ["audio/opus"] * 3 + ["video/vp8"] * 3
    for _viewer, server, _handle, _tracks in viewers:
        for transceiver in server.getTransceivers():
            report = await transceiver.sender.getStats()
            (sent,) = [s for s in report.values() if s.type == "outbound-rtp"]
            assert sent.packetsSent > 0
    await relay.close()


async def test_viewer_receives_the_hosts_encoded_bytes_unchanged(peers):
    relay = ShowRelay()
    await _start_host(relay, peers)
    relayed: list[bytes] = []
    watcher = relay.subscribe("video")

    async def watch() -> None:
        while True:
            relayed.append((await watcher.recv()).data)

    watching = asyncio.ensure_future(watch())
    viewer, _server, _handle, _tracks = await _add_viewer(relay, peers)
    received: list[bytes] = []
    video = next(t for t in viewer.getTransceivers() if t.kind == "video")
    aiortc_compat.ReceiverTap(
        video.receiver, on_frame=lambda codec, data, ts, head: received.append(data)
    )

    await _wait_for(lambda: len(received) >= 20)
    watching.cancel()
    assert all(data in relayed for data in received)
    await relay.close()


async def test_slow_viewer_stays_bounded_and_resumes_at_a_keyframe(peers):
    relay = ShowRelay(queue_seconds=0.2)
    await _start_host(relay, peers)
    viewer, server, handle, tracks = await _add_viewer(relay, peers)
    frames: list[VideoFrame] = []

    async def watch() -> None:
        while True:
            frames.append(await tracks["video"].recv())

    watching = asyncio.ensure_future(watch())
    arrivals: list[tuple[int, bool]] = []
    video = next(t for t in viewer.getTransceivers() if t.kind == "video")
    aiortc_compat.ReceiverTap(
        video.receiver,
        on_frame=lambda codec, data, ts, head: arrivals.append(
            (ts, is_keyframe("video/VP8", data))
        ),
        decode=True,
    )
    await _wait_for(lambda: len(frames) >= 10)

    # The link to this viewer stalls for a second: every packet waits.
    link = server.getTransceivers()[0].sender.transport
    send_rtp = link._send_rtp
    link_open = asyncio.Event()

    async def stalled_send_rtp(data: bytes) -> None:
        await link_open.wait()
        await send_rtp(data)

    link._send_rtp = stalled_send_rtp
    stalled_at = relay.stats()["video"].frames_in
    peak = 0

    def stalled_for_a_second() -> bool:
        nonlocal peak
        peak = max(peak, handle.video.queued)
        # A second of the host's video (30 frames) piled up behind the stall.
        return relay.stats()["video"].frames_in >= stalled_at + 30

    await _wait_for(stalled_for_a_second, timeout=20)
    before = len(frames)
    link_open.set()
    await _wait_for(lambda: len(frames) >= before + 15)
    watching.cancel()

    assert handle.video.stats.peak_queued <= 6
    assert peak <= 6
    assert handle.video.stats.resyncs >= 1
    gaps = [
        keyframe
        for (previous, _), (ts, keyframe) in zip(arrivals, arrivals[1:], strict=False)
        if ts - previous > 45000  # half a second of video clock
    ]
    assert gaps == [True]
    left, right = _luma_halves(frames[-1])
    assert abs(left - LEFT_LUMA) < 15
    assert abs(right - RIGHT_LUMA) < 15
    await relay.close()


async def test_ten_viewers_joining_at_once_cause_one_keyframe_request(peers):
    # An interval longer than the test: a second request could only be a merge failing.
    relay = ShowRelay(keyframe_interval=30.0)
    senders, _server = await _start_host(relay, peers)
    requests_at_host = []
    aiortc_compat.on_keyframe_request(
        senders["video"], lambda: requests_at_host.append(time.monotonic())
    )
    # The host has been live for a while: its first keyframe is too old to join on.
    await _wait_for(lambda: relay.stats()["video"].frames_in >= 30)
    tracks = [relay.subscribe("video") for _ in range(10)]
    first_frames = []

    async def join(track) -> None:
        first_frames.append(await asyncio.wait_for(track.recv(), 10))

    await asyncio.gather(*(join(track) for track in tracks))

    assert len(requests_at_host) == 1
    assert relay.stats()["video"].keyframe_requests_sent == 1
    assert [frame.keyframe for frame in first_frames] == [True] * 10
    await relay.close()


async def test_viewers_keyframe_request_reaches_the_host(peers):
    relay = ShowRelay()
    senders, _server = await _start_host(relay, peers)
    viewer, _server, _handle, tracks = await _add_viewer(relay, peers)
    await asyncio.wait_for(tracks["video"].recv(), 10)
    requests_at_host = []
    aiortc_compat.on_keyframe_request(
        senders["video"], lambda: requests_at_host.append(time.monotonic())
    )
    video = next(t for t in viewer.getTransceivers() if t.kind == "video")
    tap = aiortc_compat.ReceiverTap(
        video.receiver, on_frame=lambda *frame: None, decode=True
    )

    # Within the rate limit of the request made on joining it waits for its turn.
    assert tap.request_keyframe() is True
    await _wait_for(lambda: len(requests_at_host) == 1, timeout=2)
    await relay.close()


async def test_host_picture_loss_holds_viewers_until_the_next_keyframe(peers):
    relay = ShowRelay()
    senders, server = await _start_host(relay, peers)
    watcher = relay.subscribe("video")
    for _ in range(5):
        await asyncio.wait_for(watcher.recv(), 10)
    # The host takes 200 ms to produce the keyframe: deltas keep coming meanwhile.
    requests_at_host = []
    host_send_keyframe = senders["video"]._send_keyframe
    loop = asyncio.get_running_loop()

    def slow_keyframe() -> None:
        requests_at_host.append(time.monotonic())
        loop.call_later(0.2, host_send_keyframe)

    senders["video"]._send_keyframe = slow_keyframe
    server = next(t.receiver for t in server.getTransceivers() if t.kind == "video")
    complete = watcher.queued

    # What aiortc's receiver does when its jitter buffer has to drop packets.
    await server._send_rtcp_pli(server.getSynchronizationSources()[0].source)
    for _ in range(complete):
        await asyncio.wait_for(watcher.recv(), 10)
    after_loss = await asyncio.wait_for(watcher.recv(), 10)

    assert after_loss.keyframe is True
    assert watcher.stats.skipped >= 1
    await _wait_for(lambda: len(requests_at_host) >= 1, timeout=2)
    await relay.close()


async def test_viewer_offering_only_video_gets_only_video(peers):
    relay = ShowRelay()
    viewer, server = peers(), peers()
    viewer.addTransceiver("video", direction="recvonly")
    await viewer.setLocalDescription(await viewer.createOffer())
    await server.setRemoteDescription(viewer.localDescription)

    handle = relay.add_viewer(server)

    assert handle.audio is None
    assert [t.kind for t in server.getTransceivers()] == ["video"]
    await relay.close()


async def test_keyframe_requests_are_limited_to_one_per_interval():
    sent = []
    requester = KeyframeRequester(
        lambda: sent.append(time.monotonic()) or True, min_interval=0.3
    )
    for _ in range(10):
        requester.request()
    assert len(sent) == 1
    # No keyframe came: asked again once the interval is over, not before.
    await _wait_for(lambda: len(sent) == 2)
    assert sent[1] - sent[0] >= 0.3
    requester.keyframe_arrived()
    # The retry timer runs out once more and, the keyframe being in, asks nothing.
    await _wait_for(lambda: requester._timer is None)
    assert len(sent) == 2
    requester.close()


VP8_KEYFRAME_START = b"\x50\x02\x00\x9d\x01\x2a\x40\x01\xf0\x00"


async def _viewer_sent_a_keyframe(size: int):
    """A stream (its host counting requests) and a viewer's track that has just
    handed the sender a keyframe of ``size`` bytes."""
    stream, host = _stream_with_host()
    track = stream.subscribe(packets=True)
    keyframe = VP8_KEYFRAME_START + bytes(size - len(VP8_KEYFRAME_START))
    stream.frame_in(host, None, keyframe, 0)  # type: ignore[arg-type]
    await asyncio.wait_for(track.recv(), 1)
    return stream, host, track


async def test_viewer_asking_while_its_keyframe_crosses_a_slow_link_waits():
    # 40 kB at an estimated 320 kbit/s take a second to cross: the grace is 2 s.
    stream, host, track = await _viewer_sent_a_keyframe(40_000)

    track.keyframe_requested(estimate=320_000)
    track.keyframe_requested(estimate=320_000)
    await asyncio.sleep(0.3)

    assert host.requests == 0
    assert track.stats.keyframe_requests_held == 2
    track.stop()
    stream.close()


async def test_held_keyframe_request_reaches_the_host_when_the_grace_is_over():
    # 4 kB at 2 Mbit/s: the shortest grace, half a second.
    stream, host, track = await _viewer_sent_a_keyframe(4_000)

    track.keyframe_requested(estimate=2_000_000)
    assert host.requests == 0
    await _wait_for(lambda: host.requests >= 1, timeout=2)
    track.stop()
    stream.close()


async def test_held_keyframe_request_lapses_when_another_keyframe_went_out():
    stream, host, track = await _viewer_sent_a_keyframe(4_000)
    track.keyframe_requested(estimate=2_000_000)

    keyframe = VP8_KEYFRAME_START + bytes(4_000)
    stream.frame_in(host, None, keyframe, 3000)  # type: ignore[arg-type]
    await asyncio.wait_for(track.recv(), 1)
    await asyncio.sleep(0.8)

    assert host.requests == 0
    track.stop()
    stream.close()


class _RetransmittingSender:
    """Stands in for an RTCRtpSender: records what it retransmits."""

    def __init__(self) -> None:
        self._RTCRtpSender__rtt = 0.05
        self.retransmitted: list[int] = []

    async def _retransmit(self, sequence_number: int) -> None:
        self.retransmitted.append(sequence_number)


async def test_a_packet_listed_in_nack_after_nack_goes_again_once_per_round_trip():
    sender = _RetransmittingSender()
    stats = aiortc_compat.limit_retransmissions(sender, min_interval=0.1)  # type: ignore[arg-type]

    # aiortc's receiver lists every packet still missing in each NACK.
    for lost in ([7], [7, 8], [7, 8, 9]):
        for sequence_number in lost:
            await sender._retransmit(sequence_number)

    assert sender.retransmitted == [7, 8, 9]
    assert (stats.requested, stats.sent) == (6, 3)
    await asyncio.sleep(0.15)
    await sender._retransmit(7)
    assert sender.retransmitted == [7, 8, 9, 7]


async def test_a_packet_goes_again_a_few_times_at_most():
    sender = _RetransmittingSender()
    sender._RTCRtpSender__rtt = 0.0
    aiortc_compat.limit_retransmissions(sender, max_times=3, min_interval=0.0)  # type: ignore[arg-type]

    for _ in range(10):
        await sender._retransmit(7)

    assert sender.retransmitted == [7, 7, 7]


def _pictures(count: int):
    for index in range(count):
        picture = _picture()
        picture.pts = index * 3000
        picture.time_base = Fraction(1, 90000)
        yield picture


def test_vp8_keyframes_are_recognised():
    encoder = Vp8Encoder()
    frames = []
    for picture, force in zip(_pictures(3), (False, False, True), strict=True):
        payloads, _timestamp = encoder.encode(picture, force_keyframe=force)
        frames.append(b"".join(vp8_depayload(payload) for payload in payloads))

    assert [is_keyframe("video/VP8", data) for data in frames] == [True, False, True]


def test_h264_keyframes_are_recognised():
    encoder = H264Encoder()
    frames = []
    for picture, force in zip(_pictures(3), (False, False, True), strict=True):
        units = encoder._encode_frame(picture, force)
        frames.append(b"".join(b"\x00\x00\x00\x01" + unit for unit in units))

    assert [is_keyframe("video/H264", data) for data in frames] == [True, False, True]


def test_frame_is_handed_over_when_its_last_packet_arrives():
    buffer = aiortc_compat.MarkerJitterBuffer(capacity=128, is_video=True)
    handed_over = []
    for sequence_number, marker, data in ((10, 0, b"ab"), (11, 1, b"cd")):
        packet = RtpPacket(sequence_number=sequence_number, timestamp=9000)
        packet.marker = marker
        packet._data = data
        handed_over.append(buffer.add(packet)[1])

    assert handed_over[0] is None
    assert (handed_over[1].data, handed_over[1].timestamp) == (b"abcd", 9000)


def test_timestamps_keep_running_when_the_host_reconnects():
    timeline = _Timeline(clock_rate=90000)
    first_host, second_host = object(), object()

    assert timeline.map(first_host, 5000, now=10.0) == 0
    assert timeline.map(first_host, 8000, now=10.033) == 3000
    assert timeline.map(second_host, 0, now=11.033) == 93000
    assert timeline.map(second_host, 3000, now=11.066) == 96000


async def test_host_offering_only_another_codec_is_refused(peers):
    relay = ShowRelay(video_codec="video/VP8")
    host, server = peers(), peers()
    transceiver = host.addTransceiver(HostCamera(), direction="sendonly")
    transceiver.setCodecPreferences(
        [
            c
            for c in RTCRtpSender.getCapabilities("video").codecs
            if c.mimeType == "video/H264"
        ]
    )
    tracks: list[MediaStreamTrack] = []
    server.on("track", tracks.append)
    await host.setLocalDescription(await host.createOffer())
    await server.setRemoteDescription(host.localDescription)

    with pytest.raises(ValueError, match="did not offer video/VP8"):
        await relay.publish(server, tracks[0])
    await relay.close()
