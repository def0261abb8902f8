"""Live chat fan-out: N viewers, a fixed comment rate, batched ticks vs the naive way.

    .venv/bin/python bench/live_chat.py --viewers 200 --seconds 10
    .venv/bin/python bench/live_chat.py --viewers 2000 --seconds 20

Starts daphne (DEBUG off, PostgreSQL, the Redis pub/sub channel layer, as in
production) on free ports against a fresh benchmark database and creates two live
shows that differ only in `chat_delivery`:

* batched: comments are stored, then collected into one tick per show every
  LIVE_TICK_SECONDS (100 ms) and published once per tick;
* direct (naive): every comment is published to the show's group on its own.

For each show in turn it connects N viewer websockets (only 127.0.0.1) from one client
process: a minimal websocket client with callbacks on one asyncio loop (uvloop when
installed) that parses each distinct frame once. The load generator shares the two
cores with the server it measures; autobahn clients in two processes took most of a
core and left the server a fifth of one. Then signed-in poster accounts (autobahn,
their own process) post comments round-robin at a fixed total rate (20/s by default;
60 accounts, so each stays under the 5-per-10-seconds limit). Every comment carries
its send time (time.time() on this machine); each viewer stamps its arrival, so the
latency is poster → server → database → fan-out → viewer. "Lost" counts (comment,
viewer) pairs where the server acknowledged the comment but the viewer never got it.
The server processes' CPU time over the posting window is read from /proc.

Where the time goes: the server runs with LIVE_TIMING_DIR set, so it stamps each
comment (received by the consumer, its queries, the commit, pushed to the show's
buffer), each tick it publishes and each fan-out (live/realtime/timing.py). Each
viewer notes which tick brought which comment. The report splits a delivery into
poster → consumer, thread hop, queries, commit, push, wait for the tick, tick →
fan-out start, and fan-out start → viewer (and how much of it came after the server
had written the tick to every socket: the client's share), and gives the fan-out
time per tick, the server's garbage-collection pauses, the client's loop lag, and
the machine's load average, iowait and steal over the window: a run on a busy
machine says so. *Server CPU µs per frame* is the server's CPU time over the posting
window divided by the frames it wrote to viewers in it: what the code costs, which a
busy machine changes far less than it changes the latency.

`--server uvicorn` runs the same application on uvicorn (websockets) instead of
daphne; `--repeat N` runs everything N times and reports every run; `--nice -10`
runs the server and the clients at a higher scheduling priority than the machine's
other work (PostgreSQL and Redis keep theirs).
"""

import argparse
import asyncio
import base64
import functools
import hashlib
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_LIVE_DB", "tradewind_bench_live")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
POSTERS = 60
CONNECT_BATCH = 50
# A busy machine can take long to accept a batch: wait rather than give up.
CONNECT_WAIT_SECONDS = 120.0
GRACE_SECONDS = 3.0
DRAIN_SECONDS = 10.0
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- server ----------------------------------------------------------------------


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        # Production refuses console email; the benchmarks send none that matter.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"{PG}/{DB_NAME}",
        DB_CONN_MAX_AGE="600",
        REDIS_URL=REDIS,
        LOG_LEVEL="WARNING",
        # This measures comment delivery: the studio's suggested answers (an
        # embedding per comment, off the delivery path) are off unless asked for.
        LIVE_COMMENT_SUGGESTER=os.environ.get("BENCH_LIVE_COMMENT_SUGGESTER", ""),
    )
    return env


def prepare_database(env: dict[str, str]) -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(["psql", PG + "/postgres", "-q", "-c", sql], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(kind: str, port: int) -> list[str]:
    if kind == "uvicorn":
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            "--lifespan",
            "off",
            "--ws",
            "websockets",
            "config.asgi:application",
        ]
    profile = os.environ.get("BENCH_PROFILE")  # a file for cProfile's figures
    return [
        sys.executable,
        *(("-m", "cProfile", "-o", profile) if profile else ()),
        "-m",
        "daphne",
        "--access-log",
        os.devnull,
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "config.asgi:application",
    ]


def start_server(env: dict[str, str], port: int, kind: str) -> subprocess.Popen:
    process = subprocess.Popen(server_command(kind, port), cwd=ROOT, env=env)
    for _ in range(150):
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{kind} did not start")


def machine_times() -> list[int]:
    """The machine's CPU jiffies: user nice system idle iowait irq softirq steal."""
    return [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]


