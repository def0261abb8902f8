"""Live relay benchmark: one host, N viewers, forwarding relay vs aiortc's MediaRelay.

    .venv/bin/python bench/live_relay.py --viewers 100 --seconds 20

The host (a synthetic 640x360 30 fps camera, encoded once with aiortc's VP8
encoder), the server and the viewers run in separate processes on loopback, so the
server's CPU time (getrusage of its process) is its own. Viewers count encoded
frames without decoding them (a ReceiverTap from live.media.aiortc_compat), so the
figures measure the server rather than the clients.

For each run it prints the server's CPU, CPU per viewer, frames per second each
viewer got (min / median), and the latency the relay added: from the moment the
server's receiver had assembled a frame to the moment a viewer's receiver had it,
both read from the same monotonic clock. Caveat: with MediaRelay the server's
receiver is aiortc's own, which hands a frame over only when the next one starts
(one frame interval, 33 ms, later than the forwarding relay's); that wait is before
the start point and so is not counted in MediaRelay's latency.

MediaRelay decodes once and encodes once per viewer, so it is measured with few
viewers (default 4 and 8). CPU per viewer is also given as the slope between the
two viewer counts of each relay, which leaves out the fixed cost of receiving the
host's stream.
"""

import argparse
import asyncio
import bisect
import logging
import multiprocessing
import os
import resource
import statistics
import sys
import time
from fractions import Fraction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WIDTH, HEIGHT, FPS = 640, 360, 30
NOISE_ROWS = 16
TIMESTAMP_SLACK = 10
CONNECT_BATCH = 10


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


def _host_process(conn: Connection) -> None:
    from aiortc import RTCSessionDescription, VideoStreamTrack
    from av import VideoFrame

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

    class Camera(VideoStreamTrack):
        async def recv(self) -> VideoFrame:
            pts, time_base = await self.next_timestamp()
            frame = VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
            planes = pictures[(pts // 3000) % len(pictures)]
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
            frame.pts = pts
            frame.time_base = time_base
            return frame

    pcs = []
    meter = _Meter()

    async def offer(_):
        # aiortc binds a peer connection to the loop running when it is created.
        pc = _pc()
        pcs.append(pc)
        pc.addTransceiver(Camera(), direction="sendonly")
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
    state: dict[str, Any] = {
        "host_track": None,
        "recording": False,
        "frames_in": 0,
        "bytes_in": 0,
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
            first_sent[viewer_id] = show.add_viewer(pc).video
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
        meter.start()

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


def _viewer_process(conn: Connection) -> None:
    from aiortc import RTCSessionDescription

    from live.media import aiortc_compat

    pcs = {}
    received: dict[int, list[tuple[int, float]]] = {}
    state: dict[str, Any] = {"recording": False, "first": set()}
    meter = _Meter()

    def counter(viewer_id: int):
        frames = received.setdefault(viewer_id, [])

        def on_frame(codec, data: bytes, timestamp: int, head: bytes) -> None:
            state["first"].add(viewer_id)
            if state["recording"]:
                frames.append((timestamp, time.monotonic()))

        return on_frame

    async def offers(ids):
        result = []
        for viewer_id in ids:
            pc = _pc()
            pcs[viewer_id] = pc
            transceiver = pc.addTransceiver("video", direction="recvonly")
            aiortc_compat.ReceiverTap(transceiver.receiver, on_frame=counter(viewer_id))
            await pc.setLocalDescription(await pc.createOffer())
            result.append((viewer_id, pc.localDescription.sdp))
        return result

    async def answers(items):
        for viewer_id, sdp in items:
            await pcs[viewer_id].setRemoteDescription(
                RTCSessionDescription(sdp=sdp, type="answer")
            )

    async def ready(_):
        return len(state["first"])

    async def start(_):
        for frames in received.values():
            frames.clear()
        state["recording"] = True
        meter.start()

    async def stop(_):
        state["recording"] = False
        result = meter.stop()
        result["received"] = {i: list(frames) for i, frames in received.items()}
        return result

    async def close(_):
        for pc in pcs.values():
            await pc.close()

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


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.2)


def run(mode: str, viewers: int, seconds: float, viewer_processes: int) -> dict:
    """One measured run: fresh host, server and viewer processes."""
    context = multiprocessing.get_context("spawn")
    server = _Child(context, _server_process, mode)
    host = _Child(context, _host_process)
    groups = [_Child(context, _viewer_process) for _ in range(viewer_processes)]
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
        time.sleep(seconds)
        server_result = server.call("stop")
        host_result = host.call("stop")
        viewer_results = [group.call("stop") for group in groups]
    finally:
        for child in (*groups, host, server):
            child.quit()
    return _summarise(mode, viewers, server_result, host_result, viewer_results)


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
            for timestamp, at in frames:
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
    _report(results)


if __name__ == "__main__":
    main()
