"""Uploaded media and recordings, served with byte ranges when `SERVE_MEDIA` is on.

Django's `static.serve` answers every request with the whole file, so a browser
cannot seek in a recording: a jump link to minute 3 restarts the replay at 0 s.
This view answers `Range: bytes=…` with 206 and the requested bytes, and an
unsatisfiable range with 416. In production a web server or the object store in
front of MEDIA_ROOT does the same.
"""

import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.utils._os import safe_join
from django.views.static import serve

CHUNK_SIZE = 64 * 1024
PRIVATE_PREFIXES = ("privacy/",)
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class UnsatisfiableRange(Exception):
    pass


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `bytes=` range, both inclusive; None when the
    header is not one such range (the whole file is sent, as RFC 9110 allows).
    Raises UnsatisfiableRange when no byte of the file is in the range."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise UnsatisfiableRange
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise UnsatisfiableRange
    return start, min(end, size - 1)


def _read(path: Path, start: int, end: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            chunk = handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def media_serve(
    request: HttpRequest, path: str, document_root: str | Path | None = None
) -> HttpResponseBase:
    """`static.serve` (404s, 304s, content types), plus byte ranges. The root is
    MEDIA_ROOT as it is at request time."""
    document_root = document_root or settings.MEDIA_ROOT
    if path.startswith(PRIVATE_PREFIXES):
        # Data-subject exports leave only through their owner's download view.
        raise Http404
    response = serve(request, path, document_root=str(document_root))
    if not isinstance(response, FileResponse) or response.status_code != 200:
        return response
    response["Accept-Ranges"] = "bytes"
    header = request.headers.get("Range")
    if not header or request.method not in ("GET", "HEAD"):
        return response
    if_range = request.headers.get("If-Range")
    if if_range and if_range != response.get("Last-Modified"):
        return response  # the file changed since the client's first part
    file_path = Path(safe_join(document_root, path))
    size = file_path.stat().st_size
    try:
        requested = byte_range(header, size)
    except UnsatisfiableRange:
        response.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        refused["Accept-Ranges"] = "bytes"
        return refused
    if requested is None:
        return response
    response.close()
    start, end = requested
    partial = StreamingHttpResponse(
        _read(file_path, start, end),
        status=206,
        content_type=response["Content-Type"],
    )
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Content-Length"] = str(end - start + 1)
    partial["Accept-Ranges"] = "bytes"
    partial["Last-Modified"] = response["Last-Modified"]
    return partial
