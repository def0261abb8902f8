"""Live video in this process: one forwarding relay per show, its host, its viewers.

The registry is per daphne process and lives on its event loop. A show's relay is
made when its host first publishes (or a viewer arrives first) and closed when the
show ends. The host's RTCPeerConnection (from the studio's publish socket or a WHIP
POST) is the relay's source; each viewer's RTCPeerConnection (watch socket or WHEP
POST) is one of its sinks. The frames the relay forwards are also recorded to
``MEDIA_ROOT/recordings/<show>.webm`` (``.mkv`` for H264) and the file is attached to
the show when it ends.

Negotiation is not trickled: the client gathers its ICE candidates before sending
the offer, and aiortc gathers the server's before it answers, so an offer and an
answer carry every candidate and nothing follows them.

Because the relay is in memory, a show's host and viewers must reach the same
process: route ``/ws/live/<id>/`` and ``/live/<id>/wh*`` sticky by show id at the
proxy, or put an external SFU behind WHIP/WHEP (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import secrets
from collections import Counter
from dataclasses import dataclass, field

from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.exceptions import InvalidAccessError, InvalidStateError, OperationError
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from live.media import ShowRelay, ViewerHandle
from live.media.recorder import Recording, ShowRecorder
from live.models import Show, ShowStatus
from live.streaming.offers import (
    Role,
    StreamError,
    codecs_check,
    offer_check,
    preferred_video_codec,
    video_codec_choose,
)
from live.streaming.recording import (
    recorder_start,
    recorder_stop,
    show_recording_attach,
)

logger = logging.getLogger(__name__)

# What aiortc raises for an offer it cannot apply; its parser also asserts and
# indexes on what the client sent, so anything else is logged and refused too.
_NEGOTIATION_ERRORS = (
    ValueError,
    InvalidAccessError,
    InvalidStateError,
    OperationError,
    AssertionError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
)


def max_viewers() -> int:
    """Viewers one process serves at most, over every show."""
    return settings.LIVE_MAX_VIEWERS_PER_PROCESS


def max_viewers_per_address() -> int:
    """Viewer connections one client IP may hold in this process (0: no limit)."""
    return settings.LIVE_MAX_VIEWERS_PER_ADDRESS


def max_viewers_per_client() -> int:
    """Viewer connections one account or browser session may hold (0: no limit)."""
    return settings.LIVE_MAX_VIEWERS_PER_CLIENT


def signed_in_slots() -> int:
    """Viewer slots of this process that only signed-in shoppers may take."""
    share = settings.LIVE_VIEWER_SLOTS_SIGNED_IN_SHARE
    return int(max_viewers() * min(max(share, 0.0), 1.0))


@dataclass(frozen=True)
class Viewer:
    """Who asks to watch: the client's IP, account or browser session, signed in."""

    address: str | None = None
    client_key: str | None = None
    signed_in: bool = False

    @classmethod
    def of(cls, *, address: str | None, user, session_key: str | None) -> Viewer:
        signed_in = bool(user is not None and user.is_authenticated)
        client_key: str | None
        if signed_in:
            client_key = f"user:{user.pk}"
        else:
            client_key = f"session:{session_key}" if session_key else None
        return cls(address=address, client_key=client_key, signed_in=signed_in)

    def holds(self) -> tuple[str, ...]:
        """The counters one connection of this viewer takes a slot from."""
        keys = [f"address:{self.address}"] if self.address else []
        if self.client_key:
            keys.append(self.client_key)
        return tuple(keys)


def _negotiation_timeout() -> float:
    return settings.LIVE_NEGOTIATION_TIMEOUT_SECONDS


def _connect_timeout() -> float:
    return settings.LIVE_CONNECT_TIMEOUT_SECONDS


def ice_servers() -> list[str]:
    """STUN/TURN URLs for both ends; empty on a machine that is reachable directly."""
    return list(settings.LIVE_ICE_SERVERS)


def _peer_connection() -> RTCPeerConnection:
    servers = [RTCIceServer(urls=url) for url in ice_servers()]
    return RTCPeerConnection(RTCConfiguration(iceServers=servers))


@dataclass(eq=False)
class PeerSession:
    """One peer connection of a show: its host's or one viewer's."""

    id: str
    show_id: int
    role: Role
    pc: RTCPeerConnection
    answer_sdp: str = ""
    kinds: tuple[str, ...] = ()
    handle: ViewerHandle | None = None
    reason: str = ""
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    timer: asyncio.TimerHandle | None = None
    viewer: Viewer | None = None

    async def wait_closed(self) -> str:
        """Wait until the session ends; returns why ("ended", "replaced", …)."""
        await self.closed.wait()
        return self.reason


