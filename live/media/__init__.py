"""Media for live shows: the host's encoded frames forwarded to every viewer.

``ShowRelay`` (relay.py) is the entry point; ``aiortc_compat`` holds every hook into
aiortc's internals that forwarding needs, checked against the pinned aiortc release.
"""

from live.media import aiortc_compat
from live.media.relay import EncodedFrame, RelayTrack, ShowRelay, ViewerHandle

__all__ = ["EncodedFrame", "RelayTrack", "ShowRelay", "ViewerHandle", "aiortc_compat"]
