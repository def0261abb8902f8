"""Sending forwarded frames: aiortc's own sender packs them, the relay hears PLI/FIR.

A viewer's sender needs no hook to send encoded frames. In aiortc 1.16,
``RTCRtpSender._next_encoded_frame`` encodes only what is an ``av.Frame`` and hands
anything else to its codec's ``pack()``::

    if isinstance(data, Frame):
        ...  # encode in a thread
    else:
        # Pack the pre-encoded data.
        payloads, timestamp = self.__encoder.pack(data)

and ``Vp8Encoder.pack``, ``H264Encoder.pack`` and ``OpusEncoder.pack`` packetize an
``av.Packet`` whose ``pts`` and ``time_base`` give its timestamp. So the relay's
viewer tracks yield ``av.Packet``s. The sender still makes its codec's encoder object
first (``get_encoder``), but never calls ``encode()`` on it, so no codec is opened.

What aiortc offers no way to observe is a viewer asking for a keyframe, or telling
how much its link carries: its sender would only tell its (unused) encoder.
``on_keyframe_request`` and ``on_network_feedback`` pass those on.

aiortc's receiver lists every packet still missing in each NACK it sends, and its
sender retransmits whatever a NACK lists. On a link that is already full this turns
each new loss into a burst of the same retransmissions again, which the link drops
in turn. ``limit_retransmissions`` lets each packet go again at most once per round
trip, a few times in all, as browsers' senders do.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from aiortc import RTCRtpSender
from aiortc.rtp import (
    RTCP_PSFB_APP,
    AnyRtcpPacket,
    RtcpPsfbPacket,
    RtcpRrPacket,
    RtcpSrPacket,
    unpack_remb_fci,
)

from live.media.aiortc_compat.version import check_aiortc_version, require_attributes
from live.media.layers import NetworkReading

logger = logging.getLogger(__name__)


def on_keyframe_request(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever the sender's remote receiver asks for a keyframe."""
    check_aiortc_version()
    send_keyframe = sender._send_keyframe

    def keyframe_requested() -> None:
        send_keyframe()
        callback()

    sender._send_keyframe = keyframe_requested  # type: ignore[method-assign]  # wrapped


# A packet is retransmitted at most this many times, and not again within a round trip
# (or this minimum, before a round trip is known or when it is shorter).
MAX_RETRANSMISSIONS = 3
MIN_RETRANSMIT_INTERVAL = 0.1
# Sequence numbers remembered (aiortc keeps 128 packets to retransmit from).
_REMEMBERED = 256


@dataclass(slots=True)
class RetransmissionStats:
    requested: int = 0  # sequence numbers the viewer's NACKs listed
    sent: int = 0  # passed on to aiortc (which sends those still in its history)


def limit_retransmissions(
    sender: RTCRtpSender,
    *,
    max_times: int = MAX_RETRANSMISSIONS,
    min_interval: float = MIN_RETRANSMIT_INTERVAL,
) -> RetransmissionStats:
    """Retransmit each packet at most ``max_times``, once per round trip at most."""
    check_aiortc_version()
    require_attributes(sender, ("_RTCRtpSender__rtt",))
    retransmit = sender._retransmit
    stats = RetransmissionStats()
    # sequence number -> (times retransmitted, when last)
    history: OrderedDict[int, tuple[int, float]] = OrderedDict()

    async def limited(sequence_number: int) -> None:
        stats.requested += 1
        now = time.monotonic()
        rtt = sender._RTCRtpSender__rtt or 0.0  # type: ignore[attr-defined]  # aiortc private
        times, last = history.get(sequence_number, (0, 0.0))
        if times >= max_times or (times and now - last < max(rtt, min_interval)):
            return
        history[sequence_number] = (times + 1, now)
        history.move_to_end(sequence_number)
        while len(history) > _REMEMBERED:
            history.popitem(last=False)
        stats.sent += 1
        await retransmit(sequence_number)

    sender._retransmit = limited  # type: ignore[method-assign]  # wrapped
    return stats


class FeedbackCallback(Protocol):
    def __call__(self, reading: NetworkReading) -> None: ...


def on_network_feedback(sender: RTCRtpSender, callback: FeedbackCallback) -> None:
    """Pass what the sender's remote receiver reports about its link to ``callback``.

    aiortc's sender reads REMB only to set its encoder's bitrate, which forwarding
    never uses, and keeps receiver reports in its stats. Here each REMB estimate and
    each receiver report (loss, round-trip time) also reaches the relay.
    """
    check_aiortc_version()
    require_attributes(sender, ("_RTCRtpSender__rtt",))
    handle = sender._handle_rtcp_packet

    async def handle_and_report(packet: AnyRtcpPacket) -> None:
        await handle(packet)
        for reading in _readings(sender, packet):
            try:
                callback(reading)
            except Exception:
                logger.exception("network feedback callback failed")

    sender._handle_rtcp_packet = handle_and_report  # type: ignore[method-assign]  # wrapped


def _readings(sender: RTCRtpSender, packet: AnyRtcpPacket) -> list[NetworkReading]:
    if isinstance(packet, (RtcpRrPacket, RtcpSrPacket)):
        rtt = sender._RTCRtpSender__rtt  # type: ignore[attr-defined]  # aiortc private
        return [
            NetworkReading(fraction_lost=report.fraction_lost / 256, rtt=rtt)
            for report in packet.reports
            if report.ssrc == sender._ssrc
        ]
    if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
        try:
            bitrate, ssrcs = unpack_remb_fci(packet.fci)
        except ValueError:
            return []
        if sender._ssrc in ssrcs:
            return [NetworkReading(bitrate=bitrate)]
    return []
