"""The forwarding relay for a live show: one host publishes, many viewers watch.

aiortc's MediaRelay shares decoded frames and encodes them again once per viewer;
VP8 at 720p costs about a third of a core per viewer that way. ``ShowRelay`` forwards
instead: the host's RTP is assembled into encoded frames (no decoder), and each
viewer's sender packetizes the same frames again (aiortc's sender packs the
``av.Packet`` a track yields; it encodes only decoded frames). What a decoder and an
encoder would otherwise take care of is done here:

* Viewers start at a keyframe. A viewer joining shortly after a keyframe starts at
  that keyframe (the frames since are kept, ``join_window``); otherwise the host is
  asked for one. Keyframe requests (a joining viewer, a viewer's PLI/FIR, lost host
  packets) are rate-limited: many at once reach the host as one. A viewer's own
  requests wait while the keyframe it was last sent may still be crossing its link.
* A viewer's NACKs get each lost packet again at most once per round trip, a few
  times in all, so retransmissions do not flood a link that is already full.
* A slow viewer stays bounded: each viewer has a queue of at most ``queue_seconds``
  of media; when it overflows the queue is dropped and the viewer resumes at the
  next keyframe, without holding up the host or other viewers.
* When the host's picture is broken (packets given up) every viewer keeps what it
  already has queued and then waits for the next keyframe; deltas in between, which
  would not decode, are skipped.
* Timestamps stay continuous for viewers when the host reconnects: each host
  session's timestamps are mapped onto one timeline that advances with the clock.
* Codecs are negotiated so that the host and every viewer use the same one (VP8 or
  H264 for video, Opus for audio); a host that does not offer it is refused.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

import av
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCRtpTransceiver
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from live.media import aiortc_compat
from live.media.bitstream import is_keyframe
from live.media.layers import (
    BASE,
    LayerRates,
    NetworkReading,
    QualityController,
    temporal_layer,
)
from live.media.tracks import EncodedFrame, PacketTrack, RelayTrack

__all__ = [
    "KeyframeRequester",
    "ShowRelay",
    "StreamStats",
    "ViewerHandle",
    "is_keyframe",
]

logger = logging.getLogger(__name__)

VIDEO_CODECS = {"video/vp8": "video/VP8", "video/h264": "video/H264"}
AUDIO_CODEC = "audio/opus"
CLOCK_RATES = {"audio": 48000, "video": 90000}


@dataclass(slots=True)
class StreamStats:
    frames_in: int = 0
    bytes_in: int = 0
    keyframes_in: int = 0
    picture_losses: int = 0
    keyframe_requests_sent: int = 0
    viewers: int = 0


class _Timeline:
    """Maps each host session's timestamps onto one continuous timeline.

    Within a session the host's own spacing is kept. A new session (the host
    reconnected, with a new RTP clock origin) continues from the last timestamp plus
    the time that passed, so viewers' players see time going on, not jumping back.
    """

    def __init__(self, *, clock_rate: int) -> None:
        self.clock_rate = clock_rate
        self._source: object | None = None
        self._offset = 0
        self._last: int | None = None
        self._last_at = 0.0

    def map(self, source: object, timestamp: int, *, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        if source is not self._source:
            if self._last is None:
                start = 0
            else:
                elapsed = round((now - self._last_at) * self.clock_rate)
                start = self._last + max(1, elapsed)
            self._source = source
            self._offset = start - timestamp
        mapped = timestamp + self._offset
        self._last, self._last_at = mapped, now
        return mapped


class KeyframeRequester:
    """Asks the host for a keyframe at most once per ``min_interval``.

    Requests made while one is outstanding are merged into it. If no keyframe has
    arrived when the interval is over, the request is sent again (an RTCP packet
    can be lost, and a host can ignore a request).
    """

    def __init__(self, send: Callable[[], bool], *, min_interval: float = 0.5) -> None:
        self.min_interval = min_interval
        self.sent = 0
        self._send = send
        self._wanted = False
        self._timer: asyncio.TimerHandle | None = None

    def request(self) -> None:
        self._wanted = True
        if self._timer is None:
            self._attempt()

    def keyframe_arrived(self) -> None:
        self._wanted = False

    def close(self) -> None:
        self._wanted = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _attempt(self) -> None:
        self._timer = None
        if not self._wanted:
            return
        if self._send():
            self.sent += 1
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.min_interval, self._attempt)


class _Stream:
    """One kind of media (video or audio) from the current host to every track."""

    def __init__(
        self,
        *,
        kind: str,
        mime_type: str,
        queue_seconds: float,
        join_window: float,
        keyframe_interval: float,
    ) -> None:
        self.kind = kind
        self.mime_type = mime_type
        self.clock_rate = CLOCK_RATES[kind]
        self.time_base = Fraction(1, self.clock_rate)
        self.join_window = join_window
        self.bound = round(queue_seconds * self.clock_rate)
        self.stats = StreamStats()
        self.rates = LayerRates()
        self.tracks: dict[RelayTrack, None] = {}
        self._source: aiortc_compat.ReceiverTap | None = None
        self._timeline = _Timeline(clock_rate=self.clock_rate)
        self._recent: list[EncodedFrame] = []  # the last keyframe and frames since
        self._broken = True  # until the first keyframe
        self._requester = (
            KeyframeRequester(self._ask_host, min_interval=keyframe_interval)
            if kind == "video"
            else None
        )

    def source_set(self, tap: aiortc_compat.ReceiverTap) -> None:
        if self._source is not None:
            self._source.close()
            self._picture_broken()
        self._source = tap

    def subscribe(self, *, packets: bool = False) -> RelayTrack:
        kind_of_track = PacketTrack if packets else RelayTrack
        track = kind_of_track(self, kind=self.kind, bound=self.bound)
        self.tracks[track] = None
        self.stats.viewers = len(self.tracks)
        return track

    def unsubscribe(self, track: RelayTrack) -> None:
        self.tracks.pop(track, None)
        self.stats.viewers = len(self.tracks)

    def resume(self, track: RelayTrack) -> None:
        """A track waits for a keyframe with nothing queued: start it somewhere."""
        recent = self._recent
        if (
            recent
            and time.monotonic() - recent[0].received_at <= self.join_window
            and track._join(list(recent))
        ):
            return
        self.request_keyframe()

    def request_keyframe(self) -> None:
        if self._requester is not None:
            self._requester.request()

    def frame_in(
        self,
        tap: aiortc_compat.ReceiverTap,
        codec: RTCRtpCodecParameters,
        data: bytes,
        timestamp: int,
        head: bytes = b"",
    ) -> None:
        if tap is not self._source:
            return
        now = time.monotonic()
        keyframe = is_keyframe(self.mime_type, data)
        layer = temporal_layer(head) if self.mime_type == "video/VP8" else BASE
        mapped = self._timeline.map(tap, timestamp, now=now)
        if self.kind == "video":
            self.rates.add(
                tid=layer.tid,
                size=len(data),
                at=mapped / self.clock_rate,
                keyframe=keyframe,
            )
        packet = av.Packet(data)
        packet.pts = mapped
        packet.time_base = self.time_base
        frame = EncodedFrame(
            data=data,
            timestamp=mapped,
            keyframe=keyframe,
            received_at=now,
            packet=packet,
            layer=layer,
        )
        self.stats.frames_in += 1
        self.stats.bytes_in += len(data)
        if keyframe:
            self.stats.keyframes_in += 1
            self._broken = False
            self._recent = [frame]
            if self._requester is not None:
                self._requester.keyframe_arrived()
        elif self._broken:
            self.request_keyframe()
        elif self._recent:
            if now - self._recent[0].received_at > self.join_window:
                self._recent = []
            else:
                self._recent.append(frame)
        for track in list(self.tracks):
            track._offer(frame)

    def picture_lost(self, tap: aiortc_compat.ReceiverTap) -> None:
        """The host's frames cannot be decoded until its next keyframe."""
        if tap is not self._source or self.kind != "video":
            return
        self.stats.picture_losses += 1
        self._picture_broken()
        self.request_keyframe()

    def snapshot(self) -> StreamStats:
        sent = self._requester.sent if self._requester is not None else 0
        return replace(self.stats, keyframe_requests_sent=sent)

    def close(self) -> None:
        if self._requester is not None:
            self._requester.close()
        if self._source is not None:
            self._source.close()
            self._source = None
        for track in list(self.tracks):
            track.stop()

    def _picture_broken(self) -> None:
        self._broken = True
        self._recent = []
        for track in self.tracks:
            track._hold()

    def _ask_host(self) -> bool:
        return self._source is not None and self._source.request_keyframe()


