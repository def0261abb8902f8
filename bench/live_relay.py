"""Live relay benchmark: one host, N viewers, forwarding relay vs aiortc's MediaRelay.

    .venv/bin/python bench/live_relay.py --viewers 100 --seconds 20

The host (a synthetic 640x360 30 fps camera, encoded once before the run with
aiortc's VP8 encoder at 1200 kbit/s and replayed, a keyframe whenever the server
asks for one), the server and the viewers run in separate
processes on loopback, so the server's CPU time (getrusage of its process) is its
own. The client side is kept cheap so that its figures describe the server: the
viewers share two processes, one event loop each, and count the encoded frames
their jitter buffer hands over without decoding them (a ReceiverTap from
live.media.aiortc_compat). A frame counts as decodable unless the viewer gave up
on a packet since the last keyframe. Viewers take each packet's arrival time from
the kernel (SO_TIMESTAMPNS), so that their delay-based estimates (REMB), which
the relay acts on, measure the link and not how late their loop got round to a
packet; they wait for a lost packet up to 1 s, as a browser does, and ask for a
keyframe every 0.5 s while their picture is broken.

For each run it prints the server's CPU, CPU per viewer, frames per second each
viewer got (min / median), and the latency the relay added: from the moment the
server's receiver had assembled a frame to the moment a viewer's receiver had it,
both read from the same monotonic clock. Caveat: with MediaRelay the server's
receiver is aiortc's own, which hands a frame over only when the next one starts
(one frame interval, 33 ms, later than the forwarding relay's); that wait is before
the start point and so is not counted in MediaRelay's latency.

With ``--limited-share`` a last forwarding run has a mixed audience: that share of
the viewers receive through a limited link (a token-bucket policer of
``--limited-kbps`` in front of their receiver, which drops what exceeds it, as a
congested mobile link would), the rest through loopback. The host then labels its
frames with VP8's L1T3 temporal-layer pattern (TL0, TL2, TL1, TL2; aiortc's encoder
does not layer, and viewers here count frames without decoding them, so this
measures the relay's choice and forwarding; that the frames it keeps decode is
tested on Chromium's own L1T3 stream in live/tests/test_media_layers.py). It reports
per class (limited, other) frames per second received and decodable, the longest
gap between decodable frames (a stall), packets NACKed and retransmitted, keyframe
requests, why the relay stepped viewers down, and how long limited viewers took to
reach the base layer; besides the CPU of the server, the host and each viewer
process, how late the viewers' event loops ran, and the kernel's UDP receive
buffer drops (machine-wide) during the run.

MediaRelay decodes once and encodes once per viewer, so it is measured with few
viewers (default 4 and 8). CPU per viewer is also given as the slope between the
two viewer counts of each relay, which leaves out the fixed cost of receiving the
host's stream.
"""

import argparse
import asyncio
import bisect
import dataclasses
import itertools
import logging
import multiprocessing
import os
import resource
import socket
import statistics
import struct
import sys
import time
from asyncio import selector_events
from fractions import Fraction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WIDTH, HEIGHT, FPS = 640, 360, 30
NOISE_ROWS = 16
TIMESTAMP_SLACK = 10
CONNECT_BATCH = 10
HOST_KBPS = 1200
ENCODED_FRAMES = 3 * FPS
VIEWER_SOCKET_BUFFER = 1 << 20
# Viewers wait for a missing packet as a browser's jitter buffer would (retransmission
# over a slow link takes its time), then ask for a keyframe until one arrives.
VIEWER_MAX_DELAY = 90000  # 1 s of the 90 kHz video clock
VIEWER_PLI_INTERVAL = 0.5


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pc():
    from aiortc import RTCConfiguration, RTCPeerConnection

    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


def _serve(conn: Connection, handlers: dict) -> None:
    """Run a child's event loop; answer each (command, argument) from the parent."""
    logging.basicConfig(level=logging.WARNING, format="%(processName)s %(message)s")

    async def main() -> None:
        loop = asyncio.get_running_loop()
        done = asyncio.Event()
        tasks = set()

        async def handle(command: str, argument) -> None:
            if command == "quit":
                conn.send(None)
                done.set()
                return
            conn.send(await handlers[command](argument))

        def readable() -> None:
            command, argument = conn.recv()
            task = loop.create_task(handle(command, argument))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        loop.add_reader(conn.fileno(), readable)
        await done.wait()
        loop.remove_reader(conn.fileno())
        if "close" in handlers:
            await handlers["close"](None)

    asyncio.run(main())


class _Meter:
    """CPU and wall clock between "start" and "stop"."""

    def __init__(self) -> None:
        self.cpu = self.wall = 0.0

    def start(self) -> None:
        self.cpu, self.wall = _cpu_seconds(), time.monotonic()

    def stop(self) -> dict:
        return {"cpu": _cpu_seconds() - self.cpu, "wall": time.monotonic() - self.wall}


# --- host ----------------------------------------------------------------------------


