"""Temporal layers: parsing, per-viewer switching, choosing a viewer's layer."""

import json
from pathlib import Path

import pytest
from aiortc.codecs.vpx import VpxPayloadDescriptor

from live.media.layers import (
    GOOD_SECONDS_UP,
    UP_WAIT_SECONDS,
    LayerRates,
    LayerSelector,
    NetworkReading,
    QualityController,
    TemporalLayer,
    temporal_layer,
)
from live.media.relay import _Stream

VP8_KEYFRAME = b"\x50\x02\x00\x9d\x01\x2a\x40\x01\xf0\x00"
VP8_DELTA = b"\x31\x01\x00\x11\x22\x33"
# L1T3 as libvpx and Chrome lay it out: TL0, TL2, TL1, TL2, repeating.
PATTERN = (0, 2, 1, 2)


def _head(picture_id: int, *, tid: int, sync: bool, tl0picidx: int) -> bytes:
    descriptor = VpxPayloadDescriptor(
        partition_start=1,
        partition_id=0,
        picture_id=picture_id,
        tl0picidx=tl0picidx,
        tid=(tid, int(sync)),
    )
    return bytes(descriptor)


def _l1t3(count: int, *, sync_every: int = 1) -> list[tuple[bytes, bytes]]:
    """(head, data) of ``count`` frames from a keyframe; a layer's first frame in
    every ``sync_every``-th group of four is a layer-sync frame."""
    frames = []
    for index in range(count):
        tid = PATTERN[index % 4]
        group = index // 4
        sync = tid > 0 and group % sync_every == 0 and index % 4 in (1, 2)
        head = _head(index, tid=tid, sync=sync, tl0picidx=group % 256)
        frames.append((head, VP8_KEYFRAME if index == 0 else VP8_DELTA))
    return frames


class _Host:
    def __init__(self) -> None:
        self.requests = 0

    def request_keyframe(self) -> bool:
        self.requests += 1
        return True

    def close(self) -> None:
        pass


def _stream_with_host() -> tuple[_Stream, _Host]:
    stream = _Stream(
        kind="video",
        mime_type="video/VP8",
        queue_seconds=10.0,
        join_window=0.5,
        keyframe_interval=0.5,
    )
    host = _Host()
    stream.source_set(host)  # type: ignore[arg-type]  # stands in for a tap
    return stream, host


def _feed(stream: _Stream, host, frames, *, start: int = 0) -> None:
    for offset, (head, data) in enumerate(frames):
        stream.frame_in(host, None, data, (start + offset) * 3000, head)  # type: ignore[arg-type]


def test_layer_is_read_from_the_payload_descriptor():
    head = _head(7, tid=2, sync=True, tl0picidx=41)

    assert temporal_layer(head) == TemporalLayer(tid=2, layer_sync=True, tl0picidx=41)


def test_frame_without_temporal_fields_is_base_layer():
    plain = bytes(VpxPayloadDescriptor(partition_start=1, partition_id=0, picture_id=3))

    assert temporal_layer(plain) == TemporalLayer(tid=0, layer_sync=False)
    assert temporal_layer(b"") == TemporalLayer()
    assert temporal_layer(b"\x90\xe0") == TemporalLayer()  # truncated: base, no error


def test_selector_sends_only_the_layers_at_or_below_its_target():
    selector = LayerSelector(target=1)
    layers = [TemporalLayer(tid=tid) for tid in PATTERN * 2]

    sent = [selector.admits(layer, keyframe=False) for layer in layers]

    assert sent == [True, False, True, False] * 2


def test_selector_moves_down_at_once():
    selector = LayerSelector(target=2)

    selector.target_set(0)

    assert (
        selector.admits(TemporalLayer(tid=1, layer_sync=True), keyframe=False) is False
    )
    assert selector.admits(TemporalLayer(tid=0), keyframe=False) is True