@dataclass(eq=False)
class ShowStream:
    """The relay of one show in this process, with who is attached to it."""

    show_id: int
    relay: ShowRelay
    video_mime: str
    publisher: PeerSession | None = None
    viewers: dict[str, PeerSession] = field(default_factory=dict)
    recorder: ShowRecorder | None = None
    recorders: list[ShowRecorder] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class _Registry:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.streams: dict[int, ShowStream] = {}
        self.sessions: dict[str, PeerSession] = {}
        self.viewer_slots = 0
        self.anonymous_slots = 0
        self.held: Counter[str] = Counter()
        self.tasks: set[asyncio.Future] = set()

    def bind(self) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            # A new event loop (a test's, or after a restart): nothing old survives.
            self.streams.clear()
            self.sessions.clear()
            self.viewer_slots = self.anonymous_slots = 0
            self.held.clear()
            self.loop = loop

    def slot_take(self, viewer: Viewer) -> None:
        """Take a viewer slot, or StreamError when a limit says no."""
        per_address = max_viewers_per_address()
        if (
            per_address
            and viewer.address
            and self.held[f"address:{viewer.address}"] >= per_address
        ):
            raise StreamError(
                _(
                    "Too many video connections from your network (at most "
                    "%(count)d). Close another player and try again."
                )
                % {"count": per_address},
                code="too_many",
            )
        per_client = max_viewers_per_client()
        if (
            per_client
            and viewer.client_key
            and self.held[viewer.client_key] >= per_client
        ):
            raise StreamError(
                _(
                    "You are already watching in %(count)d windows. Close one "
                    "and try again."
                )
                % {"count": per_client},
                code="too_many",
            )
        limit = max_viewers()
        if not viewer.signed_in:
            limit -= signed_in_slots()
        slots = self.viewer_slots if viewer.signed_in else self.anonymous_slots
        if self.viewer_slots >= max_viewers() or slots >= limit:
            raise StreamError(
                _("Too many viewers on this server right now. Try again shortly."),
                code="full",
            )
        self.viewer_slots += 1
        if not viewer.signed_in:
            self.anonymous_slots += 1
        self.held.update(viewer.holds())

    def slot_give_back(self, viewer: Viewer) -> None:
        self.viewer_slots -= 1
        if not viewer.signed_in:
            self.anonymous_slots -= 1
        self.held.subtract(viewer.holds())
        for key in viewer.holds():
            if self.held[key] <= 0:
                del self.held[key]

    def keep(self, future: asyncio.Future) -> None:
        self.tasks.add(future)
        future.add_done_callback(self.tasks.discard)


_registry = _Registry()


def _reason(error: Exception) -> str:
    logger.info("live: offer refused", exc_info=error)
    return str(error) or type(error).__name__


def _live_check(show: Show) -> None:
    if show.status != ShowStatus.LIVE:
        raise StreamError(_("This show is not live."), code="not_live")


def _session_new(*, show_id: int, role: Role, pc: RTCPeerConnection) -> PeerSession:
    session = PeerSession(
        id=secrets.token_urlsafe(18), show_id=show_id, role=role, pc=pc
    )

    @pc.on("connectionstatechange")
    def state_changed() -> None:
        if pc.connectionState in ("failed", "closed") and not session.closed.is_set():
            _registry.keep(
                asyncio.ensure_future(_session_close(session, "disconnected"))
            )
        elif pc.connectionState == "connected" and session.timer is not None:
            session.timer.cancel()
            session.timer = None

    return session


def _connect_deadline_set(session: PeerSession) -> None:
    """Close a session whose peer never connects (ICE failing quietly)."""

    def expired() -> None:
        session.timer = None
        if session.pc.connectionState != "connected" and not session.closed.is_set():
            _registry.keep(asyncio.ensure_future(_session_close(session, "timeout")))

    loop = asyncio.get_running_loop()
    session.timer = loop.call_later(_connect_timeout(), expired)


