"""Where a comment's time goes on the server: stamps for the live chat benchmark.

Off unless the environment names a directory in ``LIVE_TIMING_DIR``
(`bench/live_chat.py` sets it for the server it starts). Then every process appends
lines ``<kind> <key> <unix time> [<extra>]`` to its own file there, one unbuffered
write each (a few hundred a second at the benchmark's rate, never one per socket):

* ``received <comment id> <t>``: the comment frame reached the consumer;
* ``queries <comment id> <t> <ms>``: the service's queries began (the thread hop is
  over) and how long the queries took until the last one returned;
* ``committed <comment id> <t>``: the transaction committed (its on-commit hook ran);
* ``pushed <comment id> <t>``: the comment is in the show's buffer (or published);
* ``tick <seq> <t> <comment ids> <start t>``: the leading pump published a tick with
  these comments; its work (presence, lease, reading the batch, publishing) began at
  the start time;
* ``fanout <seq> <t> <end t> <sockets>``: this process wrote that tick to its sockets;
* ``gc <generation> <t> <ms> [<objects>]``: a garbage collection of at least
  ``GC_STAMP_MS`` held the process (every socket and the tick loop wait for it); a
  full one also gives the number of objects the collector tracks.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection

_DIRECTORY = os.environ.get("LIVE_TIMING_DIR", "")
_file: int | None = None
_queries = threading.local()
GC_STAMP_MS = 1.0
_gc_started = (0.0, 0.0)


def enabled() -> bool:
    return bool(_DIRECTORY)


def stamp(kind: str, key: object, at: float | None = None, *extra: object) -> None:
    """Record one stamp (nothing when timing is off)."""
    global _file
    if not _DIRECTORY:
        return
    if _file is None:
        path = os.path.join(_DIRECTORY, f"server-{os.getpid()}.log")
        _file = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    fields = [kind, str(key), f"{time.time() if at is None else at:.6f}"]
    fields += [str(value) for value in extra]
    os.write(_file, (" ".join(fields) + "\n").encode())


def _gc_timed(phase: str, info: dict[str, Any]) -> None:
    global _gc_started
    if phase == "start":
        _gc_started = (time.time(), time.perf_counter())
        return
    at, started = _gc_started
    ms = (time.perf_counter() - started) * 1000
    if ms >= GC_STAMP_MS:
        # A full collection walks every tracked object: how many there were says
        # what the pause is made of (counted after it, so it is not in the ms).
        tracked = len(gc.get_objects()) if info["generation"] == 2 else ""
        stamp("gc", info["generation"], at, f"{ms:.3f}", tracked)


if _DIRECTORY:
    gc.callbacks.append(_gc_timed)


def _timed_query(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    if _queries.first is None:
        _queries.first = time.time()
    try:
        return execute(sql, params, many, context)
    finally:
        _queries.last = time.time()


@contextlib.contextmanager
def queries_timed() -> Iterator[None]:
    """Note when this thread's queries begin and end (nothing when timing is off)."""
    if not _DIRECTORY:
        yield
        return
    _queries.first = _queries.last = None
    with connection.execute_wrapper(_timed_query):
        yield


def committed(key: object) -> None:
    """Stamp a commit of this thread and the queries before it."""
    if not _DIRECTORY:
        return
    now = time.time()
    first = getattr(_queries, "first", None)
    last = getattr(_queries, "last", None)
    if first is not None and last is not None:
        stamp("queries", key, first, f"{(last - first) * 1000:.3f}")
    stamp("committed", key, now)
