"""A viewer on a weak link falls to the base layer and keeps playing; others do not.

The host's stream here is Chromium's recorded L1T3 layering (payload descriptors
and frame sizes, scaled up to a camera's bitrate), fed to the relay at 30 fps in
real time; the viewers are aiortc peer connections on loopback, one of them behind a
policed link that drops what exceeds its rate.
"""

import asyncio
import itertools
import json
import time
from pathlib import Path

from aiortc import RTCSessionDescription

from live.media import ShowRelay, aiortc_compat
from live.tests.webrtc import Peers, link_limit, wait_for

FPS = 30
SIZE_SCALE = 3  # the recording is a small canvas: 800 kbit/s in all, 250 for layer 0
LINK_KBPS = 360  # the base layer fits (250) with room to spare, layer 1 (415) does not
VP8_KEYFRAME = b"\x50\x02\x00\x9d\x01\x2a\x40\x01\xf0\x00"
VP8_DELTA = b"\x31\x01\x00"


class _Host:
    def request_keyframe(self) -> bool:
        return True

    def close(self) -> None:
        pass


def _recorded_frames() -> list[tuple[bytes, bytes]]:
    path = Path(__file__).parent / "data" / "vp8_l1t3_chromium.json"
    frames = []
    for head, keyframe, size in json.loads(path.read_text())["frames"]:
        start = VP8_KEYFRAME if keyframe else VP8_DELTA
        data = start + bytes(size * SIZE_SCALE - len(start))
        frames.append((bytes.fromhex(head), data))
    return frames


async def _feed(relay: ShowRelay, stop: asyncio.Event, fed: list[float]) -> None:
    stream = relay._streams["video"]
    host = _Host()
    stream.source_set(host)  # type: ignore[arg-type]  # stands in for the tap
    started = time.monotonic()
    for index, (head, data) in enumerate(itertools.cycle(_recorded_frames())):
        if stop.is_set():
            return
        stream.frame_in(host, None, data, index * 3000, head)  # type: ignore[arg-type]
        fed.append(time.monotonic())
        await asyncio.sleep(max(0.0, started + (index + 1) / FPS - time.monotonic()))


class _Viewer:
    def __init__(self, peers: Peers) -> None:
        self.pc = peers.make()
        self.arrivals: list[float] = []
        video = self.pc.addTransceiver("video", direction="recvonly")
        aiortc_compat.ReceiverTap(
            video.receiver,
            on_frame=lambda *frame: self.arrivals.append(time.monotonic()),
        )

    def frames_between(self, start: float, end: float) -> int:
        return sum(start <= at < end for at in self.arrivals)

    def longest_gap_between(self, start: float, end: float) -> float:
        frames = [at for at in self.arrivals if start <= at < end]
        return max(b - a for a, b in itertools.pairwise([start, *frames, end]))


async def _connect(relay: ShowRelay, peers: Peers, viewer: _Viewer):
    await viewer.pc.setLocalDescription(await viewer.pc.createOffer())
    server = peers.make()
    await server.setRemoteDescription(
        RTCSessionDescription(sdp=viewer.pc.localDescription.sdp, type="offer")
    )
    handle = relay.add_viewer(server)
    await server.setLocalDescription(await server.createAnswer())
    await viewer.pc.setRemoteDescription(
        RTCSessionDescription(sdp=server.localDescription.sdp, type="answer")
    )
    return handle


async def test_viewer_on_a_limited_link_falls_to_the_base_layer_and_keeps_playing():
    peers = Peers()
    relay = ShowRelay()
    stop = asyncio.Event()
    fed: list[float] = []
    feeding = asyncio.ensure_future(_feed(relay, stop, fed))
    try:
        weak, strong = _Viewer(peers), _Viewer(peers)
        weak_handle = await _connect(relay, peers, weak)
        strong_handle = await _connect(relay, peers, strong)
        link = link_limit(weak.pc, LINK_KBPS)
        joined = time.monotonic()

        await wait_for(lambda: weak_handle.video.layers.current == 0, timeout=15)
        fell_after = time.monotonic() - joined
        # The link's queue drains and the last losses are given up meanwhile.
        start = time.monotonic() + 2.5
        end = start + 4.0
        await wait_for(lambda: time.monotonic() > start, timeout=15)
        layers: list[int] = []

        def sampled() -> bool:
            layers.append(weak_handle.video.layers.current)
            return time.monotonic() > end + 0.3

        await wait_for(sampled, timeout=15)
        sent = sum(start <= at < end for at in fed)

        assert fell_after < 10, fell_after
        assert link.dropped > 0
        # The weak viewer keeps playing on the base layer: a quarter of the frames
        # (7.5 of 30 fps). It may try the next layer now and then (no padding to
        # probe with); a try that fails costs a short freeze, never a stall.
        assert layers.count(0) >= 0.75 * len(layers)
        assert sent / 4 * 0.5 <= weak.frames_between(start, end) <= sent / 2
        assert weak.longest_gap_between(start, end) < 1.0
        # The other viewer is untouched by that link: (nearly) every frame. On a
        # busy machine its own delay-based estimate can dip for a moment, and the
        # relay then holds it a layer lower for a few readings.
        assert strong_handle.video.layers.current >= 1
        assert strong.frames_between(start, end) >= sent * 0.75
        assert sent >= 4.0 * FPS * 0.5  # the feed itself kept going
    finally:
        stop.set()
        await feeding
        await relay.close()
        await peers.close()