L1T3_PATTERN = (0, 2, 1, 2)


def _label_temporal_layers() -> None:
    """Make aiortc's VP8 packetizer label frames as L1T3 (in this process only)."""
    from aiortc.codecs import vpx

    packetize = vpx.Vp8Encoder._packetize.__func__  # type: ignore[attr-defined]
    count = {"index": 0}

    def labelled(cls, buffer: bytes, picture_id: int) -> list[bytes]:
        if buffer and not buffer[0] & 1:  # a keyframe starts the pattern again
            count["index"] = 0
        index = count["index"]
        count["index"] += 1
        tid = L1T3_PATTERN[index % 4]
        # Like Chromium: the first TL2 and TL1 frames of every other group sync.
        sync = tid > 0 and index % 8 in (1, 2)
        payloads = []
        for payload in packetize(cls, buffer, picture_id):
            descriptor, rest = vpx.VpxPayloadDescriptor.parse(payload)
            descriptor.tl0picidx = (index // 4) % 256
            descriptor.tid = (tid, int(sync))
            payloads.append(bytes(descriptor) + rest)
        return payloads

    vpx.Vp8Encoder._packetize = classmethod(labelled)  # type: ignore[method-assign,assignment]


def _encoded_ahead(frames: list) -> list[bytes]:
    """The host's pictures encoded once, before the run, with aiortc's VP8 encoder at
    HOST_KBPS: a keyframe, then deltas.

    Encoding live, the host competed for the same two cores as everything else and,
    on a loaded machine, sent 1-10 fps of the 30, which measured nothing about the
    relay; and aiortc's encoder started over, with a keyframe, whenever the server's
    estimate of its link moved by 10 %, which a browser does not. A studio encodes on
    a machine of its own: here the host replays the encoded frames at 30 fps.
    """
    from aiortc.codecs import vpx

    vpx.DEFAULT_BITRATE = HOST_KBPS * 1000  # what a new encoder starts at
    encoder = vpx.Vp8Encoder()
    encoded: list[bytes] = []

    def keep(buffer: bytes, picture_id: int) -> list[bytes]:
        encoded.append(buffer)
        return []

    encoder._packetize = keep  # type: ignore[method-assign]  # the frame, not packets
    for index, frame in enumerate(frames):
        encoder.encode(frame, force_keyframe=index == 0)
    return encoded


def _host_process(conn: Connection, layered: bool = False) -> None:
    import av
    from aiortc import RTCSessionDescription, VideoStreamTrack
    from av import VideoFrame

    from live.media import aiortc_compat

    if layered:
        _label_temporal_layers()

    def picture(index: int) -> list[bytes]:
        """A moving gradient and square over a band of noise.

        The noise keeps the encoder at its target bitrate, as a camera would; a
        clean synthetic picture compresses to a fraction of a real stream's packets.
        """
        row = bytes((x + 8 * index) % 256 for x in range(WIDTH))
        square = bytes([235]) * 80
        left = (index * 16) % (WIDTH - 80)
        rows = []
        for y in range(HEIGHT):
            if 140 <= y < 220:
                rows.append(row[:left] + square + row[left + 80 :])
            elif y >= HEIGHT - NOISE_ROWS:
                rows.append(os.urandom(WIDTH))
            else:
                rows.append(row)
        chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
        return [b"".join(rows), chroma, chroma]

    pictures = [picture(i) for i in range(FPS)]

    def video_frame(index: int) -> VideoFrame:
        frame = VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
        planes = pictures[index % len(pictures)]
        for plane, data in zip(frame.planes, planes, strict=True):
            if plane.line_size == len(data) // (plane.height):
                plane.update(data)
            else:
                width = len(data) // plane.height
                padding = bytes(plane.line_size - width)
                plane.update(
                    b"".join(
                        data[y * width : (y + 1) * width] + padding
                        for y in range(plane.height)
                    )
                )
        frame.pts = index * 3000
        frame.time_base = Fraction(1, 90000)
        return frame

    encoded = _encoded_ahead([video_frame(i) for i in range(ENCODED_FRAMES)])

    class Camera(VideoStreamTrack):
        """Replays the encoded frames at 30 fps: the keyframe first and whenever
        the server asks for one, deltas in between (after the last, the first delta
        again)."""

        def __init__(self) -> None:
            super().__init__()
            self.next_index = 0

        def keyframe_requested(self) -> None:
            self.next_index = 0

        async def recv(self) -> av.Packet:  # type: ignore[override]
            pts, time_base = await self.next_timestamp()
            index = self.next_index
            self.next_index = index + 1 if index + 1 < len(encoded) else 1
            packet = av.Packet(encoded[index])
            packet.pts = pts
            packet.time_base = time_base
            return packet

    pcs = []
    meter = _Meter()

    async def offer(_):
        # aiortc binds a peer connection to the loop running when it is created.
        pc = _pc()
        pcs.append(pc)
        camera = Camera()
        transceiver = pc.addTransceiver(camera, direction="sendonly")
        aiortc_compat.on_keyframe_request(transceiver.sender, camera.keyframe_requested)
        await pc.setLocalDescription(await pc.createOffer())
        return pc.localDescription.sdp

    async def answer(sdp):
        await pcs[0].setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))

    async def start(_):
        meter.start()

    async def stop(_):
        return meter.stop()

    async def close(_):
        for pc in pcs:
            await pc.close()

    _serve(
        conn,
        {
            "offer": offer,
            "answer": answer,
            "start": start,
            "stop": stop,
            "close": close,
        },
    )


