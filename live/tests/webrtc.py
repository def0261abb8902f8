"""aiortc peers that stand in for the studio's and the viewers' browsers in tests."""

import asyncio
import time
from fractions import Fraction

from aiortc import (
    AudioStreamTrack,
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
    VideoStreamTrack,
)
from av import VideoFrame

WIDTH, HEIGHT = 320, 240
VIDEO_TIME_BASE = Fraction(1, 90000)


class Camera(VideoStreamTrack):
    """A synthetic camera: a still picture, left half bright, right half dark."""

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
        luma = frame.planes[0]
        row = bytes([200]) * (WIDTH // 2) + bytes([50]) * (WIDTH // 2)
        luma.update((row + bytes(luma.line_size - WIDTH)) * HEIGHT)
        for chroma in frame.planes[1:]:
            chroma.update(bytes([128]) * chroma.buffer_size)
        frame.pts = pts
        frame.time_base = time_base
        return frame


class Peers:
    """Makes peer connections without STUN and closes them all at the end."""

    def __init__(self) -> None:
        self.created: list[RTCPeerConnection] = []

    def make(self) -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.created.append(pc)
        return pc

    async def close(self) -> None:
        for pc in reversed(self.created):
            await pc.close()


async def host_offer(peers: Peers, *, video_codec: str | None = None):
    """A host publishing camera and microphone; returns (pc, senders, offer SDP)."""
    pc = peers.make()
    senders = {"video": pc.addTrack(Camera()), "audio": pc.addTrack(AudioStreamTrack())}
    if video_codec is not None:
        video = next(t for t in pc.getTransceivers() if t.kind == "video")
        video.setCodecPreferences(
            [
                codec
                for codec in RTCRtpSender.getCapabilities("video").codecs
                if codec.mimeType == video_codec
            ]
        )
    await pc.setLocalDescription(await pc.createOffer())
    return pc, senders, pc.localDescription.sdp


async def viewer_offer(peers: Peers):
    """A viewer asking to receive video and audio; returns (pc, tracks, offer SDP)."""
    pc = peers.make()
    pc.addTransceiver("video", direction="recvonly")
    pc.addTransceiver("audio", direction="recvonly")
    tracks: dict[str, MediaStreamTrack] = {}
    pc.on("track", lambda track: tracks.__setitem__(track.kind, track))
    await pc.setLocalDescription(await pc.createOffer())
    return pc, tracks, pc.localDescription.sdp


async def answer_apply(pc: RTCPeerConnection, sdp: str) -> None:
    await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))


async def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


class LimitedLink:
    """A link of ``kbps`` in front of a receiver, with a queue of ``queue_ms``: RTP
    waits its turn (delay) and is dropped when the queue is full, as on a congested
    mobile link (what ``tc netem rate … limit …`` does). RTCP is not touched."""

    def __init__(self, kbps: float, queue_ms: float = 200.0) -> None:
        self.rate = kbps * 1000 / 8  # bytes per second
        self.queue = queue_ms / 1000
        self.free_at = 0.0
        self.offered = self.dropped = self.delivered = 0

    def delay(self, size: int) -> float | None:
        """How long a packet waits before it arrives; None when it is dropped."""
        self.offered += 1
        now = time.monotonic()
        start = max(now, self.free_at)
        if start - now > self.queue:
            self.dropped += 1
            return None
        self.free_at = start + size / self.rate
        return self.free_at - now


def link_limit(
    pc: RTCPeerConnection, kbps: float, queue_ms: float = 200.0
) -> LimitedLink:
    """Put the RTP reaching ``pc`` (after its remote description is set) through a
    limited link."""
    transport = next(t.receiver.transport for t in pc.getTransceivers())
    link = LimitedLink(kbps, queue_ms)
    handle = transport._handle_rtp_data
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[None]] = set()

    def arrive(data: bytes, arrival_time_ms: int) -> None:
        link.delivered += 1
        task = loop.create_task(handle(data, arrival_time_ms))
        pending.add(task)
        task.add_done_callback(pending.discard)

    async def limited(data: bytes, arrival_time_ms: int) -> None:
        wait = link.delay(len(data))
        if wait is not None:
            # The packet reaches the receiver when the link has carried it, however
            # late the event loop gets round to handing it over.
            loop.call_later(wait, arrive, data, arrival_time_ms + round(wait * 1000))

    transport._handle_rtp_data = limited  # type: ignore[method-assign]  # test link
    return link
