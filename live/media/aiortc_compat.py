"""The few places where live.media reaches into aiortc's internals, kept together.

aiortc has no public API for forwarding encoded media: an ``RTCRtpReceiver`` always
hands the frames it assembles to a decoder thread, and an ``RTCRtpSender`` always asks
an encoder for RTP payloads (the maintainer's answer in aiortc issue #449 is to build
it on the internals). Decoding once and encoding once per viewer costs a third of a
core per 720p viewer, so the relay forwards the host's encoded frames instead, and this
module provides the hooks it needs:

* ``ReceiverTap`` takes the encoded frames a receiver assembles. It swaps the
  receiver's jitter buffer for one that hands a video frame over as soon as its last
  packet (RTP marker bit) is in, rather than when the next frame starts, and takes
  the frames from the queue that feeds the decoder thread, so no decoder is created
  unless ``decode=True`` asks for both. It can divert the receiver's own picture-loss
  reports (PLI) to a callback and send a PLI on request.
* ``sender_install_packer`` gives a sender a ``Packer`` in place of an encoder.
  aiortc's sender calls ``pack()`` for anything that is not a decoded frame; the
  packer packetizes the encoded frame with the aiortc encoders' own ``pack()`` (VP8,
  H264) or as one payload (Opus), so no encoder is ever created.
* ``on_keyframe_request`` observes a sender's keyframe requests (PLI/FIR received).
* ``transceiver_restrict_codec`` narrows what an answer will accept to one codec.

These rely on name-mangled attributes and private methods of one aiortc release;
``check_aiortc_version`` refuses any other release, so an upgrade fails loudly here
instead of corrupting media in production. Review this module before changing the
pin in requirements.txt.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.metadata
import logging
import queue
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any, Protocol

import av
from aiortc import RTCRtpReceiver, RTCRtpSender, RTCRtpTransceiver
from aiortc.codecs import is_rtx
from aiortc.codecs.base import Encoder
from aiortc.codecs.h264 import H264Encoder
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import RtpPacket

logger = logging.getLogger(__name__)

SUPPORTED_AIORTC_VERSION = "1.16.0"

VIDEO_CLOCK_RATE = 90000
VIDEO_TIME_BASE = Fraction(1, VIDEO_CLOCK_RATE)

# Jitter buffer sizes in packets: video as aiortc's own (a large keyframe must fit),
# audio small because every Opus packet is a frame of its own.
VIDEO_BUFFER_PACKETS = 512
AUDIO_BUFFER_PACKETS = 16
# A missing packet holds later frames back at most this long (0.3 s of video clock)
# before the relay gives up on it, reports picture loss and resumes at a keyframe.
VIDEO_MAX_DELAY = 27000
# Packets this far behind the next expected one mean the stream restarted.
MAX_MISORDER = 100

_RECEIVER_ATTRIBUTES = (
    "_RTCRtpReceiver__jitter_buffer",
    "_RTCRtpReceiver__decoder_queue",
    "_RTCRtpReceiver__kind",
    "_RTCRtpReceiver__rtcp_ssrc",
    "_RTCRtpReceiver__started",
)
_SENDER_ATTRIBUTES = ("_RTCRtpSender__encoder",)
_TRANSCEIVER_ATTRIBUTES = ("_codecs", "_offerDirection")
_METHODS = (
    (RTCRtpReceiver, "_handle_rtp_packet"),
    (RTCRtpReceiver, "_send_rtcp_pli"),
    (RTCRtpSender, "_handle_rtcp_packet"),
    (RTCRtpSender, "_next_encoded_frame"),
    (RTCRtpSender, "_send_keyframe"),
    (Vp8Encoder, "pack"),
    (H264Encoder, "pack"),
)


class AiortcCompatError(RuntimeError):
    """The installed aiortc is not the release live.media was written against."""


@functools.cache
def _installed_aiortc_version() -> str:
    return importlib.metadata.version("aiortc")


def check_aiortc_version(version: str | None = None) -> None:
    """Refuse any aiortc release other than the one these hooks were written for."""
    installed = version or _installed_aiortc_version()
    if installed != SUPPORTED_AIORTC_VERSION:
        raise AiortcCompatError(
            f"live.media forwards media through the internals of aiortc "
            f"{SUPPORTED_AIORTC_VERSION}, not {installed}: review "
            f"live/media/aiortc_compat.py against the new release before changing "
            f"the pin"
        )
    for owner, name in _METHODS:
        if not callable(getattr(owner, name, None)):
            raise AiortcCompatError(
                f"aiortc {installed} has no {owner.__name__}.{name}"
            )


def _require(obj: object, names: tuple[str, ...]) -> None:
    for name in names:
        if not hasattr(obj, name):
            raise AiortcCompatError(
                f"{type(obj).__name__} has no attribute {name}: the installed aiortc "
                f"does not match live.media's hooks"
            )


# --- receiving ----------------------------------------------------------------------


class ForwardFrame(JitterFrame):
    """An assembled encoded frame that keeps the RTP timestamp it was sent with.

    aiortc's receiver rewrites ``timestamp`` of the frame it queues for decoding;
    ``rtp_timestamp`` keeps the original for the tap's own unwrapping.
    """

    def __init__(self, data: bytes, timestamp: int) -> None:
        super().__init__(data=data, timestamp=timestamp)
        self.rtp_timestamp = timestamp


def _seq_ahead(sequence_number: int, reference: int) -> int:
    """How far a sequence number is ahead of a reference (negative: behind)."""
    distance = (sequence_number - reference) & 0xFFFF
    return distance - 0x10000 if distance >= 0x8000 else distance


class _MarkerJitterBuffer:
    """Assembles encoded frames as soon as they are complete, for forwarding.

    aiortc's JitterBuffer knows a video frame is complete only when a packet of the
    next frame arrives, which adds a frame interval (33 ms at 30 fps) of latency to
    every viewer. Here a video frame is handed over when the packet carrying the RTP
    marker bit (the last packet of a frame) is in and every packet since the previous
    frame is present; a frame whose marker was lost ends where the timestamp changes.
    Every audio packet is a frame: it is handed over at once, late ones are dropped.

    ``add`` has the signature of aiortc's JitterBuffer.add, so the receiver can use
    it unchanged; frames completed together (a retransmission filling a gap) beyond
    the first are kept for ``take_ready``. The first value returned is True when
    packets had to be given up: the picture is broken until the next keyframe.
    """

    def __init__(
        self,
        *,
        capacity: int,
        is_video: bool = False,
        max_delay: int = VIDEO_MAX_DELAY,
        started: bool = False,
    ) -> None:
        self.capacity = capacity
        self.is_video = is_video
        self.max_delay = max_delay
        self._packets: dict[int, RtpPacket] = {}
        self._next: int | None = None
        self._handed_over_timestamp: int | None = None
        # A buffer installed mid-stream cannot know where a frame starts.
        self._await_marker = started
        self._ready: deque[ForwardFrame] = deque()

    def add(self, packet: RtpPacket) -> tuple[bool, ForwardFrame | None]:
        if not self.is_video:
            return False, self._add_audio(packet)
        broken = self._store(packet)
        if (
            self._next is not None
            and self._next not in self._packets
            and (self._waited_too_long(packet) or len(self._packets) >= self.capacity)
        ):
            self._give_up()
            broken = True
        frame = self._take()
        while frame is not None:
            self._ready.append(frame)
            frame = self._take()
        return broken, self._ready.popleft() if self._ready else None

    def take_ready(self) -> list[ForwardFrame]:
        """Frames completed by the last ``add`` besides the one it returned."""
        ready = list(self._ready)
        self._ready.clear()
        return ready

    def _add_audio(self, packet: RtpPacket) -> ForwardFrame | None:
        sequence_number = packet.sequence_number
        if self._next is not None:
            ahead = _seq_ahead(sequence_number, self._next)
            if -MAX_MISORDER < ahead < 0:
                return None
        self._next = (sequence_number + 1) & 0xFFFF
        return ForwardFrame(data=packet._data, timestamp=packet.timestamp)

    def _store(self, packet: RtpPacket) -> bool:
        """Keep a video packet; True when the stream had to be restarted."""
        sequence_number = packet.sequence_number
        if self._await_marker:
            if packet.marker:
                self._await_marker = False
                self._next = (sequence_number + 1) & 0xFFFF
            return False
        if self._next is None:
            self._next = sequence_number
        ahead = _seq_ahead(sequence_number, self._next)
        if ahead < 0:
            first = self._packets.get(self._next)
            if (
                self._handed_over_timestamp is None
                and ahead == -1
                and first is not None
                and first.timestamp == packet.timestamp
            ):
                # Reordered before anything was handed over: the frame starts earlier.
                self._next = sequence_number
            elif ahead > -MAX_MISORDER:
                return False  # late, or a duplicate of what was handed over
            else:
                self._packets.clear()
                self._next = sequence_number
                self._packets[sequence_number] = packet
                return True
        self._packets[sequence_number] = packet
        return False

    def _waited_too_long(self, packet: RtpPacket) -> bool:
        if self._handed_over_timestamp is None:
            return False
        waited = (packet.timestamp - self._handed_over_timestamp) & 0xFFFFFFFF
        return self.max_delay < waited < 0x80000000

    def _give_up(self) -> None:
        """Drop the missing packets' frames; resume at the first known frame start."""
        assert self._next is not None
        ordered = sorted(self._packets, key=lambda seq: _seq_ahead(seq, self._next))
        for sequence_number in ordered:
            before = self._packets.get((sequence_number - 1) & 0xFFFF)
            packet = self._packets[sequence_number]
            if before is not None and (
                before.marker or before.timestamp != packet.timestamp
            ):
                start = _seq_ahead(sequence_number, self._next)
                for seq in ordered:
                    if _seq_ahead(seq, self._next) < start:
                        del self._packets[seq]
                self._next = sequence_number
                return
        self._packets.clear()
        self._next = None
        self._await_marker = True

    def _take(self) -> ForwardFrame | None:
        if self._next is None:
            return None
        first = self._packets.get(self._next)
        if first is None:
            return None
        parts: list[RtpPacket] = []
        sequence_number = self._next
        while True:
            packet = self._packets.get(sequence_number)
            if packet is None:
                return None
            if packet.timestamp != first.timestamp:
                break  # the frame's marker was lost: it ended before this packet
            parts.append(packet)
            sequence_number = (sequence_number + 1) & 0xFFFF
            if packet.marker:
                break
            if len(parts) >= self.capacity:
                return None
        for part in parts:
            del self._packets[part.sequence_number]
        self._next = sequence_number
        self._handed_over_timestamp = first.timestamp
        return ForwardFrame(
            data=b"".join(part._data for part in parts), timestamp=first.timestamp
        )