def test_selector_moves_up_only_at_a_layer_sync_frame_of_the_next_layer():
    selector = LayerSelector(target=0)
    selector.target_set(2, now=0.0)

    assert (
        selector.admits(TemporalLayer(tid=2, layer_sync=True), keyframe=False) is False
    )
    assert selector.admits(TemporalLayer(tid=1), keyframe=False) is False
    assert selector.admits(TemporalLayer(tid=1, layer_sync=True), keyframe=False)
    assert selector.current == 1
    assert selector.admits(TemporalLayer(tid=2), keyframe=False) is False
    assert selector.admits(TemporalLayer(tid=2, layer_sync=True), keyframe=False)
    assert selector.current == 2


def test_selector_moves_straight_to_its_target_at_a_keyframe():
    selector = LayerSelector(target=0)
    selector.target_set(2, now=0.0)

    assert selector.admits(TemporalLayer(tid=0), keyframe=True)
    assert selector.current == 2
    assert selector.admits(TemporalLayer(tid=2), keyframe=False)


def test_selector_waiting_too_long_to_move_up_wants_one_keyframe_per_wait():
    selector = LayerSelector(target=0)
    selector.target_set(2, now=100.0)

    assert selector.keyframe_wanted(now=100.0 + UP_WAIT_SECONDS / 2) is False
    assert selector.keyframe_wanted(now=100.0 + UP_WAIT_SECONDS) is True
    assert selector.keyframe_wanted(now=100.0 + UP_WAIT_SECONDS + 0.1) is False
    selector.admits(TemporalLayer(tid=0), keyframe=True)
    assert selector.keyframe_wanted(now=200.0) is False


def _rates(per_layer_bits: tuple[int, int, int]) -> LayerRates:
    """A stream whose layers 0, 1, 2 take the given bits per second, over 2 s."""
    rates = LayerRates(window=2.0)
    frames_per_layer = {0: 15, 1: 15, 2: 30}  # 2 s of 7.5, +7.5 and +15 fps
    for tid, count in frames_per_layer.items():
        size = per_layer_bits[tid] * 2 // 8 // count
        for index in range(count):
            rates.add(tid=tid, size=size, at=index * 2.0 / count)
    return rates


def test_layer_rates_leave_keyframes_out():
    rates = _rates((300_000, 200_000, 500_000))

    rates.add(tid=0, size=40_000, at=2.0, keyframe=True)

    assert rates.up_to(0) == pytest.approx(300_000, rel=0.1)
    assert rates.up_to(2) == pytest.approx(1_000_000, rel=0.1)


def test_layer_rates_add_up_the_layers():
    rates = _rates((300_000, 200_000, 500_000))

    assert rates.up_to(0) == pytest.approx(300_000, rel=0.1)
    assert rates.up_to(1) == pytest.approx(500_000, rel=0.1)
    assert rates.up_to(2) == pytest.approx(1_000_000, rel=0.1)


LOSSY = NetworkReading(fraction_lost=0.5)
CLEAN = NetworkReading(fraction_lost=0.0, rtt=0.03)


def _over(controller, reading, *, start: float, seconds: float, step: float = 0.25):
    """The controller's targets after the same reading every ``step`` seconds."""
    count = round(seconds / step)
    return [
        controller.reading(reading, now=start + i * step) for i in range(1, count + 1)
    ]


def test_heavy_loss_steps_down_at_once():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))

    lossy = NetworkReading(fraction_lost=0.2, rtt=0.05)
    assert controller.reading(lossy, now=0.0) == 1
    assert controller.reading(lossy, now=0.1) == 0
    assert controller.reading(NetworkReading(fraction_lost=0.3), now=0.2) == 0


def test_long_round_trip_steps_down_at_once():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))

    assert controller.reading(NetworkReading(rtt=0.8), now=0.0) == 1


def test_estimate_near_what_the_viewer_gets_keeps_its_layer():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))

    # A delay-based estimate hovers around the incoming rate: no congestion.
    for bitrate in (950_000, 910_000, 1_050_000, 920_000):
        assert controller.reading(NetworkReading(bitrate=bitrate), now=0.0) == 2


