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
