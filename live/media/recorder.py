"""Recording a show: the relay's encoded frames muxed into a file, never re-encoded.

aiortc's MediaRecorder decodes and encodes again. ``ShowRecorder`` instead takes the
same encoded frames the relay forwards to viewers (it subscribes like a viewer) and
muxes them with PyAV as they are: VP8 and Opus into WebM, which browsers play, and
H264 into Matroska. Muxing happens in a thread of its own, so the event loop never
waits for the disk.

The output streams are created from templates (a one-frame IVF or Annex B stream, an
Ogg Opus header, all built in memory), because a stream made with ``add_stream``
opens an encoder when the header is written; a stream made from a template does not.

The recording starts at the first video keyframe. Each kind's timestamps (the relay's
continuous timeline, in the codec's clock) are placed on the recording's timeline by
the moment its first frame arrived, so audio and video stay together.
"""

from __future__ import annotations

import asyncio
import io
import logging
import queue
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import av
from aiortc.mediastreams import MediaStreamError

from live.media.relay import CLOCK_RATES, ShowRelay
from live.media.tracks import EncodedFrame, RelayTrack

__all__ = ["Recording", "ShowRecorder", "recording_extension", "vp8_dimensions"]

logger = logging.getLogger(__name__)

# Frames waiting for the writer thread; beyond this the disk is not keeping up, and
# video resumes at the next keyframe rather than growing memory.
MAX_PENDING_FRAMES = 3000
OPUS_PRE_SKIP = 312
OPUS_CHANNELS = 2

EXTENSIONS = {"video/vp8": "webm", "video/h264": "mkv"}
FORMATS = {"webm": "webm", "mkv": "matroska"}


def recording_extension(video_mime_type: str) -> str:
    """The file extension a show with this video codec is recorded to."""
    try:
        return EXTENSIONS[video_mime_type.lower()]
    except KeyError:
        raise ValueError(f"Cannot record {video_mime_type}") from None


def vp8_dimensions(keyframe: bytes) -> tuple[int, int]:
    """Width and height from a VP8 keyframe's header (RFC 6386 9.1)."""
    width, height = struct.unpack_from("<HH", keyframe, 6)
    return width & 0x3FFF, height & 0x3FFF


def _ivf_template(keyframe: bytes) -> bytes:
    width, height = vp8_dimensions(keyframe)
    header = struct.pack(
        "<4sHH4sHHIIII", b"DKIF", 0, 32, b"VP80", width, height, 90000, 1, 1, 0
    )
    return header + struct.pack("<IQ", len(keyframe), 0) + keyframe


def _ogg_crc_table() -> list[int]:
    table = []
    for index in range(256):
        value = index << 24
        for _ in range(8):
            value = (value << 1) ^ 0x04C11DB7 if value & 0x80000000 else value << 1
        table.append(value & 0xFFFFFFFF)
    return table


_OGG_CRC = _ogg_crc_table()


OGG_BOS, OGG_EOS = 0x02, 0x04
# One 20 ms Opus frame of silence (RFC 6716, CELT-only, zero energy).
OPUS_SILENCE = b"\xf8\xff\xfe"


