"""Reactions, viewer counts and ticks: the fan-out behind the show sockets."""

import asyncio
import json
import os
import time

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from live import realtime
from live.models import ChatDelivery
from live.tests.factories import make_host, make_show, make_user
from live.tests.sockets import (
    TIMEOUT,
    frame_next,
    socket_join,
    tick_with_comment,
)

pytestmark = pytest.mark.django_db(transaction=True)

_db = database_sync_to_async


async def test_ten_reaction_taps_arrive_as_one_tick_counting_ten(settings):
    settings.LIVE_TICK_SECONDS = 3600  # this test drives the tick itself
    show = await _db(make_show)()
    tapper, _ = await socket_join(show, await _db(make_user)())
    watcher, _ = await socket_join(show)

    for _ in range(10):
        await tapper.send_json_to({"type": "react", "kind": "heart"})
    await tapper.send_json_to({"type": "ping"})
    await frame_next(tapper, lambda f: f["type"] == "pong")  # all ten taps handled
    pump = realtime.pump_get(show.pk)
    published = pump.published_ticks
    await pump.tick()
    tick = await frame_next(watcher, lambda f: f["type"] == "tick")

    assert pump.published_ticks == published + 1
    assert tick["reactions"] == {"heart": 10}
    assert tick["viewers"] == 2
    assert await watcher.receive_nothing(timeout=0.3)
    await tapper.disconnect()
    await watcher.disconnect()


async def test_unknown_reaction_is_refused_without_closing():
    show = await _db(make_show)()
    socket, _ = await socket_join(show)

    await socket.send_json_to({"type": "react", "kind": "thumbs-down"})
    error = await frame_next(socket, lambda f: f["type"] == "error")

    assert error["code"] == "reaction"
    await socket.send_json_to({"type": "ping"})
    assert (await frame_next(socket, lambda f: f["type"] == "pong")) == {"type": "pong"}
    await socket.disconnect()


async def test_viewer_count_follows_connections_and_leaves():
    show = await _db(make_show)()
    first, sync = await socket_join(show)
    assert sync["viewers"] == 1
    second, sync = await socket_join(show)
    assert sync["viewers"] == 2

    await second.disconnect()
    tick = await frame_next(first, lambda f: f["type"] == "tick" and f["viewers"] == 1)

    assert tick["viewers"] == 1
    await first.disconnect()


async def test_host_socket_is_not_counted_as_a_viewer():
    host = await _db(make_host)()
    show = await _db(make_show)(host=host)
    studio, _ = await socket_join(show, host, host=True)
    viewer, sync = await socket_join(show)

    assert sync["viewers"] == 1
    await studio.disconnect()
    await viewer.disconnect()


async def test_stale_presence_of_a_crashed_process_is_not_counted():
    show = await _db(make_show)()
    store = realtime.store_new()
    now = time.time()
    await store.presence_touch(show.pk, ["ghost-1", "ghost-2"], now - 60)
    await store.presence_touch(show.pk, ["alive"], now)

    assert await store.viewers_count(show.pk, now) == 1
    await store.close()


async def test_only_one_pump_per_show_publishes_each_tick(settings):
    """Two pumps stand for two daphne processes: one leads, the batch goes out once."""
    settings.LIVE_TICK_SECONDS = 3600  # this test drives the ticks itself
    show = await _db(make_show)()
    first, second = realtime.ShowPump(show.pk), realtime.ShowPump(show.pk)
    await first.start()
    await second.start()
    layer = get_channel_layer()
    listener = await layer.new_channel()
    await layer.group_add(realtime.group_name(show.pk), listener)
    realtime.buffer_push(show.pk, json.dumps({"kind": "comment", "comment": {"id": 1}}))
    try:
        results = [await first.tick(), await second.tick()]
        message = await asyncio.wait_for(layer.receive(listener), TIMEOUT)

        assert results == [True, False]
        assert json.loads(message["text"])["comments"] == [{"id": 1}]
        await first.stop()
        assert await second.tick() is True  # the lease passed on when the leader left
    finally:
        await first.stop()
        await second.stop()
        await layer.group_discard(realtime.group_name(show.pk), listener)


