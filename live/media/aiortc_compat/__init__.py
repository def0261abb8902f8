"""The few places where live.media reaches into aiortc's internals, kept together.

aiortc has no public API for forwarding encoded media: an ``RTCRtpReceiver`` always
hands the frames it assembles to a decoder thread (the maintainer's answer in aiortc
issue #449 is to build it on the internals). Decoding once and encoding once per
viewer costs a third of a core per 720p viewer, so the relay forwards the host's
encoded frames instead, and this package provides the hooks it needs:

* ``receiver.ReceiverTap`` takes the encoded frames a receiver assembles. It swaps
  the receiver's jitter buffer for ``jitter.MarkerJitterBuffer``, which hands a video
  frame over as soon as its last packet (RTP marker bit) is in rather than when the
  next frame starts, and takes the frames from the queue that feeds the decoder
  thread, so no decoder is created unless ``decode=True`` asks for both. It can divert
  the receiver's own picture-loss reports (PLI) to a callback and send a PLI on
  request.
* ``sender.on_keyframe_request`` observes a sender's keyframe requests (PLI/FIR
  received); ``sender.on_network_feedback`` its REMB estimates and receiver
  reports; ``sender.limit_retransmissions`` keeps NACKs from retransmitting
  the same packets over and over. Sending needs no other hook: aiortc's sender
  packs the ``av.Packet``s a track yields with its codec's own ``pack()`` (see
  ``sender``).
* ``negotiation.transceiver_restrict_codec`` narrows what an answer will accept to
  one codec.

``version.check_aiortc_version`` refuses any aiortc release but the one these hooks
were written against.
"""

from live.media.aiortc_compat.jitter import ForwardFrame, MarkerJitterBuffer
from live.media.aiortc_compat.negotiation import (
    transceiver_remote_receives,
    transceiver_restrict_codec,
)
from live.media.aiortc_compat.receiver import ReceiverTap
from live.media.aiortc_compat.sender import (
    RetransmissionStats,
    limit_retransmissions,
    on_keyframe_request,
    on_network_feedback,
)
from live.media.aiortc_compat.version import (
    SUPPORTED_AIORTC_VERSION,
    AiortcCompatError,
    check_aiortc_version,
)

__all__ = [
    "SUPPORTED_AIORTC_VERSION",
    "AiortcCompatError",
    "ForwardFrame",
    "MarkerJitterBuffer",
    "ReceiverTap",
    "RetransmissionStats",
    "check_aiortc_version",
    "limit_retransmissions",
    "on_keyframe_request",
    "on_network_feedback",
    "transceiver_remote_receives",
    "transceiver_restrict_codec",
]