# --- server --------------------------------------------------------------------------


def _server_process(conn: Connection, mode: str) -> None:
    from aiortc import MediaStreamTrack, RTCSessionDescription
    from aiortc.contrib.media import MediaRelay

    from live.media import ShowRelay, aiortc_compat

    pcs = []
    meter = _Meter()
    arrivals: dict[int, float] = {}  # server timestamp -> when the server had it
    first_sent: dict[int, object] = {}  # viewer id -> track (forward) / probe
    handles: dict[int, Any] = {}  # viewer id -> the relay's ViewerHandle
    stream_at_start: dict[str, int] = {}
    feedback_at_start: dict[int, tuple[int, ...]] = {}

    def feedback_counts(handle) -> tuple[int, ...]:
        """Retransmissions asked for and sent; keyframe requests, and held back."""
        sent = handle.retransmissions
        stats = handle.video.stats
        return (
            sent.requested,
            sent.sent,
            stats.keyframe_requests,
            stats.keyframe_requests_held,
        )

    state: dict[str, Any] = {
        "host_track": None,
        "recording": False,
        "frames_in": 0,
        "bytes_in": 0,
        "joined": {},
        "base_at": {},
    }
    show = ShowRelay() if mode == "forward" else None
    media_relay = MediaRelay() if mode == "mediarelay" else None
    # Neither holds on to the loop it was created under; peer connections do.

    def note(timestamp: int, at: float, size: int) -> None:
        state["frames_in"] += 1
        if state["recording"]:
            arrivals[timestamp] = at
            state["bytes_in"] += size

    class FirstFrameProbe(MediaStreamTrack):
        """Notes the timestamp of the first frame MediaRelay gives one viewer, then
        hands the sender the relay's own track."""

        kind = "video"

        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner
            self.sender = None
            self.first_timestamp = None

        async def recv(self):
            frame = await self.inner.recv()
            # MediaRelay hands the same frame to every viewer's encoder, and PyAV
            # rebases a frame's pts to the encoder's time base in place (in another
            # thread): read pts and time base together, then convert.
            while True:
                pts, time_base = frame.pts, frame.time_base
                if (pts, time_base) == (frame.pts, frame.time_base):
                    break
            self.first_timestamp = round(pts * Fraction(time_base) * 90000)
            self.sender.replaceTrack(self.inner)
            return frame

    async def publish(sdp):
        pc = _pc()
        pcs.append(pc)
        tracks = []
        pc.on("track", tracks.append)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        track = tracks[0]
        state["host_track"] = track
        if show is not None:
            await show.publish(pc, track)
            watcher = show.subscribe("video")

            async def watch() -> None:
                while True:
                    frame = await watcher.recv()
                    note(frame.timestamp, frame.received_at, len(frame.data))

            pcs.append(asyncio.ensure_future(watch()))
        else:
            receiver = next(t.receiver for t in pc.getTransceivers())
            aiortc_compat.ReceiverTap(
                receiver,
                on_frame=lambda codec, data, ts, head: note(
                    ts, time.monotonic(), len(data)
                ),
                decode=True,
            )
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def answer_viewer(viewer_id: int, sdp: str) -> str:
        pc = _pc()
        pcs.append(pc)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        if show is not None:
            handle = show.add_viewer(pc)
            handles[viewer_id] = handle
            first_sent[viewer_id] = handle.video
            state["joined"][viewer_id] = time.monotonic()
            if "sampler" not in state:
                state["sampler"] = asyncio.ensure_future(sample_layers())
                pcs.append(state["sampler"])
        else:
            assert media_relay is not None  # mode is "mediarelay"
            probe = FirstFrameProbe(media_relay.subscribe(state["host_track"]))
            probe.sender = pc.addTrack(probe)
            first_sent[viewer_id] = probe
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def viewers(offers):
        answers = await asyncio.gather(*(answer_viewer(i, sdp) for i, sdp in offers))
        return [(i, sdp) for (i, _), sdp in zip(offers, answers, strict=True)]

    async def status(_):
        return {"frames_in": state["frames_in"]}

    async def start(_):
        arrivals.clear()
        state["bytes_in"] = 0
        state["recording"] = True
        if show is not None:
            video = show.stats()["video"]
            stream_at_start["keyframes"] = video.keyframes_in
            stream_at_start["requests"] = video.keyframe_requests_sent
            for viewer_id, handle in handles.items():
                feedback_at_start[viewer_id] = feedback_counts(handle)
        meter.start()

    async def sample_layers() -> None:
        """When each viewer first reached the base layer, from its connection."""
        while True:
            now = time.monotonic()
            for viewer_id, track in first_sent.items():
                layers = getattr(track, "layers", None)
                if (
                    layers is not None
                    and layers.current == 0
                    and viewer_id not in state["base_at"]
                ):
                    state["base_at"][viewer_id] = now - state["joined"][viewer_id]
            await asyncio.sleep(0.1)

    async def stop(_):
        result = meter.stop()
        state["recording"] = False

        def first(track) -> int | None:
            if show is not None:
                return track.stats.first_timestamp
            return track.first_timestamp

        result["arrivals"] = dict(arrivals)
        result["bytes_in"] = state["bytes_in"]
        result["first_timestamp"] = {i: first(t) for i, t in first_sent.items()}
        if show is not None:
            result["resyncs"] = sum(t.stats.resyncs for t in first_sent.values())
            result["layers"] = {i: t.layers.current for i, t in first_sent.items()}
            result["base_at"] = dict(state["base_at"])
            video = show.stats()["video"]
            result["host_keyframes"] = video.keyframes_in - stream_at_start["keyframes"]
            result["keyframe_requests"] = (
                video.keyframe_requests_sent - stream_at_start["requests"]
            )
            result["feedback"] = {
                i: [
                    now - then
                    for now, then in zip(
                        feedback_counts(h), feedback_at_start[i], strict=True
                    )
                ]
                for i, h in handles.items()
            }
            result["quality"] = {
                i: dataclasses.asdict(h.quality.stats)
                for i, h in handles.items()
                if h.quality is not None
            }
        return result

    async def close(_):
        if show is not None:
            await show.close()
        for item in pcs:
            if isinstance(item, asyncio.Future):
                item.cancel()
            else:
                await item.close()

    _serve(
        conn,
        {
            "publish": publish,
            "viewers": viewers,
            "status": status,
            "start": start,
            "stop": stop,
            "close": close,
        },
    )