def machine_share(before: list[int], after: list[int]) -> dict[str, float]:
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent) or 1
    return {
        "busy": 1 - (spent[3] + spent[4]) / total,
        "iowait": spent[4] / total,
        "steal": spent[7] / total,
    }


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def create_shows(env: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """Two live shows (batched, direct) and the posters' session cookies."""
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DATABASE_URL",
                "REDIS_URL",
                "SECRET_KEY",
                "DEBUG",
                "EMAIL_BACKEND",
            )
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from live.models import ChatDelivery, Show
    from live.services.shows import show_start
    from shop.models import User

    host = User.objects.create_user(email="host@bench.invalid", is_host=True)
    shows = {}
    for delivery in (ChatDelivery.BATCHED, ChatDelivery.DIRECT):
        show = Show.objects.create(
            title=f"Benchmark ({delivery})",
            host=host,
            language="en",
            scheduled_start=timezone.now() + timedelta(minutes=1),
            chat_delivery=delivery,
        )
        show_start(show=show, host=host)
        shows[str(delivery)] = show.pk
    cookies = []
    for n in range(POSTERS):
        user = User.objects.create_user(email=f"poster{n}@bench.invalid")
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return shows, cookies


# --- clients (separate processes) -------------------------------------------------


def _client_loop(conn: Connection, handlers: dict) -> None:
    """Run a client process's event loop; answer each (command, argument)."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        while True:
            # Read in a thread: a loop watching the pipe would make it non-blocking.
            command, argument = await loop.run_in_executor(None, conn.recv)
            if command == "exit":
                conn.send(None)
                break
            conn.send(await handlers[command](argument))

    try:
        import uvloop  # the load generator's loop: the cheaper, the less it skews
    except ImportError:
        pass
    else:
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.run(main())


def _factory(url: str, origin: str, protocol, state, cookie: str = ""):
    from autobahn.asyncio.websocket import WebSocketClientFactory

    headers = {"Cookie": f"sessionid={cookie}"} if cookie else None
    factory = WebSocketClientFactory(url, origin=origin, headers=headers)
    factory.protocol = protocol
    factory.state = state  # type: ignore[attr-defined]  # read by the protocol
    factory.setProtocolOptions(
        utf8validateIncoming=False,
        openHandshakeTimeout=60,
        closeHandshakeTimeout=2,
        perMessageCompressionAccept=lambda _: None,
    )
    return factory


class RawViewer(asyncio.Protocol):
    """One viewer socket: a minimal RFC 6455 client, callbacks only, no awaits.

    The load generator shares the two cores with the server it measures, so it must
    cost little per frame: every viewer of a show receives the same tick frame, so
    its payload is parsed once (cached by its bytes) and each socket only notes what
    it got and when. Server frames are unmasked; the client's own (pong, close) are
    masked as the protocol requires.
    """

    def __init__(self, state, request: bytes, accept: bytes) -> None:
        self.state = state
        self.request = request
        self.accept = accept
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.open = False
        self.fragments: list[bytes] = []
        self.seen: set[int] = set()

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buffer = self.buffer
        buffer += data
        if not self.open:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end]).lower()
            del buffer[: end + 4]
            if not head.startswith(b"http/1.1 101") or self.accept not in head:
                self.state.refused += 1
                assert self.transport is not None
                self.transport.close()
                return
            self.open = True
        while len(buffer) >= 2:
            first, length = buffer[0], buffer[1] & 0x7F
            start = 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, start = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, start = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < start + length:
                return
            payload = bytes(buffer[start : start + length])
            del buffer[: start + length]
            opcode = first & 0x0F
            if opcode in (0, 1, 2):
                self.fragments.append(payload)
                if first & 0x80:
                    message = b"".join(self.fragments)
                    self.fragments = []
                    self.on_message(message, now)
            elif opcode == 9:
                self.send_control(0xA, payload)
            elif opcode == 8:
                assert self.transport is not None
                self.transport.close()
                return

    def on_message(self, payload: bytes, now: float) -> None:
        state = self.state
        parsed = state.parsed.get(payload)
        if parsed is None:
            if len(state.parsed) > 4096:
                state.parsed.clear()
            parsed = state.parsed[payload] = _tick_parse(payload)
        kind, seq, comments = parsed
        if kind == "tick":
            seen = self.seen
            for bench_seq, comment_id, sent in comments:
                if bench_seq not in seen:
                    seen.add(bench_seq)
                    state.latencies.append((now - sent) * 1000)
                    state.deliveries.extend((comment_id, seq, now))
        elif kind == "sync":
            state.synced += 1

    def send_control(self, opcode: int, payload: bytes = b"") -> None:
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        assert self.transport is not None
        self.transport.write(
            bytes((0x80 | opcode, 0x80 | len(payload))) + mask + masked
        )

    def connection_lost(self, exc) -> None:  # type: ignore[override]
        self.state.closed += 1


def _tick_parse(payload: bytes) -> tuple[str, int, list[tuple[int, int, float]]]:
    """A frame's type, tick number and the benchmark comments it carries."""
    frame = json.loads(payload)
    comments = []
    if frame.get("type") == "tick":
        for comment in frame["comments"]:
            parts = comment["text"].split()
            if len(parts) == 3 and parts[0] == "bench":
                comments.append((int(parts[1]), comment["id"], float(parts[2])))
    return frame.get("type", ""), frame.get("seq") or -1, comments