async def _session_close(session: PeerSession, reason: str) -> None:
    if session.closed.is_set():
        return
    session.reason = reason
    session.closed.set()
    if session.timer is not None:
        session.timer.cancel()
        session.timer = None
    _registry.sessions.pop(session.id, None)
    stream = _registry.streams.get(session.show_id)
    if session.role == "watch":
        if session.viewer is not None:
            _registry.slot_give_back(session.viewer)
        if stream is not None:
            stream.viewers.pop(session.id, None)
    elif stream is not None and stream.publisher is session:
        stream.publisher = None
    if session.handle is not None:
        for track in (session.handle.video, session.handle.audio):
            if track is not None:
                track.stop()
    try:
        await session.pc.close()
    except Exception:  # a half-negotiated connection can fail to close cleanly
        logger.exception("live: closing peer connection %s failed", session.id)


async def _answer(pc: RTCPeerConnection) -> str:
    await pc.setLocalDescription(await pc.createAnswer())
    return pc.localDescription.sdp


def _stream_new(show_id: int, video_mime: str) -> ShowStream:
    stream = ShowStream(
        show_id=show_id, relay=ShowRelay(video_codec=video_mime), video_mime=video_mime
    )
    _registry.streams[show_id] = stream
    return stream


async def _stream_replace(stream: ShowStream, video_mime: str) -> ShowStream:
    """A host with another video codec: viewers reconnect to a new relay."""
    for viewer in list(stream.viewers.values()):
        await _session_close(viewer, "restart")
    if stream.publisher is not None:
        await _session_close(stream.publisher, "replaced")
    await recorder_stop(stream)
    await stream.relay.close()
    replacement = _stream_new(stream.show_id, video_mime)
    replacement.recorders = stream.recorders
    return replacement


async def stream_publish(
    *, show: Show, offer_sdp: object, takeover: bool
) -> PeerSession:
    """Make a host's offer the show's source; with takeover, replace any host before."""
    _registry.bind()
    _live_check(show)
    description = offer_check(sdp=offer_sdp, role="publish")
    assert isinstance(offer_sdp, str)  # offer_check refuses anything else
    video_mime = video_codec_choose(description)
    codecs_check(description, role="publish", video_mime=video_mime)
    stream = _registry.streams.get(show.pk) or _stream_new(show.pk, video_mime)
    async with stream.lock:
        stream = _registry.streams.get(show.pk) or _stream_new(show.pk, video_mime)
        if stream.publisher is not None and not takeover:
            raise StreamError(
                _("Someone is already publishing this show."), code="busy"
            )
        if stream.video_mime.lower() != video_mime.lower():
            stream = await _stream_replace(stream, video_mime)
        pc = _peer_connection()
        session = _session_new(show_id=show.pk, role="publish", pc=pc)
        tracks: list[MediaStreamTrack] = []
        pc.on("track", tracks.append)
        try:
            async with asyncio.timeout(_negotiation_timeout()):
                await pc.setRemoteDescription(
                    RTCSessionDescription(sdp=offer_sdp, type="offer")
                )
                for track in tracks:
                    await stream.relay.publish(pc, track)
                session.answer_sdp = await _answer(pc)
        except TimeoutError:
            await _session_close(session, "timeout")
            raise StreamError(_("Negotiation took too long."), code="timeout") from None
        except _NEGOTIATION_ERRORS as error:
            await _session_close(session, "refused")
            raise StreamError(
                _("The offer cannot be published: %(reason)s")
                % {"reason": _reason(error)},
                code="bad_sdp",
            ) from None
        session.kinds = tuple(sorted({track.kind for track in tracks}))
        previous = stream.publisher
        stream.publisher = session
        _registry.sessions[session.id] = session
        if previous is not None:
            await _session_close(previous, "replaced")
        recorder_start(stream, session.kinds)
        _connect_deadline_set(session)
    return session