# --- viewers -------------------------------------------------------------------------


NTP_UNIX_OFFSET = 2208988800  # seconds from 1900 (aiortc's clock) to 1970
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)


def _kernel_arrival_times() -> None:
    """Give aiortc each RTP packet's arrival time as the kernel stamped it.

    aiortc reads the clock when it gets round to a packet, and its delay-based
    estimate (REMB) takes any wait in between for a queue on the link. Here one
    event loop serves many viewers on a shared 2-core machine; a browser reads
    packets on a thread of its own. So the viewers' sockets stamp packets
    (SO_TIMESTAMPNS), and that is the arrival time aiortc's receiver uses. Their
    receive buffers are made larger too, so that a busy loop does not lose packets
    on loopback.
    """
    import aioice.ice
    from aiortc import clock, rtcdtlstransport

    class Stamped(bytes):
        arrival_ms: int | None = None

    latest: dict[str, int | None] = {"ms": None}

    def read_ready(self) -> None:
        if self._conn_lost:
            return
        sock = self._sock
        if not getattr(self, "stamping", False):
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, VIEWER_SOCKET_BUFFER)
            self.stamping = True
        try:
            data, ancillary, _, addr = sock.recvmsg(self.max_size, 64)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._protocol.error_received(exc)
            return
        stamped = Stamped(data)
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                seconds, nanoseconds = struct.unpack("qq", value[:16])
                stamped.arrival_ms = (
                    seconds + NTP_UNIX_OFFSET
                ) * 1000 + nanoseconds // 1_000_000
        self._protocol.datagram_received(stamped, addr)

    receive = aioice.ice.Connection.recv

    async def recv(self) -> bytes:
        # aiortc's DTLS transport reads the clock right after this returns, with
        # nothing run in between.
        data = await receive(self)
        latest["ms"] = getattr(data, "arrival_ms", None)
        return data

    class ArrivalClock:
        def __getattr__(self, name: str):
            return getattr(clock, name)

        def current_ms(self) -> int:
            return latest["ms"] or clock.current_ms()

    selector_events._SelectorDatagramTransport._read_ready = read_ready  # type: ignore[attr-defined]
    aioice.ice.Connection.recv = recv  # type: ignore[method-assign]
    rtcdtlstransport.clock = ArrivalClock()  # type: ignore[assignment]