def _handshake(url: str, origin: str) -> tuple[bytes, bytes]:
    """The opening request for a websocket URL and the accept value it must get."""
    rest = url.split("://", 1)[1]
    host, _, path = rest.partition("/")
    key = base64.b64encode(os.urandom(16))
    accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest()).lower()
    request = (
        f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key.decode()}\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    ).encode()
    return request, accept


def viewer_process(conn: Connection) -> None:
    class State:
        synced = 0
        closed = 0
        refused = 0
        parsed: dict[bytes, tuple] = {}
        latencies = array("d")
        # Per delivery: the comment's id, the tick's seq, the arrival (unix time).
        deliveries = array("d")
        loop_lag = array("d")
        lag_task: asyncio.Task[None] | None = None
        viewers: list[RawViewer] = []

    state = State()

    async def sample_loop_lag() -> None:
        """How late this client's event loop wakes up: its own share of the latency."""
        while True:
            due = time.monotonic() + 0.01
            await asyncio.sleep(0.01)
            state.loop_lag.append((time.monotonic() - due) * 1000)

    async def connect(argument) -> dict:
        urls, origin, count = argument
        loop = asyncio.get_running_loop()
        for start in range(0, count, CONNECT_BATCH):
            batch = range(start, min(start + CONNECT_BATCH, count))
            opened = await asyncio.gather(
                *(
                    loop.create_connection(
                        functools.partial(
                            RawViewer,
                            state,
                            *_handshake(urls[i % len(urls)][0], origin),
                        ),
                        "127.0.0.1",
                        urls[i % len(urls)][1],
                    )
                    for i in batch
                )
            )
            state.viewers.extend(protocol for _transport, protocol in opened)
            deadline = time.monotonic() + CONNECT_WAIT_SECONDS
            while state.synced < batch.stop:
                if time.monotonic() > deadline or state.refused:
                    raise RuntimeError(
                        f"only {state.synced} of {batch.stop} sockets synced "
                        f"({state.refused} refused, {state.closed} closed)"
                    )
                await asyncio.sleep(0.02)
        state.lag_task = asyncio.ensure_future(sample_loop_lag())
        return {"synced": state.synced}

    async def results(acked: list[int]) -> dict:
        # Frames still in flight (or unread by a busy client) may arrive late: wait
        # for them a while; whatever has not come by then counts as lost.
        expected = set(acked)
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline and any(
            len(viewer.seen) < len(expected) for viewer in state.viewers
        ):
            await asyncio.sleep(0.05)
        assert state.lag_task is not None  # started once the viewers are connected
        state.lag_task.cancel()
        lost = [len(expected - viewer.seen) for viewer in state.viewers]
        missing = sorted(expected - state.viewers[0].seen) if state.viewers else []
        return {
            "loop_lag": state.loop_lag.tobytes(),
            "missing_sample": missing[:20],
            "latencies": state.latencies.tobytes(),
            "deliveries": state.deliveries.tobytes(),
            "lost": sum(lost),
            "viewers_missing_some": sum(1 for n in lost if n),
            "closed": state.closed,
        }

    async def close(_) -> None:
        for viewer in state.viewers:
            if viewer.transport is not None and not viewer.transport.is_closing():
                viewer.send_control(0x8, (1000).to_bytes(2, "big"))
        await asyncio.sleep(0.5)

    _client_loop(conn, {"connect": connect, "results": results, "close": close})