def test_low_estimate_drops_to_the_layer_it_affords():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))

    assert controller.reading(NetworkReading(bitrate=400_000), now=0.0) == 0
    assert controller.reading(NetworkReading(bitrate=350_000), now=0.1) == 0


def test_moving_up_takes_a_while_of_good_readings():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))
    controller.reading(NetworkReading(bitrate=400_000), now=0.0)  # congestion
    assert (controller.target, controller.wait) == (0, GOOD_SECONDS_UP)

    good = NetworkReading(bitrate=450_000, fraction_lost=0.0)  # layer 1 in reach
    targets = _over(controller, good, start=0.0, seconds=GOOD_SECONDS_UP + 0.25)

    assert targets[-2:] == [0, 1]
    assert targets.count(1) == 1


def test_a_bad_reading_starts_the_wait_again():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))
    controller.reading(NetworkReading(bitrate=400_000), now=0.0)
    good = NetworkReading(bitrate=450_000, fraction_lost=0.0)
    _over(controller, good, start=0.0, seconds=GOOD_SECONDS_UP - 0.5)

    controller.reading(NetworkReading(fraction_lost=0.15), now=GOOD_SECONDS_UP)
    targets = _over(controller, good, start=GOOD_SECONDS_UP, seconds=GOOD_SECONDS_UP)

    assert targets[:-1] == [0] * (len(targets) - 1)


def test_loss_makes_the_next_step_up_wait_twice_as_long():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))
    controller.reading(LOSSY, now=0.0)
    controller.reading(LOSSY, now=0.1)
    assert (controller.target, controller.wait) == (0, 4 * GOOD_SECONDS_UP)

    targets = _over(controller, CLEAN, start=0.1, seconds=4 * GOOD_SECONDS_UP - 0.5)

    assert set(targets) == {0}


def test_estimate_without_room_for_the_next_layer_does_not_move_up():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))
    controller.reading(NetworkReading(bitrate=400_000), now=0.0)
    assert controller.target == 0

    # Layer 1 costs 500 kbit/s: an estimate of 320 is not within its reach.
    poor = NetworkReading(bitrate=320_000, fraction_lost=0.0)
    targets = _over(controller, poor, start=0.0, seconds=10 * GOOD_SECONDS_UP)

    assert set(targets) == {0}


def test_data_saver_holds_the_base_layer_whatever_the_network_says():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))

    assert controller.data_saver_set(True) == 0
    plenty = NetworkReading(bitrate=10_000_000)
    assert set(_over(controller, plenty, start=0.0, seconds=10.0)) == {0}
    controller.data_saver_set(False)
    targets = _over(controller, plenty, start=10.0, seconds=3 * GOOD_SECONDS_UP)
    assert targets[-1] == 2


