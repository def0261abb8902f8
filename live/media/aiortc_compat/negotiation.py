"""Narrowing an answer to the one codec the relay forwards."""

from aiortc import RTCRtpSender, RTCRtpTransceiver
from aiortc.codecs import is_rtx

from live.media.aiortc_compat.version import check_aiortc_version, require_attributes

_TRANSCEIVER_ATTRIBUTES = ("_codecs", "_offerDirection")


def transceiver_restrict_codec(
    transceiver: RTCRtpTransceiver, *, mime_type: str
) -> bool:
    """Answer with one codec (and its RTX) only; False when the offer lacks it.

    aiortc fixes an answer's codecs when the offer is applied, before the
    application sees the transceiver, so codec preferences alone come too late.
    """
    check_aiortc_version()
    require_attributes(transceiver, _TRANSCEIVER_ATTRIBUTES)
    wanted = mime_type.lower()
    codecs = transceiver._codecs
    payload_types = {c.payloadType for c in codecs if c.mimeType.lower() == wanted}
    if not payload_types:
        return False
    transceiver._codecs = [
        c
        for c in codecs
        if c.payloadType in payload_types
        or (is_rtx(c) and c.parameters.get("apt") in payload_types)
    ]
    transceiver.setCodecPreferences(
        [
            c
            for c in RTCRtpSender.getCapabilities(transceiver.kind).codecs
            if c.mimeType.lower() == wanted or is_rtx(c)
        ]
    )
    return True


def transceiver_remote_receives(transceiver: RTCRtpTransceiver) -> bool:
    """Whether the remote offer asked to receive media on this transceiver."""
    require_attributes(transceiver, _TRANSCEIVER_ATTRIBUTES)
    return transceiver._offerDirection in ("sendonly", "sendrecv")