def poster_process(conn: Connection) -> None:
    from autobahn.asyncio.websocket import WebSocketClientProtocol

    class State:
        synced = 0
        posters: list = []
        acked: list[int] = []
        sent_at: dict[int, float] = {}  # comment id -> when its frame was sent
        sent_by_seq: dict[int, float] = {}
        rejected: dict[str, int] = {}

    state = State()

    class Poster(WebSocketClientProtocol):
        def onOpen(self) -> None:
            self.pending: list[int] = []
            state.posters.append(self)

        def onMessage(self, payload: bytes, is_binary: bool) -> None:
            frame = json.loads(payload)
            kind = frame.get("type")
            if kind == "ack":
                seq = self.pending.pop(0)
                state.acked.append(seq)
                state.sent_at[frame["id"]] = state.sent_by_seq[seq]
            elif kind == "error":
                self.pending.pop(0)
                code = frame.get("code", "?")
                state.rejected[code] = state.rejected.get(code, 0) + 1
            elif kind == "sync":
                state.synced += 1

    async def connect(argument) -> dict:
        url, port, origin, cookies = argument
        loop = asyncio.get_running_loop()
        for cookie in cookies:
            factory = _factory(url, origin, Poster, state, cookie)
            await loop.create_connection(factory, "127.0.0.1", port)
        deadline = time.monotonic() + 30
        while state.synced < len(cookies) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return {"synced": state.synced}

    async def post(argument) -> dict:
        rate, seconds = argument
        total = int(rate * seconds)
        start = time.monotonic()
        late = []
        for seq in range(total):
            due = start + seq / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            late.append(time.monotonic() - due)
            poster = state.posters[seq % len(state.posters)]
            poster.pending.append(seq)
            sent = time.time()
            state.sent_by_seq[seq] = sent
            text = f"bench {seq} {sent:.6f}"
            poster.sendMessage(json.dumps({"type": "comment", "text": text}).encode())
        await asyncio.sleep(GRACE_SECONDS)
        return {
            "sent": total,
            "acked": list(state.acked),
            "sent_at": dict(state.sent_at),
            "rejected": dict(state.rejected),
            "send_late_ms_max": max(late) * 1000 if late else 0.0,
        }

    async def close(_) -> None:
        for poster in state.posters:
            poster.sendClose()
        await asyncio.sleep(0.5)

    _client_loop(conn, {"connect": connect, "post": post, "close": close})


class Child:
    def __init__(self, target) -> None:
        # Spawned, not forked: this process has imported Django, Twisted and txaio.
        context = multiprocessing.get_context("spawn")
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=target, args=(child_conn,))
        self.process.start()

    def ask(self, command: str, argument=None, timeout: float = 300):
        self.conn.send((command, argument))
        if not self.conn.poll(timeout):
            raise TimeoutError(command)
        return self.conn.recv()

    def exit(self) -> None:
        try:
            self.ask("exit", timeout=10)
        except (TimeoutError, OSError, EOFError):
            pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()


# --- one measured run -------------------------------------------------------------


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


SEGMENTS = (
    ("to_server", "poster → consumer"),
    ("thread_hop", "thread hop"),
    ("queries", "queries"),
    ("commit", "commit"),
    ("push", "push to buffer"),
    ("tick_wait", "wait for tick"),
    ("to_fanout", "tick → fan-out start"),
    ("to_viewer", "fan-out start → viewer"),
)


def read_stamps(directory: Path) -> dict:
    """The servers' timing stamps (live/realtime/timing.py), by kind."""
    stamps: dict = {
        "received": {},
        "queries": {},
        "committed": {},
        "pushed": {},
        "tick": {},
        "tick_of": {},
        "tick_start": {},
        "fanout": {},
        "fanout_ms": [],
        "frames": [],  # per fan-out: its start and the sockets it wrote to
        "gc": [],  # per collection of 1 ms or more: its start and its ms
        "gc_full": [],  # per full collection: its start, ms and tracked objects
    }
    for path in directory.glob("server-*.log"):
        for line in path.read_text().splitlines():
            kind, key, at, *extra = line.split()
            if kind in ("received", "committed", "pushed"):
                stamps[kind][int(key)] = float(at)
            elif kind == "queries":
                stamps["queries"][int(key)] = (float(at), float(extra[0]) / 1000)
            elif kind == "tick":
                stamps["tick"][int(key)] = float(at)
                if len(extra) > 1:
                    stamps["tick_start"][int(key)] = float(extra[1])
                for comment_id in extra[0].split(","):
                    if comment_id != "-":
                        # The first tick that carried it (a late acknowledge
                        # can let a later tick carry it again).
                        stamps["tick_of"].setdefault(int(comment_id), int(key))
            elif kind == "gc":
                stamps["gc"].append((float(at), float(extra[0])))
                if len(extra) > 1:
                    full = (float(at), float(extra[0]), int(extra[1]))
                    stamps["gc_full"].append(full)
            elif kind == "fanout" and key != "None":
                seq, start = int(key), float(at)
                stamps["fanout"].setdefault(seq, []).append((start, float(extra[0])))
                stamps["fanout_ms"].append((float(extra[0]) - start) * 1000)
                stamps["frames"].append((start, int(extra[1])))
    return stamps


