"""Live video: sessions of a show's relay, signaling sockets, WHIP/WHEP, stream keys.

``sessions`` keeps one ``live.media.ShowRelay`` per show in this process with its
host's and viewers' peer connections; ``offers`` checks what an SDP offer holds;
``recording`` writes and attaches the show's recording. ``signaling`` (WebSockets),
``whip`` (HTTP) and ``views`` (the stream key page) are how clients reach them.
"""

from live.streaming.offers import Role, StreamError, max_sdp_bytes, offer_check
from live.streaming.sessions import (
    PeerSession,
    Viewer,
    ice_servers,
    max_viewers,
    session_close,
    session_data_saver_set,
    session_get,
    stream_end,
    stream_end_soon,
    stream_is_publishing,
    stream_publish,
    stream_relay,
    stream_viewer_count,
    stream_watch,
    streams_close_all,
)

__all__ = [
    "PeerSession",
    "Role",
    "StreamError",
    "Viewer",
    "ice_servers",
    "max_sdp_bytes",
    "max_viewers",
    "offer_check",
    "session_close",
    "session_data_saver_set",
    "session_get",
    "stream_end",
    "stream_end_soon",
    "stream_is_publishing",
    "stream_publish",
    "stream_relay",
    "stream_viewer_count",
    "stream_watch",
    "streams_close_all",
]
