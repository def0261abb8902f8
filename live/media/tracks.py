"""The host's encoded frames as tracks: one bounded queue per viewer or consumer."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from live.media.layers import BASE, LayerSelector, TemporalLayer

if TYPE_CHECKING:
    from live.media.relay import _Stream

# Whatever the timestamps say, a queue never holds more frames than this.
MAX_QUEUED_FRAMES = 256
# After a keyframe goes out, the viewer's own requests for one wait until it has had
# time to arrive: twice its size at the viewer's estimated rate, within these bounds.
# A keyframe does not cross a slow link in one round trip, and every request the
# host answers costs the whole audience a keyframe.
KEYFRAME_GRACE_MIN = 0.5
KEYFRAME_GRACE_MAX = 3.0


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One encoded frame as the host sent it, shared by every viewer."""

    data: bytes
    timestamp: int  # on the relay's continuous timeline, in the codec's clock
    keyframe: bool
    received_at: float  # time.monotonic() when its last packet was in
    # The same frame as aiortc's sender packs it: pts is the timestamp, in the codec's
    # clock. Made once per frame and shared, since packing only reads it.
    packet: av.Packet = field(repr=False, compare=False)
    layer: TemporalLayer = BASE


@dataclass(slots=True)
class TrackStats:
    frames_out: int = 0
    skipped: int = 0  # not queued: waiting for a keyframe
    layer_dropped: int = 0  # not queued: above the viewer's temporal layer
    dropped: int = 0  # thrown out of an overflowing queue
    resyncs: int = 0  # times the queue overflowed
    peak_queued: int = 0
    first_timestamp: int | None = None
    keyframe_requests: int = 0  # PLI/FIR from the viewer
    keyframe_requests_held: int = 0  # not passed on: a keyframe was on its way


class RelayTrack(MediaStreamTrack):
    """One viewer's (or one consumer's) bounded queue of the host's encoded frames.

    ``recv()`` yields ``EncodedFrame``s, for consumers inside the server (the
    recorder); a viewer's sender gets a ``PacketTrack``.
    """

    def __init__(self, stream: _Stream, *, kind: str, bound: int) -> None:
        super().__init__()
        self.kind = kind
        self.stats = TrackStats()
        self._stream = stream
        self._bound = bound
        self._queue: deque[EncodedFrame] = deque()
        self._need_keyframe = True
        self._last_timestamp: int | None = None
        self._wakeup = asyncio.Event()
        self._keyframe_sent: tuple[float, int] | None = None  # when, bytes
        self._held_request: asyncio.TimerHandle | None = None
        self.layers = LayerSelector()

    @property
    def queued(self) -> int:
        return len(self._queue)

    async def recv(self) -> EncodedFrame:  # type: ignore[override]  # encoded, not av frames
        while not self._queue:
            if self.readyState != "live":
                raise MediaStreamError
            if self._need_keyframe:
                self._stream.resume(self)
                if self._queue:
                    break
            self._wakeup.clear()
            await self._wakeup.wait()
        if self.readyState != "live":
            raise MediaStreamError
        frame = self._queue.popleft()
        if frame.keyframe:
            self._keyframe_sent = (time.monotonic(), len(frame.data))
        self.stats.frames_out += 1
        if self.stats.first_timestamp is None:
            self.stats.first_timestamp = frame.timestamp
        self._last_timestamp = frame.timestamp
        return frame

    def keyframe_requested(self, *, estimate: int | None) -> None:
        """The viewer asked for a keyframe: ask the host, or, while the keyframe it
        was last sent may still be crossing its link, once that time is up and if
        no other keyframe has gone to it meanwhile.

        ``estimate`` is the viewer's latest estimate of its link (bits per second).
        """
        self.stats.keyframe_requests += 1
        if self._held_request is not None:
            self.stats.keyframe_requests_held += 1
            return
        if self._keyframe_sent is not None:
            sent_at, size = self._keyframe_sent
            crossing = 2 * size * 8 / estimate if estimate else 0.0
            grace = min(KEYFRAME_GRACE_MAX, max(KEYFRAME_GRACE_MIN, crossing))
            wait = sent_at + grace - time.monotonic()
            if wait > 0:
                self.stats.keyframe_requests_held += 1
                self._held_request = asyncio.get_running_loop().call_later(
                    wait, self._held_request_due, self._keyframe_sent
                )
                return
        self._stream.request_keyframe()

    def _held_request_due(self, keyframe_sent: tuple[float, int]) -> None:
        self._held_request = None
        if self._keyframe_sent is keyframe_sent and self.readyState == "live":
            self._stream.request_keyframe()

    def stop(self) -> None:
        if self._held_request is not None:
            self._held_request.cancel()
            self._held_request = None
        super().stop()
        self._stream.unsubscribe(self)
        self._queue.clear()
        self._wakeup.set()

    def _spans_within_bound(self, first: EncodedFrame, last: EncodedFrame) -> bool:
        return last.timestamp - first.timestamp < self._bound

    def _hold(self) -> None:
        """Keep what is queued, then wait for a keyframe."""
        self._need_keyframe = True

    def _join(self, frames: list[EncodedFrame]) -> bool:
        """Start at a cached keyframe newer than anything this track has had."""
        newest_seen = self._last_timestamp
        if newest_seen is not None and frames[0].timestamp <= newest_seen:
            return False
        if self._queue or len(frames) > MAX_QUEUED_FRAMES:
            return False
        if not self._spans_within_bound(frames[0], frames[-1]):
            return False
        layers = self.layers
        admitted = [f for f in frames if layers.admits(f.layer, keyframe=f.keyframe)]
        self.stats.layer_dropped += len(frames) - len(admitted)
        self._queue.extend(admitted)
        self._need_keyframe = False
        self.stats.peak_queued = max(self.stats.peak_queued, len(self._queue))
        self._wakeup.set()
        return True

    def _offer(self, frame: EncodedFrame) -> None:
        if self._need_keyframe:
            if not frame.keyframe:
                self.stats.skipped += 1
                return
            self._need_keyframe = False
        if not self.layers.admits(frame.layer, keyframe=frame.keyframe):
            self.stats.layer_dropped += 1
            if self.layers.keyframe_wanted(now=frame.received_at):
                self._stream.request_keyframe()
            return
        queue = self._queue
        if queue and (
            len(queue) >= MAX_QUEUED_FRAMES
            or not self._spans_within_bound(queue[0], frame)
        ):
            self._overflow(frame)
            return
        queue.append(frame)
        self.stats.peak_queued = max(self.stats.peak_queued, len(queue))
        self._wakeup.set()

    def _overflow(self, frame: EncodedFrame) -> None:
        """The viewer fell behind: drop its queue and resume at a keyframe."""
        self.stats.resyncs += 1
        self.stats.dropped += len(self._queue)
        self._queue.clear()
        if frame.keyframe:
            self._queue.append(frame)
            self._wakeup.set()
        else:
            self.stats.skipped += 1
            # The keyframe is asked for when the viewer is ready to take it (recv).
            self._need_keyframe = True


class PacketTrack(RelayTrack):
    """A viewer sender's track: the same queue, yielding each frame's ``av.Packet``.

    aiortc's RTCRtpSender packs whatever is not a decoded frame with its codec's
    ``pack()`` (VP8, H264, Opus), so no encoder ever runs for a viewer.
    """

    async def recv(self) -> av.Packet:  # type: ignore[override]
        return (await super().recv()).packet