async def test_each_viewer_gets_the_frames_of_its_layers_whole_and_in_order():
    stream, host = _stream_with_host()
    full = stream.subscribe()
    base = stream.subscribe()
    base.layers.target_set(0)
    middle = stream.subscribe()
    middle.layers.target_set(1)

    _feed(stream, host, _l1t3(16))

    def ids(track):
        return [frame.timestamp // 3000 for frame in track._queue]

    assert ids(full) == list(range(16))
    assert ids(base) == [0, 4, 8, 12]
    assert ids(middle) == [0, 2, 4, 6, 8, 10, 12, 14]
    assert base.stats.layer_dropped == 12
    assert full.stats.layer_dropped == 0


async def test_viewer_moving_up_joins_the_next_layer_at_its_sync_frame():
    stream, host = _stream_with_host()
    viewer = stream.subscribe()
    viewer.layers.target_set(0)
    frames = _l1t3(12, sync_every=2)  # sync frames in groups 0 and 2 only
    _feed(stream, host, frames[:4])

    viewer.layers.target_set(2)
    _feed(stream, host, frames[4:], start=4)

    got = [frame.timestamp // 3000 for frame in viewer._queue]
    # Group 1 (frames 4-7) has no sync frame: base layer only. In group 2, frame 9
    # syncs layer 2, but layer 1 comes first: frame 10 moves the viewer to layer 1;
    # frame 11 (layer 2, no sync) still waits.
    assert got == [0, 4, 8, 10]
    assert viewer.layers.current == 1


async def test_viewer_waiting_for_a_sync_frame_asks_the_host_for_a_keyframe(
    monkeypatch,
):
    stream, host = _stream_with_host()
    viewer = stream.subscribe()
    _feed(stream, host, _l1t3(4))
    viewer.layers.target_set(0)
    viewer.layers.target_set(2, now=0.0)  # long ago: the wait is over
    requests_before = host.requests

    _feed(stream, host, _l1t3(8, sync_every=99)[5:], start=5)

    assert host.requests == requests_before + 1


def _recorded() -> list[tuple[bytes, bool, int]]:
    path = Path(__file__).parent / "data" / "vp8_l1t3_chromium.json"
    frames = json.loads(path.read_text())["frames"]
    return [(bytes.fromhex(head), keyframe, size) for head, keyframe, size in frames]


def _feed_recorded(stream, host, frames, *, start: int = 0) -> None:
    for offset, (head, keyframe, _size) in enumerate(frames):
        data = VP8_KEYFRAME if keyframe else VP8_DELTA
        stream.frame_in(host, None, data, (start + offset) * 3000, head)  # type: ignore[arg-type]


def test_chromium_l1t3_frames_carry_three_layers_in_its_pattern():
    frames = _recorded()
    layers = [temporal_layer(head) for head, _keyframe, _size in frames]

    assert frames[0][1] is True
    assert [layer.tid for layer in layers[:8]] == [0, 2, 1, 2, 0, 2, 1, 2]
    assert sum(layer.tid == 0 for layer in layers) == len(frames) // 4
    assert any(layer.layer_sync and layer.tid == 1 for layer in layers[4:])
    assert any(layer.layer_sync and layer.tid == 2 for layer in layers[4:])


@pytest.mark.parametrize(("target", "share"), [(0, 4), (1, 2), (2, 1)])
async def test_recorded_stream_at_each_layer_keeps_its_share_of_frames(target, share):
    stream, host = _stream_with_host()
    viewer = stream.subscribe()
    viewer.layers.target_set(target)
    frames = _recorded()

    _feed_recorded(stream, host, frames)

    assert len(viewer._queue) == len(frames) // share


async def test_recorded_stream_moving_up_sends_only_frames_that_decode():
    """A frame of layer k without the sync bit refers to the layer-k frame before it:
    whatever the viewer was sent of that layer since it moved up must be complete."""
    stream, host = _stream_with_host()
    viewer = stream.subscribe()
    viewer.layers.target_set(0)
    frames = _recorded()
    _feed_recorded(stream, host, frames[:10])
    viewer.layers.target_set(2)
    _feed_recorded(stream, host, frames[10:], start=10)

    sent = {frame.timestamp // 3000 for frame in viewer._queue}
    layers = [temporal_layer(head) for head, _keyframe, _size in frames]
    for index in sorted(sent):
        layer = layers[index]
        if index == 0 or layer.tid == 0 or layer.layer_sync:
            continue
        previous = max(i for i in range(index) if layers[i].tid == layer.tid)
        assert previous in sent, f"frame {index} refers to frame {previous}, not sent"
    assert viewer.layers.current == 2
    assert len(sent) > len(frames) // 2


def test_receiver_reports_between_estimates_are_judged_against_the_last_estimate():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))
    controller.reading(NetworkReading(bitrate=320_000), now=0.0)
    assert controller.target == 0

    targets = _over(controller, CLEAN, start=0.0, seconds=10 * GOOD_SECONDS_UP)

    assert set(targets) == {0}


GOOD_FOR_LAYER_1 = NetworkReading(bitrate=450_000, fraction_lost=0.0)
STEPPED_UP_AT = GOOD_SECONDS_UP + 0.25


def _stepped_up_to_layer_1() -> QualityController:
    """A controller sent down to layer 0, then back up to 1 at ``STEPPED_UP_AT``."""
    controller = QualityController(_rates((300_000, 200_000, 500_000)))
    controller.reading(NetworkReading(bitrate=400_000), now=0.0)
    _over(controller, GOOD_FOR_LAYER_1, start=0.0, seconds=STEPPED_UP_AT)
    assert controller.target == 1
    return controller


def test_step_up_that_does_not_hold_makes_the_next_one_wait_twice_as_long():
    controller = _stepped_up_to_layer_1()
    good = GOOD_FOR_LAYER_1

    # The next layer was too much: once the estimate has had time to follow it,
    # it is well below its cost.
    controller.reading(NetworkReading(bitrate=380_000), now=3.5)
    assert (controller.target, controller.wait) == (0, 2 * GOOD_SECONDS_UP)
    targets = _over(controller, good, start=3.5, seconds=2 * GOOD_SECONDS_UP + 0.25)

    assert targets[-2:] == [0, 1]
    assert targets.count(1) == 1


def test_estimate_from_before_a_step_up_does_not_undo_it():
    controller = _stepped_up_to_layer_1()

    # Layer 1 costs 500 kbit/s; 450 was estimated while the viewer got layer 0 only.
    assert controller.reading(GOOD_FOR_LAYER_1, now=STEPPED_UP_AT + 0.3) == 1
    assert controller.reading(CLEAN, now=STEPPED_UP_AT + 0.5) == 1
    # An estimate made once layer 1 had a second to arrive counts.
    late = NetworkReading(bitrate=400_000)
    assert controller.reading(late, now=STEPPED_UP_AT + 1.2) == 0


def test_estimate_falling_right_after_a_step_up_undoes_it():
    controller = _stepped_up_to_layer_1()

    # The link queues layer 1: the estimate falls below the one before the step.
    falling = NetworkReading(bitrate=380_000)
    assert controller.reading(falling, now=STEPPED_UP_AT + 0.3) == 0


def test_some_loss_right_after_a_step_up_undoes_it():
    controller = _stepped_up_to_layer_1()

    some_loss = NetworkReading(fraction_lost=0.04, rtt=0.05)
    assert controller.reading(some_loss, now=STEPPED_UP_AT + 0.5) == 0
    assert controller.wait == 2 * GOOD_SECONDS_UP


def test_estimate_somewhat_low_without_loss_keeps_the_layer():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))

    # 0.85 times what arrives: the receiver saw packets late once, and lost none.
    assert controller.reading(NetworkReading(bitrate=720_000), now=0.0) == 2
    assert controller.reading(CLEAN, now=0.5) == 2
    # With some loss beside it, the same estimate means congestion.
    some_loss = NetworkReading(fraction_lost=0.04, rtt=0.05)
    assert controller.reading(some_loss, now=1.0) == 1


def test_estimate_far_below_the_cost_steps_down_without_loss():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))

    assert controller.reading(NetworkReading(bitrate=450_000), now=0.0) == 0


def test_layer_that_holds_resets_the_wait():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))
    controller.reading(LOSSY, now=0.0)
    controller.reading(LOSSY, now=0.1)
    wait = controller.wait
    fits_layer_1 = NetworkReading(bitrate=600_000, fraction_lost=0.0)
    _over(controller, fits_layer_1, start=0.1, seconds=wait + 0.5)
    assert controller.target == 1

    _over(controller, fits_layer_1, start=wait + 0.6, seconds=4 * wait + 1)

    assert (controller.target, controller.wait) == (1, GOOD_SECONDS_UP)
