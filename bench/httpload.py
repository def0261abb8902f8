"""A small keep-alive HTTP/1.1 load generator for loopback benchmarks.

Each of `concurrency` connections sends one request after another for `seconds`;
the result is requests per second and latency percentiles. It runs in its own
process so its CPU is not counted as the server's.
"""

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def p50(self) -> float:
        return (
            statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")
        )

    @property
    def p95(self) -> float:
        return self.percentile(0.95)


async def _read_response(
    reader: asyncio.StreamReader,
) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        body = await reader.read()
    return status, headers, body


async def _worker(host, port, request: bytes, deadline, warmup_end, result: LoadResult):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            started = time.perf_counter()
            if started >= deadline:
                return
            writer.write(request)
            try:
                status, headers, _ = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                result.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            finished = time.perf_counter()
            if started < warmup_end:
                continue
            if status != 200:
                result.errors += 1
            else:
                result.requests += 1
                result.latencies_ms.append((finished - started) * 1000)
            if headers.get("connection", "").lower() == "close":
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def _run(host, port, path, concurrency, seconds, warmup, headers) -> LoadResult:
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()
    now = time.perf_counter()
    warmup_end = now + warmup
    deadline = warmup_end + seconds
    result = LoadResult(requests=0, errors=0, seconds=seconds, latencies_ms=[])
    await asyncio.gather(
        *(
            _worker(host, port, request, deadline, warmup_end, result)
            for _ in range(concurrency)
        )
    )
    return result


def load(
    *,
    host: str,
    port: int,
    path: str,
    concurrency: int,
    seconds: float,
    warmup: float = 1.0,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Hammer one URL; only requests started after the warm-up are counted."""
    return asyncio.run(
        _run(host, port, path, concurrency, seconds, warmup, headers or {})
    )