class _TimestampUnwrapper:
    """RTP timestamps (32 bits, wrapping) as a count from the first frame's."""

    def __init__(self) -> None:
        self._last: int | None = None
        self._value = 0

    def unwrap(self, timestamp: int) -> int:
        if self._last is not None:
            step = (timestamp - self._last) & 0xFFFFFFFF
            self._value += step - (1 << 32) if step >= 0x80000000 else step
        self._last = timestamp
        return self._value


class _DecoderQueueTap:
    """Stands in for the queue from a receiver to its decoder thread."""

    def __init__(self, inner: queue.Queue, tap: ReceiverTap) -> None:
        self.inner = inner
        self.tap = tap

    def put(self, item: tuple[RTCRtpCodecParameters, JitterFrame] | None) -> None:
        if item is None:  # the receiver stopping its decoder thread
            self.inner.put(None)
            return
        self.tap._deliver(*item)
        if self.tap.decode:
            self.inner.put(item)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.get(*args, **kwargs)


class FrameCallback(Protocol):
    def __call__(
        self, codec: RTCRtpCodecParameters, data: bytes, timestamp: int
    ) -> None: ...


class ReceiverTap:
    """Hands each encoded frame an RTCRtpReceiver assembles to ``on_frame``.

    ``on_frame(codec, data, timestamp)`` gets the depayloaded frame and its RTP
    timestamp counted from the first frame. With ``decode=False`` (the relay) frames
    are assembled by ``_MarkerJitterBuffer`` and never reach a decoder; with
    ``decode=True`` aiortc's own jitter buffer and decoder stay in place and the
    track still yields decoded frames. With ``on_picture_loss`` the PLIs aiortc would
    send on its own (lost packets, decoder errors) go to that callback instead.
    Install it before media flows.
    """

    def __init__(
        self,
        receiver: RTCRtpReceiver,
        *,
        on_frame: FrameCallback,
        decode: bool = False,
        on_picture_loss: Callable[[], None] | None = None,
    ) -> None:
        check_aiortc_version()
        _require(receiver, _RECEIVER_ATTRIBUTES)
        decoder_queue = receiver._RTCRtpReceiver__decoder_queue
        if isinstance(decoder_queue, _DecoderQueueTap):
            raise ValueError("This receiver is already tapped")
        self.receiver = receiver
        self.decode = decode
        self.frames = 0
        self._on_frame = on_frame
        self._closed = False
        self._unwrapper = _TimestampUnwrapper()
        self._buffer: _MarkerJitterBuffer | None = None
        self._pending: set[asyncio.Future[None]] = set()
        if not decode:
            is_video = receiver._RTCRtpReceiver__kind == "video"
            self._buffer = _MarkerJitterBuffer(
                capacity=VIDEO_BUFFER_PACKETS if is_video else AUDIO_BUFFER_PACKETS,
                is_video=is_video,
                started=receiver._RTCRtpReceiver__started,
            )
            receiver._RTCRtpReceiver__jitter_buffer = self._buffer
        receiver._RTCRtpReceiver__decoder_queue = _DecoderQueueTap(decoder_queue, self)
        self._send_pli = receiver._send_rtcp_pli
        if on_picture_loss is not None:

            async def picture_lost(media_ssrc: int) -> None:
                on_picture_loss()

            receiver._send_rtcp_pli = picture_lost

    def close(self) -> None:
        """Stop handing frames over (the receiver itself is left as it is)."""
        self._closed = True

    def request_keyframe(self) -> bool:
        """Send a PLI to the remote sender; False when there is nobody to ask yet."""
        sources = self.receiver.getSynchronizationSources()
        if self._closed or not sources:
            return False
        if self.receiver._RTCRtpReceiver__rtcp_ssrc is None:
            return False
        source = max(sources, key=lambda s: s.timestamp).source
        sending = asyncio.ensure_future(self._send_pli(source))
        self._pending.add(sending)
        sending.add_done_callback(self._pending.discard)
        return True

    def _deliver(self, codec: RTCRtpCodecParameters, frame: JitterFrame) -> None:
        if self._closed:
            return
        for forwarded, timestamp in self._frames_with_timestamps(frame):
            self.frames += 1
            try:
                self._on_frame(codec, forwarded.data, timestamp)
            except Exception:
                # Never let a consumer's error tear down aiortc's receive loop.
                logger.exception("ReceiverTap on_frame failed")

    def _frames_with_timestamps(
        self, frame: JitterFrame
    ) -> Iterator[tuple[JitterFrame, int]]:
        if self._buffer is None:
            # aiortc's receiver already counted the timestamp from the first frame.
            yield frame, frame.timestamp
            return
        for forwarded in (frame, *self._buffer.take_ready()):
            assert isinstance(forwarded, ForwardFrame)
            yield forwarded, self._unwrapper.unwrap(forwarded.rtp_timestamp)