async def test_direct_delivery_broadcasts_each_comment_at_once(settings):
    settings.LIVE_TICK_SECONDS = 3600  # no ticks: the comment must come by itself
    show = await _db(make_show)(chat_delivery=ChatDelivery.DIRECT)
    poster, _ = await socket_join(show, await _db(make_user)())
    watcher, _ = await socket_join(show)

    await poster.send_json_to({"type": "comment", "text": "straight through"})
    tick = await frame_next(watcher, tick_with_comment)

    assert [c["text"] for c in tick["comments"]] == ["straight through"]
    assert tick["viewers"] is None
    await poster.disconnect()
    await watcher.disconnect()


async def test_ticks_are_numbered_one_after_another(settings):
    settings.LIVE_TICK_SECONDS = 3600  # this test drives the tick itself
    show = await _db(make_show)()
    poster, _ = await socket_join(show, await _db(make_user)())
    pump = realtime.pump_get(show.pk)
    numbers = []
    for n in range(3):
        await poster.send_json_to({"type": "comment", "text": f"number {n}"})
        await frame_next(poster, lambda f: f["type"] == "ack")
        await pump.tick()
        numbers.append((await frame_next(poster, tick_with_comment))["seq"])

    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    await poster.disconnect()


async def test_a_batch_whose_publish_failed_goes_out_with_the_next_tick(settings):
    settings.LIVE_TICK_SECONDS = 3600
    show = await _db(make_show)()
    poster, _ = await socket_join(show, await _db(make_user)())
    await poster.send_json_to({"type": "comment", "text": "keep me"})
    await frame_next(poster, lambda f: f["type"] == "ack")
    pump = realtime.pump_get(show.pk)
    layer = pump._channel_layer

    class BrokenLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis went away")

    pump._channel_layer = BrokenLayer()
    with pytest.raises(ConnectionError):
        await pump.tick()
    pump._channel_layer = layer
    await pump.tick()
    tick = await frame_next(poster, tick_with_comment)

    assert [c["text"] for c in tick["comments"]] == ["keep me"]
    assert await pump.tick() is False  # published once, then removed
    await poster.disconnect()


async def test_client_that_saw_a_gap_gets_a_fresh_sync(monkeypatch, settings):
    from live import consumers

    settings.LIVE_TICK_SECONDS = 3600  # no ticks: only the sync may arrive
    show = await _db(make_show)()
    user = await _db(make_user)()
    socket, _ = await socket_join(show, user)
    await socket.send_json_to({"type": "comment", "text": "already stored"})
    await frame_next(socket, lambda f: f["type"] == "ack")

    await socket.send_json_to({"type": "sync"})
    assert await socket.receive_nothing(timeout=0.3)  # too soon after the last sync
    monkeypatch.setattr(consumers, "SYNC_INTERVAL_SECONDS", 0)
    await socket.send_json_to({"type": "sync"})
    sync = await frame_next(socket, lambda f: f["type"] == "sync")

    assert [c["text"] for c in sync["comments"]] == ["already stored"]
    await socket.disconnect()


async def test_timing_stamps_a_comment_from_its_queries_to_the_buffer(
    settings, tmp_path, monkeypatch
):
    """With LIVE_TIMING_DIR set (the chat benchmark), each step leaves one stamp."""
    from live.realtime import timing

    settings.LIVE_TICK_SECONDS = 3600  # no tick: only the comment's own stamps
    monkeypatch.setattr(timing, "_DIRECTORY", str(tmp_path))
    monkeypatch.setattr(timing, "_file", None)
    show = await _db(make_show)()
    poster, _ = await socket_join(show, await _db(make_user)())
    try:
        await poster.send_json_to({"type": "comment", "text": "timed"})
        ack = await frame_next(poster, lambda f: f["type"] == "ack")
    finally:
        await poster.disconnect()
        if timing._file is not None:
            os.close(timing._file)

    stamps = [
        line.split()
        for line in (tmp_path / f"server-{os.getpid()}.log").read_text().splitlines()
    ]
    assert [kind for kind, key, *_ in stamps if key == str(ack["id"])] == [
        "queries",
        "committed",
        "pushed",
        "received",
    ]
