"""Taking the encoded frames an RTCRtpReceiver assembles, before any decoder."""

from __future__ import annotations

import asyncio
import logging
import queue
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from live.media.aiortc_compat.jitter import (
    AUDIO_BUFFER_PACKETS,
    VIDEO_BUFFER_PACKETS,
    VIDEO_MAX_DELAY,
    ForwardFrame,
    MarkerJitterBuffer,
)
from live.media.aiortc_compat.version import check_aiortc_version, require_attributes

logger = logging.getLogger(__name__)

_RECEIVER_ATTRIBUTES = (
    "_RTCRtpReceiver__jitter_buffer",
    "_RTCRtpReceiver__decoder_queue",
    "_RTCRtpReceiver__kind",
    "_RTCRtpReceiver__rtcp_ssrc",
    "_RTCRtpReceiver__started",
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
        self, codec: RTCRtpCodecParameters, data: bytes, timestamp: int, head: bytes
    ) -> None: ...


class ReceiverTap:
    """Hands each encoded frame an RTCRtpReceiver assembles to ``on_frame``.

    ``on_frame(codec, data, timestamp, head)`` gets the depayloaded frame, its RTP
    timestamp counted from the first frame and the start of its first packet's
    payload as sent (empty with ``decode=True``). With ``decode=False`` (the relay)
    frames are assembled by ``MarkerJitterBuffer`` and never reach a decoder; with
    ``decode=True`` aiortc's own jitter buffer and decoder stay in place and the
    track still yields decoded frames. With ``on_picture_loss`` the PLIs aiortc would
    send on its own (lost packets, decoder errors) go to that callback instead.
    ``max_delay`` (in the video clock, 90 kHz) is how long a missing packet may hold
    later frames back before it is given up. Install it before media flows.
    """

    def __init__(
        self,
        receiver: RTCRtpReceiver,
        *,
        on_frame: FrameCallback,
        decode: bool = False,
        on_picture_loss: Callable[[], None] | None = None,
        max_delay: int = VIDEO_MAX_DELAY,
    ) -> None:
        check_aiortc_version()
        require_attributes(receiver, _RECEIVER_ATTRIBUTES)
        decoder_queue = receiver._RTCRtpReceiver__decoder_queue  # type: ignore[attr-defined]  # aiortc private
        if isinstance(decoder_queue, _DecoderQueueTap):
            raise ValueError("This receiver is already tapped")
        self.receiver = receiver
        self.decode = decode
        self.frames = 0
        self._on_frame = on_frame
        self._closed = False
        self._unwrapper = _TimestampUnwrapper()
        self._buffer: MarkerJitterBuffer | None = None
        self._pending: set[asyncio.Future[None]] = set()
        if not decode:
            is_video = receiver._RTCRtpReceiver__kind == "video"  # type: ignore[attr-defined]  # aiortc private
            self._buffer = MarkerJitterBuffer(
                capacity=VIDEO_BUFFER_PACKETS if is_video else AUDIO_BUFFER_PACKETS,
                is_video=is_video,
                max_delay=max_delay,
                started=receiver._RTCRtpReceiver__started,  # type: ignore[attr-defined]  # aiortc private
            )
            receiver._RTCRtpReceiver__jitter_buffer = self._buffer  # type: ignore[attr-defined]  # aiortc private
        receiver._RTCRtpReceiver__decoder_queue = _DecoderQueueTap(decoder_queue, self)  # type: ignore[attr-defined]  # aiortc private
        self._send_pli = receiver._send_rtcp_pli
        if on_picture_loss is not None:

            async def picture_lost(media_ssrc: int) -> None:
                on_picture_loss()

            receiver._send_rtcp_pli = picture_lost  # type: ignore[method-assign]  # wrapped

    def close(self) -> None:
        """Stop handing frames over (the receiver itself is left as it is)."""
        self._closed = True

    def request_keyframe(self) -> bool:
        """Send a PLI to the remote sender; False when there is nobody to ask yet."""
        sources = self.receiver.getSynchronizationSources()
        if self._closed or not sources:
            return False
        if self.receiver._RTCRtpReceiver__rtcp_ssrc is None:  # type: ignore[attr-defined]  # aiortc private
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
                head = getattr(forwarded, "head", b"")
                self._on_frame(codec, forwarded.data, timestamp, head)
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