# --- sending ------------------------------------------------------------------------


class EncodedPayload(Protocol):
    data: bytes
    timestamp: int


class Packer(Encoder):
    """Takes the encoder's place in an RTCRtpSender: packetizes, never encodes.

    ``timestamp`` of what the sender's track yields is in the codec's clock; the
    sender adds its own random origin.
    """

    def __init__(self, mime_type: str) -> None:
        self.mime_type = mime_type.lower()
        self.packed = 0
        # Set by the sender from the viewer's REMB feedback; kept for statistics.
        self.target_bitrate: int | None = None
        self._encoder: Vp8Encoder | H264Encoder | None
        if self.mime_type == "video/vp8":
            self._encoder = Vp8Encoder()
        elif self.mime_type == "video/h264":
            self._encoder = H264Encoder()
        elif self.mime_type == "audio/opus":
            self._encoder = None
        else:
            raise ValueError(f"Cannot forward {mime_type}")

    def encode(
        self, frame: Any, force_keyframe: bool = False
    ) -> tuple[list[bytes], int]:
        raise TypeError("A forwarding sender takes encoded frames, not decoded ones")

    def pack(self, packet: EncodedPayload) -> tuple[list[bytes], int]:  # type: ignore[override]
        self.packed += 1
        if self._encoder is None:
            # RFC 7587: one Opus packet is one RTP payload.
            return [packet.data], packet.timestamp
        encoded = av.Packet(packet.data)
        encoded.pts = packet.timestamp
        encoded.time_base = VIDEO_TIME_BASE
        return self._encoder.pack(encoded)


