"""A jitter buffer that hands a frame over as soon as it is complete, for forwarding."""

from __future__ import annotations

from collections import deque

from aiortc.jitterbuffer import JitterFrame
from aiortc.rtp import RtpPacket

# Jitter buffer sizes in packets: video as aiortc's own (a large keyframe must fit),
# audio small because every Opus packet is a frame of its own.
VIDEO_BUFFER_PACKETS = 512
AUDIO_BUFFER_PACKETS = 16
# A missing packet holds later frames back at most this long (0.3 s of video clock)
# before the relay gives up on it, reports picture loss and resumes at a keyframe.
VIDEO_MAX_DELAY = 27000
# Packets this far behind the next expected one mean the stream restarted.
MAX_MISORDER = 100
# The longest VP8 payload descriptor: flags, extension flags, a 15-bit picture id,
# TL0PICIDX and the TID/Y/KEYIDX byte.
PAYLOAD_HEAD_BYTES = 6


class ForwardFrame(JitterFrame):
    """An assembled encoded frame that keeps the RTP timestamp it was sent with.

    aiortc's receiver rewrites ``timestamp`` of the frame it queues for decoding;
    ``rtp_timestamp`` keeps the original for the tap's own unwrapping. ``head`` is
    the start of the first packet's payload as sent, before depayloading: for VP8 the
    payload descriptor, which says the frame's temporal layer.
    """

    def __init__(self, data: bytes, timestamp: int, head: bytes = b"") -> None:
        super().__init__(data=data, timestamp=timestamp)
        self.rtp_timestamp = timestamp
        self.head = head


def seq_ahead(sequence_number: int, reference: int) -> int:
    """How far a sequence number is ahead of a reference (negative: behind)."""
    distance = (sequence_number - reference) & 0xFFFF
    return distance - 0x10000 if distance >= 0x8000 else distance