def _viewer_process(
    conn: Connection, limited: frozenset = frozenset(), kbps: float = 0.0
) -> None:
    from aiortc import RTCSessionDescription

    from live.media import aiortc_compat
    from live.media.bitstream import is_keyframe
    from live.tests.webrtc import link_limit

    _kernel_arrival_times()
    pcs = {}
    # viewer id -> (timestamp, arrival, decodable) of each frame received
    received: dict[int, list[tuple[int, float, bool]]] = {}
    broken: dict[int, bool] = {}  # gave up on packets since the last keyframe
    state: dict[str, Any] = {"recording": False, "first": set()}
    lags: list[float] = []  # how late the event loop ran a 20 ms timer
    meter = _Meter()

    def counter(viewer_id: int):
        frames = received.setdefault(viewer_id, [])
        broken[viewer_id] = True

        def on_frame(codec, data: bytes, timestamp: int, head: bytes) -> None:
            state["first"].add(viewer_id)
            if is_keyframe("video/VP8", data):
                broken[viewer_id] = False
            if state["recording"]:
                frames.append((timestamp, time.monotonic(), not broken[viewer_id]))

        return on_frame

    def picture_loss_noted(viewer_id: int, tap) -> None:
        """The receiver gave up on packets: nothing decodes until a keyframe, which
        it asks for again every ``VIEWER_PLI_INTERVAL`` while it waits."""
        receiver = tap.receiver
        send_pli = receiver._send_rtcp_pli

        def ask_again() -> None:
            if broken[viewer_id] and viewer_id in pcs:
                tap.request_keyframe()
                asyncio.get_running_loop().call_later(VIEWER_PLI_INTERVAL, ask_again)

        async def lost(media_ssrc: int) -> None:
            was_broken = broken[viewer_id]
            broken[viewer_id] = True
            await send_pli(media_ssrc)
            if not was_broken:
                asyncio.get_running_loop().call_later(VIEWER_PLI_INTERVAL, ask_again)

        receiver._send_rtcp_pli = lost

    async def watch_loop() -> None:
        tick = 0.02
        while True:
            before = time.monotonic()
            await asyncio.sleep(tick)
            if state["recording"]:
                lags.append(time.monotonic() - before - tick)

    async def offers(ids):
        result = []
        for viewer_id in ids:
            pc = _pc()
            pcs[viewer_id] = pc
            transceiver = pc.addTransceiver("video", direction="recvonly")
            tap = aiortc_compat.ReceiverTap(
                transceiver.receiver,
                on_frame=counter(viewer_id),
                max_delay=VIEWER_MAX_DELAY,
            )
            picture_loss_noted(viewer_id, tap)
            await pc.setLocalDescription(await pc.createOffer())
            result.append((viewer_id, pc.localDescription.sdp))
        return result

    async def answers(items):
        for viewer_id, sdp in items:
            await pcs[viewer_id].setRemoteDescription(
                RTCSessionDescription(sdp=sdp, type="answer")
            )
            if viewer_id in limited:
                link_limit(pcs[viewer_id], kbps)

    async def ready(_):
        return len(state["first"])

    async def start(_):
        for frames in received.values():
            frames.clear()
        lags.clear()
        state["started_at"] = time.monotonic()
        state["recording"] = True
        if "watch" not in state:
            state["watch"] = asyncio.ensure_future(watch_loop())
        meter.start()

    async def stop(_):
        state["recording"] = False
        result = meter.stop()
        result["received"] = {i: list(frames) for i, frames in received.items()}
        result["lags"] = sorted(lags)
        result["started_at"] = state["started_at"]
        return result

    async def close(_):
        if "watch" in state:
            state["watch"].cancel()
        for pc in pcs.values():
            await pc.close()

    import cProfile

    prof = cProfile.Profile()
    if os.environ.get("BENCH_PROFILE"):
        prof.enable()
    _serve(
        conn,
        {
            "offers": offers,
            "answers": answers,
            "ready": ready,
            "start": start,
            "stop": stop,
            "close": close,
        },
    )
    if os.environ.get("BENCH_PROFILE"):
        prof.disable()
        prof.dump_stats(f"/tmp/relay_viewer_{os.getpid()}.prof")


# --- orchestration -------------------------------------------------------------------


class _Child:
    def __init__(self, context, target, *args) -> None:
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=target, args=(child_conn, *args))
        self.process.start()

    def call(self, command: str, argument=None, timeout: float = 120.0):
        self.conn.send((command, argument))
        if not self.conn.poll(timeout):
            raise TimeoutError(f"{command} took longer than {timeout} s")
        return self.conn.recv()

    def quit(self) -> None:
        try:
            self.call("quit", timeout=30)
        finally:
            self.process.join(30)
            if self.process.is_alive():
                self.process.terminate()


def _udp_receive_buffer_errors() -> int:
    """Datagrams the kernel dropped for a full receive buffer (whole machine)."""
    lines = [line.split() for line in Path("/proc/net/snmp").read_text().splitlines()]
    names, values = [line for line in lines if line[0] == "Udp:"][:2]
    return int(values[names.index("RcvbufErrors")])


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.2)