_packers: weakref.WeakKeyDictionary[RTCRtpSender, Packer] = weakref.WeakKeyDictionary()


def sender_install_packer(sender: RTCRtpSender, *, mime_type: str) -> Packer:
    """Make a sender packetize the encoded frames its track yields."""
    check_aiortc_version()
    _require(sender, _SENDER_ATTRIBUTES)
    if sender._RTCRtpSender__encoder is not None:
        raise ValueError("This sender already has an encoder")
    packer = Packer(mime_type)
    sender._RTCRtpSender__encoder = packer
    _packers[sender] = packer
    return packer


def sender_packer(sender: RTCRtpSender) -> Packer:
    """The packer installed in a sender."""
    try:
        return _packers[sender]
    except KeyError:
        raise ValueError("This sender has no packer installed") from None


def on_keyframe_request(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever the sender's remote receiver asks for a keyframe."""
    check_aiortc_version()
    send_keyframe = sender._send_keyframe

    def keyframe_requested() -> None:
        send_keyframe()
        callback()

    sender._send_keyframe = keyframe_requested


# --- negotiation --------------------------------------------------------------------


def transceiver_restrict_codec(
    transceiver: RTCRtpTransceiver, *, mime_type: str
) -> bool:
    """Answer with one codec (and its RTX) only; False when the offer lacks it.

    aiortc fixes an answer's codecs when the offer is applied, before the
    application sees the transceiver, so codec preferences alone come too late.
    """
    check_aiortc_version()
    _require(transceiver, _TRANSCEIVER_ATTRIBUTES)
    wanted = mime_type.lower()
    codecs = transceiver._codecs
    payload_types = {c.payloadType for c in codecs if c.mimeType.lower() == wanted}
    if not payload_types:
        return False
    transceiver._codecs = [
        c
        for c in codecs
        if c.payloadType in payload_types
        or (is_rtx(c) and c.parameters.get("apt") in payload_types)
    ]
    transceiver.setCodecPreferences(
        [
            c
            for c in RTCRtpSender.getCapabilities(transceiver.kind).codecs
            if c.mimeType.lower() == wanted or is_rtx(c)
        ]
    )
    return True


def transceiver_remote_receives(transceiver: RTCRtpTransceiver) -> bool:
    """Whether the remote offer asked to receive media on this transceiver."""
    _require(transceiver, _TRANSCEIVER_ATTRIBUTES)
    return transceiver._offerDirection in ("sendonly", "sendrecv")