def _ogg_page(payload: bytes, *, sequence: int, granule: int, flags: int) -> bytes:
    segments = [255] * (len(payload) // 255) + [len(payload) % 255]
    header = struct.pack(
        "<4sBBqIIIB", b"OggS", 0, flags, granule, 1, sequence, 0, len(segments)
    )
    page = bytearray(header + bytes(segments) + payload)
    crc = 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC[((crc >> 24) & 0xFF) ^ byte]
    struct.pack_into("<I", page, 22, crc)
    return bytes(page)


def _ogg_opus_template() -> bytes:
    # RFC 7845: the identification header, the comment header, then one packet
    # (FFmpeg's Ogg reader wants audio before it reports the stream).
    head = b"OpusHead" + struct.pack(
        "<BBHIhB", 1, OPUS_CHANNELS, OPUS_PRE_SKIP, 48000, 0, 0
    )
    vendor = b"tradewind"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    return b"".join(
        (
            _ogg_page(head, sequence=0, granule=0, flags=OGG_BOS),
            _ogg_page(tags, sequence=1, granule=0, flags=0),
            _ogg_page(
                OPUS_SILENCE,
                sequence=2,
                granule=OPUS_PRE_SKIP + 960,
                flags=OGG_EOS,
            ),
        )
    )


def _template(
    kind: str, mime_type: str, keyframe: bytes
) -> av.container.InputContainer:
    if kind == "audio":
        return av.open(io.BytesIO(_ogg_opus_template()), "r", format="ogg")
    if mime_type == "video/vp8":
        return av.open(io.BytesIO(_ivf_template(keyframe)), "r", format="ivf")
    return av.open(io.BytesIO(keyframe), "r", format="h264")


@dataclass(frozen=True, slots=True)
class Recording:
    """A finished recording: where it is, when its first frame was, what it holds."""

    path: Path
    started_at: datetime
    frames: dict[str, int]


class _Placement:
    """Puts one kind's frames on the recording's timeline (in the kind's clock)."""

    def __init__(self, *, clock_rate: int, origin: float) -> None:
        self.clock_rate = clock_rate
        self.origin = origin
        self.anchor: tuple[int, float] | None = None
        self.last = -1

    def pts(self, frame: EncodedFrame) -> int | None:
        if self.anchor is None:
            if frame.received_at < self.origin:
                return None  # before the first video keyframe: not recorded
            self.anchor = (frame.timestamp, frame.received_at)
        timestamp, received_at = self.anchor
        pts = frame.timestamp - timestamp
        pts += round((received_at - self.origin) * self.clock_rate)
        if pts <= self.last:
            pts = self.last + 1
        self.last = pts
        return pts


class _Writer(threading.Thread):
    """Owns the output container; every PyAV call happens in this thread."""

    def __init__(self, *, path: Path, kinds: tuple[str, ...], video_mime: str) -> None:
        super().__init__(name=f"recorder:{path.name}", daemon=True)
        self.path = path
        self.kinds = kinds
        self.video_mime = video_mime
        self.frames: dict[str, int] = dict.fromkeys(kinds, 0)
        self.started_at: datetime | None = None
        self.failed = False
        self.inbox: queue.Queue[tuple[str, EncodedFrame] | None] = queue.Queue()
        self._container: av.container.OutputContainer | None = None
        self._streams: dict[str, av.stream.Stream] = {}
        self._placements: dict[str, _Placement] = {}

    def run(self) -> None:
        try:
            while (item := self.inbox.get()) is not None:
                if not self.failed:
                    self._write(*item)
        finally:
            self._finish()

    def _write(self, kind: str, frame: EncodedFrame) -> None:
        try:
            if self._container is None:
                if kind != self._first_kind() or not frame.keyframe:
                    return
                self._open(frame)
            placement = self._placements[kind]
            pts = placement.pts(frame)
            if pts is None:
                return
            packet = av.Packet(frame.data)
            packet.pts = packet.dts = pts
            packet.time_base = Fraction(1, placement.clock_rate)
            packet.stream = self._streams[kind]
            packet.is_keyframe = frame.keyframe
            assert self._container is not None  # opened above
            self._container.mux(packet)
            self.frames[kind] += 1
        except (av.FFmpegError, ValueError, OSError):
            logger.exception("recording %s failed; the show goes on unrecorded", self)
            self.failed = True

    def _first_kind(self) -> str:
        return "video" if "video" in self.kinds else self.kinds[0]

    def _open(self, keyframe: EncodedFrame) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        extension = self.path.suffix.lstrip(".")
        container = av.open(str(self.path), "w", format=FORMATS[extension])
        self._container = container
        for kind in self.kinds:
            with _template(kind, self.video_mime, keyframe.data) as template:
                self._streams[kind] = container.add_stream_from_template(
                    template.streams[0]
                )
        wall = time.time() - (time.monotonic() - keyframe.received_at)
        self.started_at = datetime.fromtimestamp(wall, tz=UTC)
        self._placements = {
            kind: _Placement(clock_rate=CLOCK_RATES[kind], origin=keyframe.received_at)
            for kind in self.kinds
        }

    def _finish(self) -> None:
        if self._container is None:
            return
        try:
            self._container.close()
        except (av.FFmpegError, OSError):
            logger.exception("recording %s could not be finished", self)
            self.failed = True

    def __str__(self) -> str:
        return str(self.path)


class ShowRecorder:
    """Records what a relay forwards to one file, from its first video keyframe."""

    def __init__(
        self,
        relay: ShowRelay,
        *,
        path: Path,
        kinds: Iterable[str] = ("video", "audio"),
        video_mime: str = "video/VP8",
    ) -> None:
        self.relay = relay
        self.path = path
        self.kinds = tuple(kind for kind in ("video", "audio") if kind in set(kinds))
        if not self.kinds:
            raise ValueError("Nothing to record")
        self.dropped = 0
        self._writer = _Writer(
            path=path, kinds=self.kinds, video_mime=video_mime.lower()
        )
        self._tracks: list[RelayTrack] = []
        self._pumps: list[asyncio.Task[None]] = []
        self._stopped: asyncio.Future[Recording | None] | None = None

    @property
    def frames(self) -> dict[str, int]:
        return dict(self._writer.frames)

    def start(self) -> None:
        """Subscribe to the relay and start writing (call on the relay's loop)."""
        self._writer.start()
        for kind in self.kinds:
            track = self.relay.subscribe(kind)
            self._tracks.append(track)
            self._pumps.append(asyncio.ensure_future(self._pump(kind, track)))

    async def _pump(self, kind: str, track: RelayTrack) -> None:
        inbox = self._writer.inbox
        waiting_for_keyframe = False
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if waiting_for_keyframe and not frame.keyframe:
                self.dropped += 1
                continue
            if inbox.qsize() >= MAX_PENDING_FRAMES:
                self.dropped += 1
                waiting_for_keyframe = True
                continue
            waiting_for_keyframe = False
            inbox.put((kind, frame))

    async def stop(self) -> Recording | None:
        """Stop, finish the file in the writer thread; None when nothing was kept."""
        if self._stopped is not None:
            return await asyncio.shield(self._stopped)
        self._stopped = asyncio.get_running_loop().create_future()
        for track in self._tracks:
            track.stop()
        for pump in self._pumps:
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)
        writer = self._writer
        writer.inbox.put(None)
        if writer.is_alive():
            await asyncio.get_running_loop().run_in_executor(None, writer.join)
        result = None
        if writer.started_at is not None and not writer.failed:
            result = Recording(
                path=self.path, started_at=writer.started_at, frames=self.frames
            )
        elif writer.started_at is not None:
            self.path.unlink(missing_ok=True)
        self._stopped.set_result(result)
        return result