class MarkerJitterBuffer:
    """Assembles encoded frames as soon as they are complete, for forwarding.

    aiortc's JitterBuffer knows a video frame is complete only when a packet of the
    next frame arrives, which adds a frame interval (33 ms at 30 fps) of latency to
    every viewer. Here a video frame is handed over when the packet carrying the RTP
    marker bit (the last packet of a frame) is in and every packet since the previous
    frame is present; a frame whose marker was lost ends where the timestamp changes.
    Every audio packet is a frame: it is handed over at once, late ones are dropped.

    ``add`` has the signature of aiortc's JitterBuffer.add, so the receiver can use
    it unchanged; frames completed together (a retransmission filling a gap) beyond
    the first are kept for ``take_ready``. The first value returned is True when
    packets had to be given up: the picture is broken until the next keyframe.
    """

    def __init__(
        self,
        *,
        capacity: int,
        is_video: bool = False,
        max_delay: int = VIDEO_MAX_DELAY,
        started: bool = False,
    ) -> None:
        self.capacity = capacity
        self.is_video = is_video
        self.max_delay = max_delay
        self._packets: dict[int, RtpPacket] = {}
        self._next: int | None = None
        self._handed_over_timestamp: int | None = None
        # A buffer installed mid-stream cannot know where a frame starts.
        self._await_marker = started
        self._ready: deque[ForwardFrame] = deque()

    def add(self, packet: RtpPacket) -> tuple[bool, ForwardFrame | None]:
        if not self.is_video:
            return False, self._add_audio(packet)
        broken = self._store(packet)
        self._take_all()
        if (
            self._next is not None
            and self._packets
            and (self._waited_too_long(packet) or len(self._packets) >= self.capacity)
        ):
            # The frame at _next cannot be completed: a packet is missing at its
            # start or anywhere before its marker.
            self._give_up()
            broken = True
            self._take_all()
        return broken, self._ready.popleft() if self._ready else None

    def _take_all(self) -> None:
        frame = self._take()
        while frame is not None:
            self._ready.append(frame)
            frame = self._take()

    def take_ready(self) -> list[ForwardFrame]:
        """Frames completed by the last ``add`` besides the one it returned."""
        ready = list(self._ready)
        self._ready.clear()
        return ready

    def _add_audio(self, packet: RtpPacket) -> ForwardFrame | None:
        sequence_number = packet.sequence_number
        if self._next is not None:
            ahead = seq_ahead(sequence_number, self._next)
            if -MAX_MISORDER < ahead < 0:
                return None
        self._next = (sequence_number + 1) & 0xFFFF
        return ForwardFrame(data=packet._data, timestamp=packet.timestamp)  # type: ignore[attr-defined]  # aiortc private: payload

    def _store(self, packet: RtpPacket) -> bool:
        """Keep a video packet; True when the stream had to be restarted."""
        sequence_number = packet.sequence_number
        if self._await_marker:
            if packet.marker:
                self._await_marker = False
                self._next = (sequence_number + 1) & 0xFFFF
            return False
        if self._next is None:
            self._next = sequence_number
        ahead = seq_ahead(sequence_number, self._next)
        if ahead < 0:
            first = self._packets.get(self._next)
            if (
                self._handed_over_timestamp is None
                and ahead == -1
                and first is not None
                and first.timestamp == packet.timestamp
            ):
                # Reordered before anything was handed over: the frame starts earlier.
                self._next = sequence_number
            elif ahead > -MAX_MISORDER:
                return False  # late, or a duplicate of what was handed over
            else:
                self._packets.clear()
                self._next = sequence_number
                self._packets[sequence_number] = packet
                return True
        self._packets[sequence_number] = packet
        return False

    def _waited_too_long(self, packet: RtpPacket) -> bool:
        """Whether the frame at _next has waited too long to be completed: measured
        from its own timestamp when its first packet is in, else from the frame
        handed over last."""
        assert self._next is not None
        first = self._packets.get(self._next)
        reference = (
            first.timestamp if first is not None else self._handed_over_timestamp
        )
        if reference is None:
            return False
        waited = (packet.timestamp - reference) & 0xFFFFFFFF
        return self.max_delay < waited < 0x80000000

    def _give_up(self) -> None:
        """Drop the missing packets' frames; resume at the first known frame start."""
        assert self._next is not None
        expected = self._next  # narrowed for the key function
        ordered = sorted(self._packets, key=lambda seq: seq_ahead(seq, expected))
        for sequence_number in ordered:
            before = self._packets.get((sequence_number - 1) & 0xFFFF)
            packet = self._packets[sequence_number]
            if before is not None and (
                before.marker or before.timestamp != packet.timestamp
            ):
                start = seq_ahead(sequence_number, self._next)
                for seq in ordered:
                    if seq_ahead(seq, self._next) < start:
                        del self._packets[seq]
                self._next = sequence_number
                return
        self._packets.clear()
        self._next = None
        self._await_marker = True

    def _take(self) -> ForwardFrame | None:
        if self._next is None:
            return None
        first = self._packets.get(self._next)
        if first is None:
            return None
        parts: list[RtpPacket] = []
        sequence_number = self._next
        while True:
            packet = self._packets.get(sequence_number)
            if packet is None:
                return None
            if packet.timestamp != first.timestamp:
                break  # the frame's marker was lost: it ended before this packet
            parts.append(packet)
            sequence_number = (sequence_number + 1) & 0xFFFF
            if packet.marker:
                break
            if len(parts) >= self.capacity:
                return None
        for part in parts:
            del self._packets[part.sequence_number]
        self._next = sequence_number
        self._handed_over_timestamp = first.timestamp
        return ForwardFrame(
            data=b"".join(part._data for part in parts),  # type: ignore[attr-defined]  # aiortc private: payload
            timestamp=first.timestamp,
            head=first.payload[:PAYLOAD_HEAD_BYTES],
        )