def breakdown(stamps: dict, sent_at: dict[int, float], deliveries) -> dict:
    """Per delivery, the ms spent in each segment; p50 of each, and their mean over
    the slowest 1 % of deliveries (what the tail is made of)."""
    per_comment: dict[int, tuple[float, ...]] = {}
    tick_work: dict[int, float] = {}  # of the wait for the tick: the tick's own work
    for comment_id, sent in sent_at.items():
        try:
            received = stamps["received"][comment_id]
            started, queries = stamps["queries"][comment_id]
            committed = stamps["committed"][comment_id]
            pushed = stamps["pushed"][comment_id]
        except KeyError:
            continue
        seq = stamps["tick_of"].get(comment_id, -1)
        tick = stamps["tick"].get(seq)
        tick_start = stamps["tick_start"].get(seq)
        if tick is not None and tick_start is not None:
            tick_work[comment_id] = tick - max(tick_start, pushed)
        per_comment[comment_id] = (
            received - sent,
            started - received,
            queries,
            committed - started - queries,
            pushed - committed,
            (tick - pushed) if tick is not None else 0.0,
        )
    rows = []
    for n in range(0, len(deliveries), 3):
        comment_id, seq = int(deliveries[n]), int(deliveries[n + 1])
        arrival = deliveries[n + 2]
        segments = per_comment.get(comment_id)
        if segments is None:
            continue
        tick = stamps["tick"].get(seq)
        # The first fan-out of this tick in any process (its stamp is written once
        # the publish returns, so a fan-out may start a little before it).
        fanout = (
            min(
                (f for f in stamps["fanout"].get(seq, ()) if f[0] > tick - 1),
                default=None,
            )
            if tick is not None
            else None
        )
        if tick is None or fanout is None:
            # No tick (direct delivery): everything after the push is one segment.
            rest = (0.0, arrival - stamps["pushed"][comment_id])
            after_end = 0.0
        else:
            rest = (fanout[0] - tick, arrival - fanout[0])
            # Arrived after the server had written the tick to every socket: the
            # client (or the kernel between them) was late, not the server.
            after_end = max(0.0, arrival - fanout[1])
        total = arrival - sent_at[comment_id]
        work = tick_work.get(comment_id, 0.0)
        rows.append((total, *segments, *rest, work, after_end))
    if not rows:
        return {}
    rows.sort()
    tail = rows[int(0.99 * len(rows)) :]
    names = [name for name, _label in SEGMENTS]
    fanout_ms = sorted(stamps["fanout_ms"])
    return {
        "explained": len(rows),
        "p50_ms": {
            name: statistics.median(row[i + 1] for row in rows) * 1000
            for i, name in enumerate(names)
        },
        "tail_mean_ms": {
            name: statistics.fmean(row[i + 1] for row in tail) * 1000
            for i, name in enumerate(names)
        },
        "tail_total_ms": statistics.fmean(row[0] for row in tail) * 1000,
        "tick_work_p50_ms": statistics.median(row[-2] for row in rows) * 1000,
        "tick_work_tail_ms": statistics.fmean(row[-2] for row in tail) * 1000,
        "after_end_p50_ms": statistics.median(row[-1] for row in rows) * 1000,
        "after_end_tail_ms": statistics.fmean(row[-1] for row in tail) * 1000,
        "fanout_p50_ms": percentile(fanout_ms, 0.5),
        "fanout_p99_ms": percentile(fanout_ms, 0.99),
    }


