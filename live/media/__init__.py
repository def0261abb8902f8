"""Media for live shows: the host's encoded frames forwarded to every viewer.

``ShowRelay`` (relay.py) is the entry point; tracks.py holds the per-viewer queues,
recorder.py writes a show to a file, and ``aiortc_compat`` holds every hook into
aiortc's internals that forwarding needs, checked against the pinned aiortc release.
Nothing here knows Django: callers pass in what they need (paths, codecs, limits).
"""

from live.media import aiortc_compat
from live.media.relay import ShowRelay, ViewerHandle
from live.media.tracks import EncodedFrame, RelayTrack

__all__ = ["EncodedFrame", "RelayTrack", "ShowRelay", "ViewerHandle", "aiortc_compat"]
