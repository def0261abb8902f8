"""Temporal layers: parsing, per-viewer switching, choosing a viewer's layer."""

import json
from pathlib import Path

import pytest
from aiortc.codecs.vpx import VpxPayloadDescriptor

from live.media.layers import (
    GOOD_READINGS_UP,
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
            rates.add(tid=tid, size=size, now=index * 2.0 / count)
    return rates


def test_layer_rates_add_up_the_layers():
    rates = _rates((300_000, 200_000, 500_000))

    assert rates.up_to(0) == pytest.approx(300_000, rel=0.1)
    assert rates.up_to(1) == pytest.approx(500_000, rel=0.1)
    assert rates.up_to(2) == pytest.approx(1_000_000, rel=0.1)


def test_heavy_loss_steps_down_at_once():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))

    assert controller.reading(NetworkReading(fraction_lost=0.2, rtt=0.05)) == 1
    assert controller.reading(NetworkReading(fraction_lost=0.2, rtt=0.05)) == 0
    assert controller.reading(NetworkReading(fraction_lost=0.3)) == 0


def test_low_estimate_drops_to_the_layer_it_affords():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))

    assert controller.reading(NetworkReading(bitrate=400_000)) == 0
    assert controller.reading(NetworkReading(bitrate=350_000)) == 0


def test_moving_up_takes_several_good_readings_in_a_row():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))
    controller.reading(NetworkReading(fraction_lost=0.5))
    controller.reading(NetworkReading(fraction_lost=0.5))
    assert controller.target == 0

    good = NetworkReading(bitrate=2_000_000, fraction_lost=0.0, rtt=0.03)
    targets = [controller.reading(good) for _ in range(GOOD_READINGS_UP)]
    assert targets == [0] * (GOOD_READINGS_UP - 1) + [1]

    controller.reading(good)
    controller.reading(NetworkReading(fraction_lost=0.15))  # one bad reading
    targets = [controller.reading(good) for _ in range(GOOD_READINGS_UP)]
    assert targets == [0] * (GOOD_READINGS_UP - 1) + [1]


def test_estimate_without_room_for_the_next_layer_does_not_move_up():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))
    controller.reading(NetworkReading(bitrate=400_000))
    assert controller.target == 0

    for _ in range(GOOD_READINGS_UP * 2):
        controller.reading(NetworkReading(bitrate=450_000, fraction_lost=0.0))

    assert controller.target == 0


def test_data_saver_holds_the_base_layer_whatever_the_network_says():
    controller = QualityController(_rates((300_000, 200_000, 500_000)))

    assert controller.data_saver_set(True) == 0
    for _ in range(GOOD_READINGS_UP * 2):
        assert controller.reading(NetworkReading(bitrate=10_000_000)) == 0
    controller.data_saver_set(False)
    targets = [
        controller.reading(NetworkReading(bitrate=10_000_000))
        for _ in range(GOOD_READINGS_UP * 2)
    ]
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