@dataclass(frozen=True, slots=True)
class ViewerHandle:
    """The tracks the relay sends one viewer; None for a kind it did not ask for.

    ``quality`` chooses the viewer's video layer from its network's feedback;
    ``retransmissions`` counts what its NACKs asked for and what was sent again.
    """

    video: RelayTrack | None
    audio: RelayTrack | None
    quality: QualityController | None = None
    retransmissions: aiortc_compat.RetransmissionStats | None = None

    def keyframe_requested(self) -> None:
        """The viewer's browser asked for a keyframe (PLI/FIR)."""
        if self.video is not None:
            estimate = self.quality.estimate if self.quality is not None else None
            self.video.keyframe_requested(estimate=estimate)

    def network_reading(self, reading: NetworkReading) -> None:
        """Feedback from the viewer's browser (REMB, receiver reports)."""
        if self.quality is not None and self.video is not None:
            self.video.layers.target_set(self.quality.reading(reading))

    def data_saver_set(self, on: bool) -> None:
        """The viewer chose (or left) data saver: the base layer only."""
        if self.quality is not None and self.video is not None:
            self.video.layers.target_set(self.quality.data_saver_set(on))


class ShowRelay:
    """Forwards one host's encoded audio and video to any number of viewers.

    ``publish`` and ``add_viewer`` are called between applying the remote offer and
    creating the answer, so that the answer names the relay's codec only.
    """

    def __init__(
        self,
        *,
        video_codec: str = "video/VP8",
        queue_seconds: float = 1.0,
        join_window: float = 0.5,
        keyframe_interval: float = 0.5,
    ) -> None:
        aiortc_compat.check_aiortc_version()
        try:
            video_mime = VIDEO_CODECS[video_codec.lower()]
        except KeyError:
            raise ValueError(f"Cannot relay {video_codec}") from None
        self._streams = {
            kind: _Stream(
                kind=kind,
                mime_type=mime_type,
                queue_seconds=queue_seconds,
                join_window=join_window,
                keyframe_interval=keyframe_interval,
            )
            for kind, mime_type in (("video", video_mime), ("audio", AUDIO_CODEC))
        }

    async def publish(self, pc: RTCPeerConnection, track: MediaStreamTrack) -> None:
        """Take the host's track (a remote track of ``pc``) as the show's source."""
        stream = self._stream(track.kind)
        transceiver = next(
            (t for t in pc.getTransceivers() if t.receiver.track is track), None
        )
        if transceiver is None:
            raise ValueError("The track is not received by this peer connection")
        if not aiortc_compat.transceiver_restrict_codec(
            transceiver, mime_type=stream.mime_type
        ):
            raise ValueError(f"The host did not offer {stream.mime_type}")
        tap: aiortc_compat.ReceiverTap

        def frame_in(
            codec: RTCRtpCodecParameters, data: bytes, timestamp: int, head: bytes
        ) -> None:
            stream.frame_in(tap, codec, data, timestamp, head)

        tap = aiortc_compat.ReceiverTap(
            transceiver.receiver,
            on_frame=frame_in,
            on_picture_loss=lambda: stream.picture_lost(tap),
        )
        stream.source_set(tap)

    def add_viewer(self, pc: RTCPeerConnection) -> ViewerHandle:
        """Send the show on the transceivers a viewer's offer asked to receive on."""
        chosen: dict[str, RTCRtpTransceiver] = {}
        for transceiver in pc.getTransceivers():
            kind = transceiver.kind
            if (
                kind in chosen
                or kind not in self._streams
                or transceiver.sender.track is not None
                or not aiortc_compat.transceiver_remote_receives(transceiver)
            ):
                continue
            mime_type = self._streams[kind].mime_type
            if not aiortc_compat.transceiver_restrict_codec(
                transceiver, mime_type=mime_type
            ):
                raise ValueError(f"The viewer did not offer {mime_type}")
            chosen[kind] = transceiver
        tracks = {}
        for kind, transceiver in chosen.items():
            track = self._streams[kind].subscribe(packets=True)
            transceiver.sender.replaceTrack(track)
            transceiver.direction = "sendonly"
            tracks[kind] = track
        if "video" not in chosen:
            return ViewerHandle(video=None, audio=tracks.get("audio"))
        video_sender = chosen["video"].sender
        handle = ViewerHandle(
            video=tracks["video"],
            audio=tracks.get("audio"),
            quality=QualityController(self._streams["video"].rates),
            retransmissions=aiortc_compat.limit_retransmissions(video_sender),
        )
        aiortc_compat.on_keyframe_request(video_sender, handle.keyframe_requested)
        aiortc_compat.on_network_feedback(video_sender, handle.network_reading)
        return handle

    def subscribe(self, kind: str) -> RelayTrack:
        """A track of the host's encoded frames, for a consumer inside the server."""
        return self._stream(kind).subscribe()

    def stats(self) -> dict[str, StreamStats]:
        """A snapshot of the show's counters, per kind of media."""
        return {kind: stream.snapshot() for kind, stream in self._streams.items()}

    async def close(self) -> None:
        """End every viewer's track and stop listening to the host."""
        for stream in self._streams.values():
            stream.close()

    def _stream(self, kind: str) -> _Stream:
        try:
            return self._streams[kind]
        except KeyError:
            raise ValueError(f"No {kind} in a show") from None
