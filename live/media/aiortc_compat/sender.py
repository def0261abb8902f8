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
"""

import logging
from collections.abc import Callable
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