def run(
    mode: str,
    viewers: int,
    seconds: float,
    viewer_processes: int,
    limited_share: float = 0.0,
    limited_kbps: float = 0.0,
) -> dict:
    """One measured run: fresh host, server and viewer processes."""
    context = multiprocessing.get_context("spawn")
    server = _Child(context, _server_process, mode)
    mixed = limited_share > 0
    host = _Child(context, _host_process, mixed)
    limited = frozenset(range(round(viewers * limited_share)))
    groups = [
        _Child(context, _viewer_process, limited, limited_kbps)
        for _ in range(viewer_processes)
    ]
    try:
        host.call("answer", server.call("publish", host.call("offer")))
        _wait(lambda: server.call("status")["frames_in"] > 0, 30, "host frames")
        ids = list(range(viewers))
        for start in range(0, viewers, CONNECT_BATCH):
            batch = ids[start : start + CONNECT_BATCH]
            for index, group in enumerate(groups):
                mine = batch[index::viewer_processes]
                if mine:
                    group.call(
                        "answers", server.call("viewers", group.call("offers", mine))
                    )
        _wait(
            lambda: sum(group.call("ready") for group in groups) == viewers,
            120,
            "viewers' first frames",
        )
        time.sleep(2.0)  # let the queues and bitrate settle
        for child in (server, host, *groups):
            child.call("start")
        buffer_errors = _udp_receive_buffer_errors()
        time.sleep(seconds)
        buffer_errors = _udp_receive_buffer_errors() - buffer_errors
        server_result = server.call("stop")
        host_result = host.call("stop")
        viewer_results = [group.call("stop") for group in groups]
    finally:
        for child in (*groups, host, server):
            child.quit()
    result = _summarise(mode, viewers, server_result, host_result, viewer_results)
    result["udp_buffer_drops"] = buffer_errors
    if mixed:
        result.update(_classes(limited, server_result, viewer_results))
        result["limited_kbps"] = limited_kbps
    return result


def _longest_gap(times: list[float], start: float, end: float) -> float:
    return max(b - a for a, b in itertools.pairwise([start, *times, end]))


def _classes(limited: frozenset, server: dict, viewer_results) -> dict:
    """Per class of viewer (limited, other): frame rates, stalls, feedback."""
    classes: dict[str, dict[str, list]] = {
        name: {
            key: [] for key in ("fps", "decodable_fps", "gap", "nacked", "retransmits")
        }
        for name in ("limited", "other")
    }
    for result in viewer_results:
        wall = result["wall"]
        start = result["started_at"]
        for viewer_id, frames in result["received"].items():
            figures = classes["limited" if viewer_id in limited else "other"]
            decodable = [at for _, at, ok in frames if ok]
            figures["fps"].append(len(frames) / wall)
            figures["decodable_fps"].append(len(decodable) / wall)
            figures["gap"].append(_longest_gap(decodable, start, start + wall))
            nacked, sent = server["feedback"][viewer_id][:2]
            figures["nacked"].append(nacked / wall)
            figures["retransmits"].append(sent / wall)
    for name, figures in classes.items():
        members = [
            i for i in server["feedback"] if (i in limited) == (name == "limited")
        ]
        quality = [server["quality"][i] for i in members]
        figures["keyframe_requests"] = [server["feedback"][i][2] for i in members]
        figures["keyframe_requests_held"] = [server["feedback"][i][3] for i in members]
        figures["downs"] = [
            sum(q["down_loss"] for q in quality),
            sum(q["down_rtt"] for q in quality),
            sum(q["down_estimate"] for q in quality),
        ]
        figures["lowest_estimate"] = [
            q["lowest_estimate"] for q in quality if q["lowest_estimate"] is not None
        ]
    base_at = [server["base_at"].get(i) for i in limited]
    layers = server["layers"]
    lags = sorted(lag for r in viewer_results for lag in r["lags"])
    return {
        "limited": len(limited),
        "classes": classes,
        "limited_on_base": sum(layers.get(i) == 0 for i in limited),
        "others_on_top": sum(layers.get(i) == 2 for i in layers if i not in limited),
        "limited_to_base_s": [t for t in base_at if t is not None],
        "host_keyframes": server["host_keyframes"],
        "keyframe_requests": server["keyframe_requests"],
        "viewer_processes_cpu": [r["cpu"] / r["wall"] for r in viewer_results],
        "loop_lag_p95_ms": lags[int(0.95 * len(lags))] * 1000 if lags else 0.0,
        "loop_lag_max_ms": lags[-1] * 1000 if lags else 0.0,
    }


def _arrival(arrivals: dict, ordered: list, timestamp: int) -> float | None:
    """When the server had the frame with this timestamp.

    A re-encoded frame's timestamp can be off by a tick or two after aiortc's time
    base conversions, so the nearest one within 10 ticks (of 3000 per frame) counts.
    """
    index = bisect.bisect_left(ordered, timestamp - TIMESTAMP_SLACK)
    if index < len(ordered) and abs(ordered[index] - timestamp) <= TIMESTAMP_SLACK:
        return arrivals[ordered[index]]
    return None