async def stream_watch(
    *, show: Show, offer_sdp: object, viewer: Viewer | None = None
) -> PeerSession:
    """Answer a viewer's receive-only offer with the show's relayed media.

    Each viewer connection holds a slot of this process until it closes, fails ICE
    or misses the connect deadline: at most ``max_viewers()`` in all, at most
    ``max_viewers_per_address()`` per client IP and ``max_viewers_per_client()``
    per account or browser session (code ``too_many``), and ``signed_in_slots()``
    of them are kept for signed-in shoppers (code ``full`` for others).
    """
    _registry.bind()
    _live_check(show)
    description = offer_check(sdp=offer_sdp, role="watch")
    assert isinstance(offer_sdp, str)  # offer_check refuses anything else
    viewer = viewer or Viewer()
    _registry.slot_take(viewer)
    try:
        stream = _registry.streams.get(show.pk) or _stream_new(
            show.pk, preferred_video_codec()
        )
        codecs_check(description, role="watch", video_mime=stream.video_mime)
        pc = _peer_connection()
    except BaseException:
        _registry.slot_give_back(viewer)
        raise
    session = _session_new(show_id=show.pk, role="watch", pc=pc)
    session.viewer = viewer  # its slot is given back when the session closes
    try:
        async with asyncio.timeout(_negotiation_timeout()):
            await pc.setRemoteDescription(
                RTCSessionDescription(sdp=offer_sdp, type="offer")
            )
            session.handle = stream.relay.add_viewer(pc)
            if session.handle.video is None and session.handle.audio is None:
                raise ValueError("the offer receives nothing the show sends")
            session.answer_sdp = await _answer(pc)
    except TimeoutError:
        await _session_close(session, "timeout")
        raise StreamError(_("Negotiation took too long."), code="timeout") from None
    except _NEGOTIATION_ERRORS as error:
        await _session_close(session, "refused")
        raise StreamError(
            _("The offer cannot be answered: %(reason)s") % {"reason": _reason(error)},
            code="bad_sdp",
        ) from None
    if _registry.streams.get(show.pk) is not stream:
        # The relay was replaced or closed while this viewer negotiated.
        await _session_close(session, "restart")
        raise StreamError(_("The stream restarted. Try again."), code="restart")
    stream.viewers[session.id] = session
    _registry.sessions[session.id] = session
    _connect_deadline_set(session)
    return session


def session_get(*, session_id: str, show_id: int, role: Role) -> PeerSession | None:
    """A session of this process, if it belongs to that show and role."""
    session = _registry.sessions.get(session_id)
    if session is None or session.show_id != show_id or session.role != role:
        return None
    return session


def session_data_saver_set(*, session: PeerSession, on: bool) -> None:
    """A viewer's choice of data saver: the video's base layer only, or back to
    what its network carries."""
    if session.role == "watch" and session.handle is not None:
        session.handle.data_saver_set(on)


async def session_close(*, session: PeerSession, reason: str = "closed") -> None:
    """End one host or viewer connection; the show and its relay go on."""
    await _session_close(session, reason)


def stream_viewer_count(*, show_id: int) -> int:
    """Viewers of a show connected to this process's relay."""
    stream = _registry.streams.get(show_id)
    return len(stream.viewers) if stream is not None else 0


def stream_relay(*, show_id: int) -> ShowRelay | None:
    """The show's relay in this process, if it has one."""
    stream = _registry.streams.get(show_id)
    return stream.relay if stream is not None else None


def stream_is_publishing(*, show_id: int) -> bool:
    """Whether a host is publishing the show to this process."""
    stream = _registry.streams.get(show_id)
    return stream is not None and stream.publisher is not None


async def stream_end(*, show_id: int) -> Recording | None:
    """Close the show's relay and connections; attach its recording to the show."""
    stream = _registry.streams.pop(show_id, None)
    if stream is None:
        return None
    async with stream.lock:
        sessions = list(stream.viewers.values())
        if stream.publisher is not None:
            sessions.append(stream.publisher)
        for session in sessions:
            await _session_close(session, "ended")
        await recorder_stop(stream)
        await stream.relay.close()
    recordings = []
    for recorder in stream.recorders:
        result = await recorder.stop()
        if result is not None:
            recordings.append(result)
        else:
            recorder.path.unlink(missing_ok=True)
    if not recordings:
        return None
    kept = max(recordings, key=lambda recording: recording.frames.get("video", 0))
    await database_sync_to_async(show_recording_attach)(show_id=show_id, recording=kept)
    return kept


def stream_end_soon(*, show_id: int) -> None:
    """Schedule stream_end on the relay's loop; callable from any thread."""
    loop = _registry.loop
    if loop is None or loop.is_closed() or show_id not in _registry.streams:
        return

    async def end() -> None:
        try:
            await stream_end(show_id=show_id)
        except Exception:
            logger.exception("live: ending the stream of show %s failed", show_id)

    def schedule() -> None:
        _registry.keep(loop.create_task(end()))

    # A fresh context: the caller's (a view's worker thread) would tell asgiref that
    # its thread is busy, and the attach of the recording would refuse to run.
    loop.call_soon_threadsafe(schedule, context=contextvars.Context())


async def streams_close_all() -> None:
    """End every show's stream in this process (shutdown, and between tests)."""
    if _registry.loop is not asyncio.get_running_loop():
        _registry.bind()
        return
    for show_id in list(_registry.streams):
        await stream_end(show_id=show_id)
    if _registry.tasks:
        await asyncio.gather(*_registry.tasks, return_exceptions=True)
