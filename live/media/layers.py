"""Temporal layers: which of the host's frames each viewer gets, without decoding.

The studio publishes VP8 with three temporal layers (``scalabilityMode: 'L1T3'``):
layer 0 is every fourth frame (about 7.5 fps at 30), layer 1 adds every other frame
(15 fps), layer 2 the rest (30 fps). A frame of a layer refers only to frames of its
own or lower layers, so a viewer on a weak link can be sent layers 0..n and still
decode every frame it gets. The VP8 RTP payload descriptor says each frame's layer
(TID), whether it depends only on the base layer (the layer-sync bit Y) and the index
of the base frame it follows (TL0PICIDX); aiortc's depayloader drops the descriptor,
so the relay reads it from the first packet of each frame.

* ``temporal_layer`` parses it (no descriptor or no T bit: layer 0, always sent).
* ``LayerSelector`` is one viewer's switch: it moves down at once, and up only at a
  keyframe or at a layer-sync frame of the layer above, so every frame it lets
  through can be decoded. Frames are dropped whole before packetizing: aiortc's
  sender numbers packets and picture ids as it sends, so the viewer sees no gaps.
* ``QualityController`` turns what the viewer's network says (REMB estimates,
  receiver-report loss, round-trip time) into the layer to aim for: down fast, up
  after several good readings in a row. A viewer may also choose "data saver".
* ``LayerRates`` measures how many bits per second each layer of the host's stream
  takes, so that an estimate can be compared with what each choice costs.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from aiortc.codecs.vpx import VpxPayloadDescriptor

# Three temporal layers at most (L1T3); the top one is the full frame rate.
TOP_LAYER = 2
# A viewer that may move up but sees no layer-sync frame for this long asks the host
# for a keyframe (rate-limited with every other request).
UP_WAIT_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class TemporalLayer:
    """Where a frame stands in the host's temporal layering."""

    tid: int = 0
    layer_sync: bool = False
    tl0picidx: int | None = None


BASE = TemporalLayer()


def temporal_layer(payload_head: bytes) -> TemporalLayer:
    """The temporal layer a VP8 RTP payload (its first bytes suffice) belongs to."""
    try:
        descriptor, _ = VpxPayloadDescriptor.parse(payload_head)
    except ValueError:
        return BASE
    if descriptor.tid is None:
        return BASE
    tid, layer_sync = descriptor.tid
    return TemporalLayer(
        tid=min(tid, TOP_LAYER),
        layer_sync=bool(layer_sync),
        tl0picidx=descriptor.tl0picidx,
    )


class LayerSelector:
    """One viewer's temporal layer: which frames go out, switching where it decodes.

    ``target`` is where the viewer should be; ``current`` is the highest layer it is
    being sent. Down is immediate (frames above the target are simply not sent); up
    waits for a keyframe, or for a layer-sync frame of the next layer up, since a
    frame that refers to frames the viewer never got would not decode.
    """

    def __init__(self, *, target: int = TOP_LAYER) -> None:
        self.target = target
        self.current = target
        self._up_since: float | None = None

    def target_set(self, target: int, *, now: float | None = None) -> None:
        self.target = max(0, min(TOP_LAYER, target))
        if self.target < self.current:
            self.current = self.target
        if self.target > self.current and self._up_since is None:
            self._up_since = time.monotonic() if now is None else now

    def keyframe_wanted(self, *, now: float | None = None) -> bool:
        """True (once per ``UP_WAIT_SECONDS``) when moving up waits too long."""
        if self._up_since is None:
            return False
        now = time.monotonic() if now is None else now
        if now - self._up_since < UP_WAIT_SECONDS:
            return False
        self._up_since = now
        return True

    def admits(self, layer: TemporalLayer, *, keyframe: bool) -> bool:
        """Whether a frame of this layer goes to the viewer (and note any switch)."""
        if keyframe:
            self.current = self.target
        elif (
            layer.layer_sync
            and layer.tid == self.current + 1
            and layer.tid <= self.target
        ):
            self.current = layer.tid
        if self.current >= self.target:
            self._up_since = None
        return layer.tid <= self.current