def _summarise(mode, viewers, server, host, viewer_results) -> dict:
    wall = server["wall"]
    fps, latencies = [], []
    arrivals = server["arrivals"]
    ordered = sorted(arrivals)
    for result in viewer_results:
        for viewer_id, frames in result["received"].items():
            fps.append(len(frames) / result["wall"])
            first = server["first_timestamp"].get(viewer_id)
            if first is None:
                continue
            for timestamp, at, _ in frames:
                sent = _arrival(arrivals, ordered, timestamp + first)
                if sent is not None:
                    latencies.append((at - sent) * 1000)
    latencies.sort()

    def percentile(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return {
        "mode": mode,
        "viewers": viewers,
        "server_cpu": server["cpu"] / wall,
        "host_cpu": host["cpu"] / host["wall"],
        "viewers_cpu": sum(r["cpu"] / r["wall"] for r in viewer_results),
        "source_fps": len(arrivals) / wall,
        "source_kbps": server["bytes_in"] * 8 / wall / 1000,
        "fps_min": min(fps) if fps else 0.0,
        "fps_median": statistics.median(fps) if fps else 0.0,
        "latency_p50": percentile(0.5),
        "latency_p95": percentile(0.95),
        "matched": len(latencies),
        "resyncs": server.get("resyncs", 0),
    }


def _cpu_per_viewer_frame(result: dict) -> float:
    """Server CPU seconds per frame a viewer got (median viewer)."""
    frames_per_second = result["viewers"] * result["fps_median"]
    return result["server_cpu"] / frames_per_second if frames_per_second else 0.0


def _report(results: list[dict]) -> None:
    names = {"forward": "forwarding", "mediarelay": "MediaRelay"}
    print()
    print(
        f"{'relay':<11} {'viewers':>7} {'server CPU':>10} {'CPU/viewer':>10} "
        f"{'host fps':>8} {'kbit/s':>6} {'fps min':>7} {'fps med':>7} {'lat p50':>8} "
        f"{'lat p95':>8} {'clients CPU':>11}"
    )
    for r in results:
        print(
            f"{names[r['mode']]:<11} {r['viewers']:>7} {r['server_cpu']:>9.1%} "
            f"{r['server_cpu'] / r['viewers'] * 1000:>8.2f}ms "
            f"{r['source_fps']:>8.1f} {r['source_kbps']:>6.0f} "
            f"{r['fps_min']:>7.1f} {r['fps_median']:>7.1f} "
            f"{r['latency_p50']:>6.1f}ms {r['latency_p95']:>6.1f}ms "
            f"{r['viewers_cpu'] + r['host_cpu']:>10.1%}"
        )
    print(
        "CPU/viewer = server CPU seconds per viewer per second (ms of CPU per second);"
        " clients CPU = host + viewer processes."
    )

    slopes = {}
    for mode in ("forward", "mediarelay"):
        runs = sorted(
            (r for r in results if r["mode"] == mode), key=lambda r: r["viewers"]
        )
        if len(runs) >= 2 and runs[-1]["viewers"] > runs[0]["viewers"]:
            slope = (runs[-1]["server_cpu"] - runs[0]["server_cpu"]) / (
                runs[-1]["viewers"] - runs[0]["viewers"]
            )
            slopes[mode] = slope
            per_core = 1 / slope if slope > 0 else float("inf")
            print(
                f"{names[mode]}: marginal server CPU per added viewer "
                f"{slope * 1000:.2f} ms/s -> {per_core:.0f} viewers per core"
            )
    forward = [r for r in results if r["mode"] == "forward"]
    media = [r for r in results if r["mode"] == "mediarelay"]
    if forward and media:
        big = max(forward, key=lambda r: r["viewers"])
        small = max(media, key=lambda r: r["viewers"])
        per_core_forward = big["viewers"] / big["server_cpu"]
        per_core_media = small["viewers"] / small["server_cpu"]
        print(
            f"viewers per core of server CPU: forwarding {per_core_forward:.0f} "
            f"({big['viewers']} viewers), MediaRelay {per_core_media:.1f} "
            f"({small['viewers']} viewers): "
            f"ratio {per_core_forward / per_core_media:.1f}x"
        )
        # On a loaded machine the host may send fewer frames in one run than in
        # another; CPU per frame delivered to a viewer does not depend on that.
        per_frame_forward = _cpu_per_viewer_frame(big)
        per_frame_media = _cpu_per_viewer_frame(small)
        print(
            f"server CPU per frame delivered to a viewer: forwarding "
            f"{per_frame_forward * 1000:.3f} ms, MediaRelay "
            f"{per_frame_media * 1000:.3f} ms: "
            f"ratio {per_frame_media / per_frame_forward:.1f}x"
        )
        if "forward" in slopes and "mediarelay" in slopes and slopes["forward"] > 0:
            print(
                "ratio of marginal CPU per viewer (MediaRelay / forwarding): "
                f"{slopes['mediarelay'] / slopes['forward']:.1f}x"
            )
        full = big["fps_min"] >= 0.95 * big["source_fps"]
        print(
            f"{big['viewers']} forwarded viewers at full frame rate: "
            f"{'yes' if full else 'no'} (slowest viewer {big['fps_min']:.1f} fps, "
            f"host sent {big['source_fps']:.1f} fps)"
        )


def _report_mixed(r: dict) -> None:
    def spread(values: list[float], digits: int = 1) -> str:
        if not values:
            return "-"
        low, middle, high = min(values), statistics.median(values), max(values)
        return (
            f"min {low:.{digits}f} / median {middle:.{digits}f} / max {high:.{digits}f}"
        )

    others = r["viewers"] - r["limited"]
    print(
        f"mixed audience: {r['viewers']} viewers, {r['limited']} through a "
        f"{r['limited_kbps']:.0f} kbit/s limited link (host {r['source_kbps']:.0f} "
        f"kbit/s, {r['source_fps']:.1f} fps, {r['host_keyframes']} keyframes in the "
        f"run, {r['keyframe_requests']} keyframe requests sent to the host)"
    )
    for name, count in (("limited", r["limited"]), ("other", others)):
        figures = r["classes"][name]
        loss, rtt, estimate = figures["downs"]
        print(f"  {name} viewers ({count}):")
        print(f"    fps received         {spread(figures['fps'])}")
        print(f"    fps decodable        {spread(figures['decodable_fps'])}")
        print(f"    longest gap (s)      {spread(figures['gap'], 2)}")
        print(f"    NACKed pkt/s         {spread(figures['nacked'])}")
        print(f"    retransmitted pkt/s  {spread(figures['retransmits'])}")
        print(
            f"    keyframe requests    {sum(figures['keyframe_requests'])} "
            f"({sum(figures['keyframe_requests_held'])} held back); "
            f"steps down for loss {loss}, round trip {rtt}, estimate {estimate}"
        )
        lowest = [e / 1000 for e in figures["lowest_estimate"]]
        print(f"    lowest estimate kbps {spread(lowest, 0)}")
    print(
        f"  on the base layer at the end: {r['limited_on_base']}/{r['limited']} "
        f"limited; on the top layer at the end: {r['others_on_top']}/{others} others"
    )
    reached = r["limited_to_base_s"]
    if reached:
        print(
            f"  limited viewers reached the base layer after {spread(reached)} s "
            f"({len(reached)}/{r['limited']})"
        )
    per_viewer = r["server_cpu"] / r["viewers"] * 1000
    viewer_processes = ", ".join(f"{c:.1%}" for c in r["viewer_processes_cpu"])
    print(
        f"  server CPU {r['server_cpu']:.1%} ({per_viewer:.2f} ms/s per viewer); "
        f"host {r['host_cpu']:.1%}; viewer processes {viewer_processes}; "
        f"viewer event loop lag p95 {r['loop_lag_p95_ms']:.0f} ms, "
        f"max {r['loop_lag_max_ms']:.0f} ms; UDP receive buffer drops "
        f"{r['udp_buffer_drops']} (whole machine)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--small", default="8", help="forwarding viewer counts besides --viewers"
    )
    parser.add_argument("--mediarelay", default="4,8", help="MediaRelay viewer counts")
    parser.add_argument("--mediarelay-seconds", type=float, default=10.0)
    parser.add_argument("--viewer-processes", type=int, default=2)
    parser.add_argument(
        "--limited-share",
        type=float,
        default=0.25,
        help="share of viewers on a limited link in a last, mixed run (0: none)",
    )
    parser.add_argument("--limited-kbps", type=float, default=400.0)
    parser.add_argument(
        "--mixed-only", action="store_true", help="only the mixed-audience run"
    )
    args = parser.parse_args()

    plan = [("forward", int(n), args.seconds) for n in args.small.split(",") if n]
    plan.append(("forward", args.viewers, args.seconds))
    plan += [
        ("mediarelay", int(n), args.mediarelay_seconds)
        for n in args.mediarelay.split(",")
        if n
    ]
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
        f"host stream {WIDTH}x{HEIGHT} {FPS} fps VP8"
    )
    results = []
    if args.mixed_only:
        plan = []
    for mode, viewers, seconds in plan:
        started = time.monotonic()
        result = run(mode, viewers, seconds, args.viewer_processes)
        results.append(result)
        print(
            f"  {mode} x{viewers}: done in {time.monotonic() - started:.0f} s "
            f"({result['matched']} frames matched for latency, "
            f"{result['resyncs']} resyncs)",
            flush=True,
        )
    if results:
        _report(results)
    if args.limited_share > 0:
        started = time.monotonic()
        mixed = run(
            "forward",
            args.viewers,
            args.seconds,
            args.viewer_processes,
            limited_share=args.limited_share,
            limited_kbps=args.limited_kbps,
        )
        print(f"  mixed run done in {time.monotonic() - started:.0f} s", flush=True)
        _report_mixed(mixed)


if __name__ == "__main__":
    main()
