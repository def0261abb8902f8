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

What aiortc offers no way to observe is a viewer asking for a keyframe: its sender
would only tell its (unused) encoder. ``on_keyframe_request`` passes that on.
"""

from collections.abc import Callable

from aiortc import RTCRtpSender

from live.media.aiortc_compat.version import check_aiortc_version


def on_keyframe_request(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever the sender's remote receiver asks for a keyframe."""
    check_aiortc_version()
    send_keyframe = sender._send_keyframe

    def keyframe_requested() -> None:
        send_keyframe()
        callback()

    sender._send_keyframe = keyframe_requested  # type: ignore[method-assign]  # wrapped
