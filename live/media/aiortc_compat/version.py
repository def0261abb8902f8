"""Which aiortc release the hooks were written against, and the check that says so.

The hooks rely on name-mangled attributes and private methods of one aiortc release;
``check_aiortc_version`` refuses any other release, so an upgrade fails loudly here
instead of corrupting media in production. Review this package before changing the
pin in requirements.txt.
"""

import functools
import importlib.metadata

from aiortc import RTCRtpReceiver, RTCRtpSender

SUPPORTED_AIORTC_VERSION = "1.16.0"

# Private methods the hooks call or replace, and one whose behaviour they rely on:
# RTCRtpSender._next_encoded_frame packs (rather than encodes) what is not a Frame.
_METHODS = (
    (RTCRtpReceiver, "_handle_rtp_packet"),
    (RTCRtpReceiver, "_send_rtcp_pli"),
    (RTCRtpSender, "_handle_rtcp_packet"),
    (RTCRtpSender, "_next_encoded_frame"),
    (RTCRtpSender, "_send_keyframe"),
)


class AiortcCompatError(RuntimeError):
    """The installed aiortc is not the release live.media was written against."""


@functools.cache
def _installed_aiortc_version() -> str:
    return importlib.metadata.version("aiortc")


def check_aiortc_version(version: str | None = None) -> None:
    """Refuse any aiortc release other than the one these hooks were written for."""
    installed = version or _installed_aiortc_version()
    if installed != SUPPORTED_AIORTC_VERSION:
        raise AiortcCompatError(
            f"live.media forwards media through the internals of aiortc "
            f"{SUPPORTED_AIORTC_VERSION}, not {installed}: review "
            f"live/media/aiortc_compat/ against the new release before changing "
            f"the pin"
        )
    for owner, name in _METHODS:
        if not callable(getattr(owner, name, None)):
            raise AiortcCompatError(
                f"aiortc {installed} has no {owner.__name__}.{name}"
            )


def require_attributes(obj: object, names: tuple[str, ...]) -> None:
    for name in names:
        if not hasattr(obj, name):
            raise AiortcCompatError(
                f"{type(obj).__name__} has no attribute {name}: the installed aiortc "
                f"does not match live.media's hooks"
            )