@dataclass(frozen=True, slots=True)
class NetworkReading:
    """One piece of feedback from a viewer's browser about its link."""

    bitrate: int | None = None  # REMB: the receiver's estimate, bits per second
    fraction_lost: float | None = None  # receiver report: share of packets lost
    rtt: float | None = None  # seconds


# Above this share of lost packets, or this round trip, the link is struggling.
LOSS_DOWN = 0.10
RTT_DOWN = 0.5
# How long readings must all be good before stepping one layer up, at first and at
# most: the wait doubles after a step up that did not hold or a step down for loss.
GOOD_SECONDS_UP = 2.0
MAX_GOOD_SECONDS_UP = 32.0
# Receiver estimates (REMB) follow what a viewer is sent: a delay-based estimator
# rises to at most about 1.5 times its incoming rate, and falls to 0.85 times it
# whenever packets arrive later than they were sent, be it a queue on the link or a
# receiver that read them late (a busy phone, a burst of keyframe packets). So an
# estimate under DOWN_MARGIN of what the viewer's layers cost means congestion only
# with some loss beside it (LOSS_HINT in the last receiver report) or just after a
# step up; alone, it must be under SEVERE_MARGIN, which a link that cannot carry
# the layers soon brings (0.85 times what it delivers). An estimate within
# UP_MARGIN of the next layer's cost lets the viewer try that layer.
DOWN_MARGIN = 0.85
SEVERE_MARGIN = 0.5
LOSS_HINT = 0.02
UP_MARGIN = 0.7
# An estimate follows the rate a viewer receives over the last second or so, and
# rises slowly; after a step up, estimates made before the new layer's frames had
# that long to arrive still describe the old layer, and are not held against the
# new one, unless they fell since the step (the link is queueing the new layer).
ESTIMATE_SETTLE_SECONDS = 1.0


class LayerRates:
    """Bits per second each temporal layer of the host's stream takes, recently.

    Frames are placed by their timestamps (``at``, in seconds of the stream), not by
    when they arrived: a host that stalls and then sends what it owed in a burst
    costs no more per second of video, and measured by arrival it looked half as
    dear again for two seconds. Keyframes are left out: one is a rare burst, many
    times a delta frame's size, that a link's queue absorbs; counted in the window
    it would make every layer look twice as dear.
    """

    def __init__(self, *, window: float = 2.0) -> None:
        self.window = window
        self._frames: deque[tuple[float, int, int]] = deque()

    def add(self, *, tid: int, size: int, at: float, keyframe: bool = False) -> None:
        self._frames.append((at, tid, 0 if keyframe else size))
        while self._frames and at - self._frames[0][0] > self.window:
            self._frames.popleft()

    def up_to(self, layer: int) -> float:
        """Bits per second of layers 0..layer together."""
        if not self._frames:
            return 0.0
        span = max(self.window / 4, self._frames[-1][0] - self._frames[0][0])
        size = sum(s for _, tid, s in self._frames if tid <= layer)
        return size * 8 / span


@dataclass(slots=True)
class QualityStats:
    """Why a viewer's target layer moved, and the lowest estimate it reported."""

    down_loss: int = 0
    down_rtt: int = 0
    down_estimate: int = 0
    up: int = 0
    lowest_estimate: int | None = None


