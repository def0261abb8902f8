"""This process's end of a show: one pump per show fans frames out to its sockets."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
import weakref
from collections import Counter
from typing import Any, Protocol

from channels.layers import get_channel_layer

from live.realtime import timing
from live.realtime.fanout import DirectWriter, PreparedFrame, direct_writer
from live.realtime.frames import (
    FRAME_MESSAGE_TYPE,
    frame_encode,
    group_name,
    tick_seconds,
)
from live.realtime.stores import LiveStore, store_new

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
VIEWERS_REPEAT_SECONDS = 2.0
FAN_OUT_SLICE = 200


class Socket(Protocol):
    channel_name: str

    async def base_send(self, message: dict[str, Any]) -> None: ...


class ShowPump:
    """This process's end of one show: local sockets, presence, ticks and fan-out."""

    def __init__(self, show_id: int) -> None:
        self.show_id = show_id
        self.group = group_name(show_id)
        self.sockets: dict[str, Socket] = {}
        # Per socket: how to write a prepared frame without ASGI, if its server allows.
        self.writers: dict[str, DirectWriter | None] = {}
        self.counted: set[str] = set()
        self.gone: list[
            str
        ] = []  # left since the last tick; removed from presence then
        self.token = uuid.uuid4().hex
        self.reactions: Counter = Counter()
        self.published_ticks = 0
        self._store: LiveStore | None = None
        self._channel_layer: Any = None  # channels ships no types
        self._channel_name = ""
        self._tasks: list[asyncio.Task] = []
        self._ready = asyncio.Event()
        self._stopped = False
        self._last_heartbeat = 0.0
        self._last_viewers: int | None = None
        self._last_viewers_sent = 0.0

    @property
    def store(self) -> LiveStore:
        assert self._store is not None
        return self._store

    async def start(self) -> None:
        self._store = store_new()
        self._channel_layer = get_channel_layer()
        self._channel_name = await self._channel_layer.new_channel()
        await self._channel_layer.group_add(self.group, self._channel_name)
        self._tasks = [
            asyncio.ensure_future(self._receive_loop()),
            asyncio.ensure_future(self._tick_loop()),
        ]
        self._ready.set()

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._channel_layer is not None:
            await self._channel_layer.group_discard(self.group, self._channel_name)
        if self._store is not None:
            with contextlib.suppress(Exception):
                await self._store.presence_remove(self.show_id, self.gone)
                await self._store.lease_release(self.show_id, self.token)
            await self._store.close()

    async def add(self, socket: Socket, *, counted: bool) -> None:
        await self._ready.wait()
        self.sockets[socket.channel_name] = socket
        self.writers[socket.channel_name] = direct_writer(socket.base_send)
        if counted:
            self.counted.add(socket.channel_name)
            await self.store.presence_touch(
                self.show_id, [socket.channel_name], time.time()
            )

    def remove(self, socket: Socket) -> None:
        """Forget a socket; its presence entry goes with the next tick (or the stop)."""
        self.sockets.pop(socket.channel_name, None)
        self.writers.pop(socket.channel_name, None)
        if socket.channel_name in self.counted:
            self.counted.discard(socket.channel_name)
            self.gone.append(socket.channel_name)

    def react(self, kind: str) -> None:
        """Count a tap here; it reaches Redis with the next tick, summed."""
        self.reactions[kind] += 1

    async def viewers(self) -> int:
        return await self.store.viewers_count(self.show_id, time.time())

    async def fan_out(self, text: str) -> None:
        """Write one text frame to every local socket of the show.

        The frame is prepared once; daphne's sockets get it written directly, with
        no await per socket (live.realtime.fanout), others through ASGI.
        """
        frame = PreparedFrame(text)
        writers = self.writers
        for count, (name, socket) in enumerate(list(self.sockets.items()), start=1):
            writer = writers.get(name)
            try:
                if writer is not None:
                    writer(frame)
                else:
                    await socket.base_send(frame.message)
            except Exception as error:  # a closing socket must not starve the others
                logger.debug("live: sending to %s failed: %r", name, error)
            if count % FAN_OUT_SLICE == 0:
                # Let incoming comments in between: a long fan-out would hold them.
                await asyncio.sleep(0)

    async def tick(self) -> bool:
        """Flush local taps and leaves, refresh presence, publish a batch if leading."""
        now = time.time()
        if self.reactions:
            counts, self.reactions = dict(self.reactions), Counter()
            await self.store.reactions_add(self.show_id, counts)
        if self.gone:
            gone, self.gone = self.gone, []
            await self.store.presence_remove(self.show_id, gone)
        if now - self._last_heartbeat >= HEARTBEAT_SECONDS:
            self._last_heartbeat = now
            await self.store.presence_touch(self.show_id, list(self.counted), now)
        if not await self.store.lease(self.show_id, self.token):
            return False
        batch = await self.store.peek(self.show_id, now)
        comments, events = [], []
        for raw in batch.items:
            item = json.loads(raw)
            if item["kind"] == "comment":
                comments.append(item["comment"])
            else:
                events.append(item)
        viewers_due = (
            batch.viewers != self._last_viewers
            or now - self._last_viewers_sent >= VIEWERS_REPEAT_SECONDS
        )
        if not (comments or events or batch.reactions or viewers_due):
            return False
        seq = await self.store.seq_next(self.show_id)
        frame = frame_encode(
            {
                "type": "tick",
                "seq": seq,
                "comments": comments,
                "events": events,
                "reactions": batch.reactions,
                "viewers": batch.viewers,
            }
        )
        await self._channel_layer.group_send(
            self.group, {"type": FRAME_MESSAGE_TYPE, "text": frame, "seq": seq}
        )
        if timing.enabled():
            ids = ",".join(str(comment.get("id")) for comment in comments)
            timing.stamp("tick", seq, None, ids or "-", f"{now:.6f}")
        # Removed only once published: a failed publish leaves them for the next tick.
        await self.store.acknowledge(self.show_id, batch)
        self._last_viewers, self._last_viewers_sent = batch.viewers, now
        self.published_ticks += 1
        return True

    async def _receive_loop(self) -> None:
        while True:
            message = await self._channel_layer.receive(self._channel_name)
            if message.get("type") == FRAME_MESSAGE_TYPE:
                started = time.time()
                await self.fan_out(message["text"])
                if timing.enabled():
                    ended = f"{time.time():.6f}"
                    seq = message.get("seq")
                    timing.stamp("fanout", seq, started, ended, len(self.sockets))

    async def _tick_loop(self) -> None:
        # Ticks keep a fixed cadence: sleeping a whole interval after each tick would
        # add the tick's own Redis round trips to every wait.
        loop = asyncio.get_running_loop()
        due = loop.time()
        while True:
            period = tick_seconds()
            due = max(due + period, loop.time())
            await asyncio.sleep(due - loop.time())
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live: tick of show %s failed", self.show_id)
                await asyncio.sleep(1)


# Pumps of this process, per event loop (tests run one loop per test).
_pumps: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, ShowPump]] = (
    weakref.WeakKeyDictionary()
)


def pump_get(show_id: int) -> ShowPump | None:
    """This process's running pump for a show, if any socket of it is here."""
    return _pumps.get(asyncio.get_running_loop(), {}).get(show_id)


async def pump_join(*, show_id: int, socket: Socket, counted: bool) -> ShowPump:
    """Attach a socket to its show's pump in this process, starting the pump."""
    pumps = _pumps.setdefault(asyncio.get_running_loop(), {})
    pump = pumps.get(show_id)
    if pump is None:
        pump = pumps[show_id] = ShowPump(show_id)
        await pump.start()
    await pump.add(socket, counted=counted)
    return pump


async def pump_leave(*, show_id: int, socket: Socket) -> None:
    """Detach a socket; the last one out stops the show's pump in this process."""
    pumps = _pumps.get(asyncio.get_running_loop(), {})
    pump = pumps.get(show_id)
    if pump is None:
        return
    pump.remove(socket)
    if not pump.sockets and pumps.get(show_id) is pump:
        del pumps[show_id]
        await pump.stop()
