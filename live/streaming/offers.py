"""What an SDP offer must hold for the relay: its size, its media, the codec.

The relay forwards the host's encoded frames as they are, so the host and every
viewer of a show must use the same codecs: VP8 or H264 video, Opus audio.
"""

from __future__ import annotations

from typing import Literal

from aiortc.sdp import SessionDescription
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from live.services.errors import LiveRuleError

Role = Literal["publish", "watch"]

PREFERRED_VIDEO_CODECS = ("video/VP8", "video/H264")


class StreamError(LiveRuleError):
    """A publish or watch request the stream refuses; ``code`` says why."""

    code = "stream"


def max_sdp_bytes() -> int:
    """The largest SDP offer accepted."""
    return settings.LIVE_MAX_SDP_BYTES


def _video_codecs_offered(description: SessionDescription) -> set[str]:
    return {
        codec.mimeType.lower()
        for media in description.media
        if media.kind == "video"
        for codec in media.rtp.codecs
    }


def offer_check(*, sdp: object, role: Role) -> SessionDescription:
    """Parse an SDP offer and check its size and that it sends or receives media."""
    if not isinstance(sdp, str) or not sdp.strip():
        raise StreamError(_("The offer has no SDP."), code="bad_sdp")
    if len(sdp.encode("utf-8")) > max_sdp_bytes():
        raise StreamError(_("The SDP offer is too large."), code="too_large")
    if not sdp.lstrip().startswith("v=0"):
        raise StreamError(_("The offer is not SDP."), code="bad_sdp")
    try:
        description = SessionDescription.parse(sdp)
    except Exception:  # aiortc's parser asserts and indexes on untrusted input
        raise StreamError(_("The SDP offer cannot be read."), code="bad_sdp") from None
    wanted = ("sendonly", "sendrecv") if role == "publish" else ("recvonly", "sendrecv")
    media = [
        m
        for m in description.media
        if m.kind in ("audio", "video") and (m.direction or "sendrecv") in wanted
    ]
    if not media:
        message = (
            _("The offer sends no audio or video.")
            if role == "publish"
            else _("The offer asks to receive no audio or video.")
        )
        raise StreamError(message, code="bad_sdp")
    return description


def video_codec_choose(description: SessionDescription) -> str:
    offered = _video_codecs_offered(description)
    if not offered:
        return preferred_video_codec()
    for codec in (preferred_video_codec(), *PREFERRED_VIDEO_CODECS):
        if codec.lower() in offered:
            return codec
    raise StreamError(
        _("Publish VP8 or H264 video: the offer has neither."), code="codec"
    )


def codecs_check(
    description: SessionDescription, *, role: Role, video_mime: str
) -> None:
    """Each media line the relay will use must offer the relay's codec."""
    wanted = ("sendonly", "sendrecv") if role == "publish" else ("recvonly", "sendrecv")
    needed = {"audio": "audio/opus", "video": video_mime.lower()}
    for media in description.media:
        if media.kind not in needed or (media.direction or "sendrecv") not in wanted:
            continue
        offered = {codec.mimeType.lower() for codec in media.rtp.codecs}
        if needed[media.kind] not in offered:
            raise StreamError(
                _("The offer's %(kind)s must include %(codec)s.")
                % {"kind": media.kind, "codec": needed[media.kind]},
                code="codec",
            )


def preferred_video_codec() -> str:
    return settings.LIVE_VIDEO_CODEC