class QualityController:
    """Chooses a viewer's target layer from its network readings: down fast, up slow.

    A reading with heavy loss or a long round trip, or an estimate well below what
    the current layers cost (see ``DOWN_MARGIN``), steps down at once (to the
    layer the estimate covers, at least one step). The latest REMB estimate and
    loss stand until the next ones, so readings in between are judged with them.
    Stepping up needs good readings for ``wait`` seconds with an estimate within
    reach of the next layer (the relay sends no padding to probe, so the next
    layer itself is the probe).
    A step down for loss, or soon after a step up, doubles ``wait`` (up to
    ``MAX_GOOD_SECONDS_UP``), so that a link just below a layer's cost is not
    probed into loss over and over; holding a layer for four waits resets it. Data
    saver holds the viewer on the base layer.
    """

    def __init__(self, rates: LayerRates, *, target: int = TOP_LAYER) -> None:
        self.rates = rates
        self.target = target
        self.data_saver = False
        self.readings = 0
        self.stats = QualityStats()
        self.wait = GOOD_SECONDS_UP
        self._good_since: float | None = None
        self._estimate: int | None = None
        self._estimate_at: float | None = None
        self._estimate_before_up: int | None = None
        self._fraction_lost = 0.0
        self._changed_at: float | None = None
        self._went_up = False

    @property
    def estimate(self) -> int | None:
        """The viewer's latest estimate of its link (REMB), bits per second."""
        return self._estimate

    def data_saver_set(self, on: bool) -> int:
        self.data_saver = on
        self._good_since = None
        if on:
            self.target = 0
        return self.target

    def reading(self, reading: NetworkReading, *, now: float | None = None) -> int:
        """Take one reading; the target layer after it."""
        now = time.monotonic() if now is None else now
        self.readings += 1
        if reading.bitrate is not None:
            self._estimate = reading.bitrate
            self._estimate_at = now
            lowest = self.stats.lowest_estimate
            if lowest is None or reading.bitrate < lowest:
                self.stats.lowest_estimate = reading.bitrate
        if self.data_saver:
            self.target = 0
            return self.target
        if self._changed_at is not None and now - self._changed_at > 4 * self.wait:
            self._changed_at = None  # the layer held
            self._went_up = False
            self.wait = GOOD_SECONDS_UP
        if reading.fraction_lost is not None:
            self._fraction_lost = reading.fraction_lost
        # A step up is a probe: some loss while it lasts means it failed.
        lossy = reading.fraction_lost is not None and (
            reading.fraction_lost > LOSS_DOWN
            or (self._trying_up() and reading.fraction_lost >= LOSS_HINT)
        )
        slow = reading.rtt is not None and reading.rtt > RTT_DOWN
        corroborated = self._fraction_lost >= LOSS_HINT or self._trying_up()
        congested = self._estimate_current() and (
            self._below(self.target, SEVERE_MARGIN)
            or (corroborated and self._below(self.target, DOWN_MARGIN))
        )
        if lossy or slow or congested:
            lower = self.target - 1
            if congested:
                lower = min(lower, self._affordable())
            if self._step_down(max(0, lower), lossy=lossy, now=now):
                stats = self.stats
                if lossy:
                    stats.down_loss += 1
                elif slow:
                    stats.down_rtt += 1
                else:
                    stats.down_estimate += 1
            return self.target
        if self.target >= TOP_LAYER or self._below(self.target + 1, UP_MARGIN):
            self._good_since = None
            return self.target
        if self._good_since is None:
            self._good_since = now
        elif now - self._good_since >= self.wait:
            self.target += 1
            self.stats.up += 1
            self._estimate_before_up = self._estimate
            self._good_since = None
            self._changed_at = now
            self._went_up = True
        return self.target

    def _step_down(self, target: int, *, lossy: bool, now: float) -> bool:
        """Aim lower; whether the target moved."""
        self._good_since = None
        if target >= self.target:
            return False
        if lossy or self._trying_up():
            # The link could not carry more: wait longer before trying again.
            self.wait = min(self.wait * 2, MAX_GOOD_SECONDS_UP)
        self.target = target
        self._changed_at = now
        self._went_up = False
        return True

    def _trying_up(self) -> bool:
        """Whether the last change was a step up that has not held yet."""
        return self._went_up and self._changed_at is not None

    def _estimate_current(self) -> bool:
        """Whether the latest estimate speaks for the layer the viewer is on now."""
        if self._estimate_at is None or self._estimate is None:
            return False
        if not self._went_up or self._changed_at is None:
            return True
        if self._estimate_at - self._changed_at >= ESTIMATE_SETTLE_SECONDS:
            return True
        before = self._estimate_before_up
        return before is not None and self._estimate < before

    def _below(self, layer: int, margin: float) -> bool:
        """Whether the latest estimate is under ``margin`` of what layers 0..layer
        cost (False when either is unknown)."""
        cost = self.rates.up_to(layer)
        return (
            self._estimate is not None and cost > 0 and self._estimate < cost * margin
        )

    def _affordable(self) -> int:
        """The highest layer whose cost the latest estimate covers (at least 0)."""
        for layer in range(TOP_LAYER, 0, -1):
            if not self._below(layer, 1.0):
                return layer
        return 0