def run_variant(
    *,
    variant: str,
    show_id: int,
    ports: list[int],
    servers: list[subprocess.Popen],
    cookies: list[str],
    viewers: int,
    clients: int,
    rate: float,
    seconds: float,
    timing_dir: Path,
) -> dict:
    for path in timing_dir.glob("server-*.log"):
        path.write_bytes(b"")  # the servers append: this variant's stamps only
    origin = f"http://127.0.0.1:{ports[0]}"
    urls = [(f"ws://127.0.0.1:{port}/ws/live/{show_id}/", port) for port in ports]
    children = [Child(viewer_process) for _ in range(clients)]
    poster = Child(poster_process)
    try:
        shares = [viewers // clients + (i < viewers % clients) for i in range(clients)]
        connect_start = time.monotonic()
        synced = 0
        for child, share in zip(children, shares, strict=True):
            synced += child.ask("connect", (urls, origin, share))["synced"]
            log(f"{variant}: {synced} viewers connected")
        connect_seconds = time.monotonic() - connect_start
        poster.ask("connect", (urls[0][0], ports[0], origin, cookies))
        log(f"{variant}: posters connected; posting {rate:g}/s for {seconds:g} s")
        time.sleep(1.0)  # let presence settle
        cpu_before = [cpu_seconds(server.pid) for server in servers]
        window_start = time.time()
        machine_before, load_before = machine_times(), load_average()
        posted = poster.ask("post", (rate, seconds), timeout=seconds + 120)
        cpu_after = [cpu_seconds(server.pid) for server in servers]
        window_end = time.time()
        machine = machine_share(machine_before, machine_times())
        load_after = load_average()
        log(f"{variant}: posted; collecting results")
        latencies: list[float] = []
        deliveries = array("d")
        loop_lag: list[float] = []
        lost = missing = closed = 0
        for child in children:
            result = child.ask("results", posted["acked"])
            chunk = array("d")
            chunk.frombytes(result["latencies"])
            latencies.extend(chunk)
            deliveries.frombytes(result["deliveries"])
            lags = array("d")
            lags.frombytes(result["loop_lag"])
            loop_lag.extend(lags)
            lost += result["lost"]
            missing += result["viewers_missing_some"]
            closed += result["closed"]
            if result["missing_sample"]:
                log(f"{variant}: a viewer missed comments {result['missing_sample']}")
        for child in children:
            child.ask("close")
        poster.ask("close")
    finally:
        for child in (*children, poster):
            child.exit()
    latencies.sort()
    loop_lag.sort()
    window = seconds + GRACE_SECONDS
    stamps = read_stamps(timing_dir)
    where = breakdown(stamps, posted["sent_at"], deliveries)
    # What the server's code costs, whatever share of the cores it got: its CPU
    # time over the window per frame it wrote to a viewer in that window.
    frames = sum(n for at, n in stamps["frames"] if window_start <= at <= window_end)
    cpu_spent = sum(cpu_after) - sum(cpu_before)
    pauses = [ms for at, ms in stamps["gc"] if window_start <= at <= window_end]
    return {
        "variant": variant,
        "viewers": viewers,
        "synced": synced,
        "connect_s": connect_seconds,
        "sent": posted["sent"],
        "acked": len(posted["acked"]),
        "rejected": posted["rejected"],
        "expected": len(posted["acked"]) * synced,
        "delivered": len(latencies),
        "lost": lost,
        "viewers_missing_some": missing,
        "closed_early": closed,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": latencies[-1] if latencies else float("nan"),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
        "server_cpu": [
            (after - before) / window
            for before, after in zip(cpu_before, cpu_after, strict=True)
        ],
        "frames": frames,
        "cpu_us_per_frame": cpu_spent / frames * 1e6 if frames else float("nan"),
        "gc_pauses": len(pauses),
        "gc_ms_total": sum(pauses),
        "gc_ms_max": max(pauses, default=0.0),
        # Full collections over the whole variant (connecting included).
        "gc_full": [(round(ms), objects) for _at, ms, objects in stamps["gc_full"]],
        "send_late_ms_max": posted["send_late_ms_max"],
        "client_lag_p99": percentile(loop_lag, 0.99),
        "load": f"{load_before} → {load_after}",
        "machine": machine,
        "where": where,
    }


def print_report(args, clients: int, rows: list[dict]) -> None:
    print(
        f"\n{args.viewers} viewers (+{POSTERS} poster sockets), "
        f"{args.rate:g} comments/s for {args.seconds:g} s, "
        f"{args.servers} {args.server} process(es), "
        f"{clients} viewer process(es), PostgreSQL + Redis pub/sub layer, "
        f"nice {args.nice}\n"
    )
    print(
        "| run | delivery | comments acked | deliveries | lost | p50 ms | p95 ms | "
        "p99 ms | max ms | server CPU | server CPU µs per frame | "
        "server GC pauses ≥ 1 ms: n / total / max ms | "
        "client loop lag p99 ms | load average | "
        "busy / iowait / steal |"
    )
    print("| ---: | --- |" + " ---: |" * 11 + " --- | --- |")
    for row in rows:
        cpu = " + ".join(f"{c * 100:.0f} %" for c in row["server_cpu"])
        machine = row["machine"]
        print(
            f"| {row['run']} | {row['variant']} | {row['acked']}/{row['sent']} | "
            f"{row['delivered']}/{row['expected']} | {row['lost']} | "
            f"{row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} | "
            f"{row['max']:.0f} | {cpu} | {row['cpu_us_per_frame']:.0f} | "
            f"{row['gc_pauses']} / {row['gc_ms_total']:.0f} / {row['gc_ms_max']:.0f} | "
            f"{row['client_lag_p99']:.0f} | "
            f"{row['load']} | {machine['busy'] * 100:.0f} / "
            f"{machine['iowait'] * 100:.0f} / {machine['steal'] * 100:.0f} % |"
        )
    print(
        "\nWhere the time goes (ms): median of each segment over all deliveries, "
        "and its mean over the slowest 1 %.\n"
    )
    print(
        "| run | delivery | "
        + " | ".join(label for _n, label in SEGMENTS)
        + " | of the wait: the tick's own work | of the last: after the fan-out ended"
        + " | fan-out per tick p50 / p99 |"
    )
    print("| ---: | --- |" + " ---: |" * (len(SEGMENTS) + 3))
    for row in rows:
        where = row["where"]
        if not where:
            continue
        for part, name in (("p50_ms", "p50"), ("tail_mean_ms", "slowest 1 %")):
            cells = " | ".join(f"{where[part][n]:.0f}" for n, _label in SEGMENTS)
            fanout = (
                f"{where['fanout_p50_ms']:.0f} / {where['fanout_p99_ms']:.0f}"
                if part == "p50_ms"
                else ""
            )
            median = part == "p50_ms"
            work = where["tick_work_p50_ms" if median else "tick_work_tail_ms"]
            late = where["after_end_p50_ms" if median else "after_end_tail_ms"]
            print(
                f"| {row['run']} | {row['variant']} {name} | {cells} | {work:.0f} "
                f"| {late:.0f} | {fanout} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=20.0, help="comments per second")
    parser.add_argument("--servers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--server", choices=("daphne", "uvicorn"), default="daphne", help="ASGI server"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs, all reported")
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="scheduling priority of the server and clients (negative needs root)",
    )
    parser.add_argument("--clients", type=int, default=0, help="viewer processes")
    parser.add_argument(
        "--variants", default="batched,direct", help="comma-separated: batched,direct"
    )
    args = parser.parse_args()
    clients = args.clients or 1
    # A timeout's SIGTERM must still stop the servers (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.nice:
        # Set before anything starts: the server, its threads and the clients
        # inherit it. PostgreSQL and Redis keep theirs.
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)

    import redis

    redis.Redis.from_url(REDIS).flushdb()
    env = server_env()
    timing_dir = Path(tempfile.mkdtemp(prefix="live-chat-timing-"))
    env["LIVE_TIMING_DIR"] = str(timing_dir)
    log("preparing the benchmark database")
    prepare_database(env)
    shows, cookies = create_shows(env)
    ports = [free_port() for _ in range(args.servers)]
    servers = [start_server(env, port, args.server) for port in ports]
    rows = []
    try:
        for run in range(1, args.repeat + 1):
            for variant in args.variants.split(","):
                row = run_variant(
                    variant=variant,
                    show_id=shows[variant],
                    ports=ports,
                    servers=servers,
                    cookies=cookies,
                    viewers=args.viewers,
                    clients=clients,
                    rate=args.rate,
                    seconds=args.seconds,
                    timing_dir=timing_dir,
                )
                rows.append({"run": run, **row})
                print(json.dumps(rows[-1]), flush=True)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(timing_dir, ignore_errors=True)
    print_report(args, clients, rows)


if __name__ == "__main__":
    main()
