"""WebRTC signaling sockets of a live show: the host publishes, viewers watch.

``ws/live/<show_id>/publish/`` is the studio's: only the show's host and staff may
open it, and only while the show is live. ``ws/live/<show_id>/watch/`` is anyone's in
a market the show is offered in, while the show is live (``live.access`` decides).
Both carry one exchange per peer connection::

    client: {"type": "offer", "sdp": "v=0…"}
    server: {"type": "answer", "sdp": "v=0…"}

A viewer may choose data saver, on the socket before or after its offer; it holds
until the socket closes, across new offers::

    client: {"type": "quality", "data_saver": true}

ICE is not trickled: the browser sends its offer once it has gathered its
candidates, and aiortc answers with all of its own. A new offer on the same socket
replaces the socket's connection (reconnecting after a network change). The server
tells the client when its connection ends for a reason the client should know::

    {"type": "closed", "reason": "restart"}   offer again (the relay restarted)
    {"type": "ended"}                         the show is over; the socket closes

Frames are JSON objects of at most ``max_sdp_bytes() + FRAME_OVERHEAD_BYTES``.
Refusals send ``{"type": "error", "code": …, "message": …}`` and close with:

* 4400 the frame or its SDP cannot be read, or the frame nests too deeply
  (``live.realtime.frames.MAX_FRAME_DEPTH``),
* 4403 the publish socket for a show the user may not control,
* 4404 no such show, or not one offered in the socket's market,
* 4408 the negotiation took too long,
* 4409 the show is not live, or another studio tab took over publishing,
* 4410 the show has ended,
* 4413 the frame or its SDP is too large,
* 4415 the offer lacks the codec the show is relayed in,
* 4429 this client (IP address, account or browser session) already holds as many
  video connections as it may (``LIVE_MAX_VIEWERS_PER_ADDRESS``/``_PER_CLIENT``),
* 4503 this server has as many viewers as it takes (try again later).

Origins are checked by the ASGI stack (``AllowedHostsOriginValidator``). The media
itself is handled by ``live.streaming.sessions``; these consumers parse, check who
may do what, and call it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from live import realtime, selectors, streaming
from live.access import (
    ShowAction,
    access_show_for_control,
    access_show_for_view,
    market_for_scope,
)
from live.choices import ShowStatus
from live.streaming import PeerSession, StreamError

if TYPE_CHECKING:  # annotations only: rows are read through the selectors
    from live.models import Show

FRAME_OVERHEAD_BYTES = 1024

CLOSE_MALFORMED = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TIMEOUT = 4408
CLOSE_CONFLICT = 4409
CLOSE_ENDED = 4410
CLOSE_TOO_LARGE = 4413
CLOSE_CODEC = 4415
CLOSE_TOO_MANY = 4429
CLOSE_FULL = 4503

# Stream refusals that close the socket, and with which code; others leave it open.
_CLOSE_CODES = {
    "bad_sdp": CLOSE_MALFORMED,
    "timeout": CLOSE_TIMEOUT,
    "not_live": CLOSE_CONFLICT,
    "busy": CLOSE_CONFLICT,
    "too_large": CLOSE_TOO_LARGE,
    "codec": CLOSE_CODEC,
    "too_many": CLOSE_TOO_MANY,
    "full": CLOSE_FULL,
}


class _SignalingConsumer(AsyncWebsocketConsumer):
    role: streaming.Role
    # These sockets take no group messages: no channel-layer subscription each.
    channel_layer_alias = "live-signaling-without-layer"

    async def connect(self) -> None:
        self.show: Show | None = None
        self.session: PeerSession | None = None
        self.watcher: asyncio.Task[None] | None = None
        self.user = self.scope.get("user") or AnonymousUser()
        self.language = self._language()
        self.show_id = int(self.scope["url_route"]["kwargs"]["show_id"])
        show = await self._show()
        await self.accept()
        if show is None:
            await self._refuse(
                "not_found", _("This show does not exist."), CLOSE_NOT_FOUND
            )
            return
        try:
            await database_sync_to_async(self.access)(show)
        except PermissionDenied as error:
            await self._refuse("forbidden", error.args[0], CLOSE_FORBIDDEN)
            return
        except Http404:
            await self._refuse(
                "not_found", _("This show does not exist."), CLOSE_NOT_FOUND
            )
            return
        if not await self._live_check(show):
            return
        self.show = show

    def access(self, show: Show) -> None:
        """Raise PermissionDenied or Http404 when this user may not open the socket."""
        access_show_for_view(
            user=self.user, show=show, market=market_for_scope(scope=self.scope)
        )

    async def open_session(self, show: Show, sdp: object) -> PeerSession:
        raise NotImplementedError

    async def __call__(self, scope, receive, send) -> None:
        # The peer connection and its viewer slot go with the socket, however it ends.
        self.session = self.watcher = None
        self.data_saver = False
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._session_drop()

    async def disconnect(self, code: int) -> None:
        await self._session_drop()

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        if self.show is None:
            return
        frame = await self._parse(text_data, bytes_data)
        if frame is None:
            return
        if frame["type"] == "offer":
            await self._negotiate(frame.get("sdp"))
        elif frame["type"] == "quality":
            await self._quality(frame.get("data_saver"))
        elif frame["type"] == "stop":
            await self._session_drop()
        else:
            await self._send({"type": "pong"})

    # --- negotiation ---------------------------------------------------------------

    async def _negotiate(self, sdp: object) -> None:
        await self._session_drop()
        show = await self._show()
        if show is None or not await self._live_check(show):
            return
        try:
            session = await self.open_session(show, sdp)
        except StreamError as error:
            close_code = _CLOSE_CODES.get(error.code)
            if close_code is None:
                await self._error(error.code, error.message)
            else:
                await self._refuse(error.code, error.message, close_code)
            return
        self.session = session
        if self.data_saver:
            streaming.session_data_saver_set(session=session, on=True)
        self.watcher = asyncio.ensure_future(self._follow(session))
        await self._send({"type": "answer", "sdp": session.answer_sdp})

    async def _quality(self, data_saver: object) -> None:
        if self.role != "watch" or not isinstance(data_saver, bool):
            await self._refuse(
                "malformed", _("The message is not understood."), CLOSE_MALFORMED
            )
            return
        self.data_saver = data_saver
        if self.session is not None:
            streaming.session_data_saver_set(session=self.session, on=data_saver)

    async def _follow(self, session: PeerSession) -> None:
        """Tell the client when the server ends its connection, and why."""
        reason = await session.wait_closed()
        if self.session is not session:
            return
        self.session = None
        if reason == "ended":
            await self._send({"type": "ended"})
            await self.close(code=CLOSE_ENDED)
        elif reason == "replaced":
            await self._refuse(
                "replaced",
                _("Another studio window is publishing this show now."),
                CLOSE_CONFLICT,
            )
        else:
            await self._send({"type": "closed", "reason": reason})

    async def _session_drop(self) -> None:
        session, watcher = self.session, self.watcher
        self.session = self.watcher = None
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        if session is not None:
            await streaming.session_close(session=session)

    async def _live_check(self, show: Show) -> bool:
        if show.status == ShowStatus.LIVE:
            return True
        if show.status == ShowStatus.ENDED:
            await self._refuse("ended", _("The show has ended."), CLOSE_ENDED)
        else:
            await self._refuse("not_live", _("This show is not live."), CLOSE_CONFLICT)
        return False

    # --- frames ------------------------------------------------------------------

    async def _parse(
        self, text_data: str | None, bytes_data: bytes | None
    ) -> dict[str, Any] | None:
        limit = streaming.max_sdp_bytes() + FRAME_OVERHEAD_BYTES
        try:
            frame = realtime.frame_load(text_data, bytes_data, max_bytes=limit)
        except realtime.FrameDecodeError as error:
            message = {
                "too_large": _("The message is too large."),
                "too_deep": _("The message is nested too deeply."),
            }.get(error.code, _("The message is not understood."))
            await self._refuse(error.code, message, error.close_code)
            return None
        if frame.get("type") not in (
            "offer",
            "quality",
            "stop",
            "ping",
        ):
            await self._refuse(
                "malformed", _("The message is not understood."), CLOSE_MALFORMED
            )
            return None
        return frame

    async def _show(self) -> Show | None:
        return await database_sync_to_async(selectors.show_for_socket)(
            show_id=self.show_id
        )

    def _language(self) -> str:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        language = (query.get("lang") or [""])[0].lower()
        if language in settings.SHOPPER_LANGUAGES:
            return language
        return settings.LANGUAGE_CODE

    async def _send(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(payload, separators=(",", ":")))

    async def _error(self, code: str, message: object) -> None:
        with translation.override(self.language):
            text = str(message)
        await self._send({"type": "error", "code": code, "message": text})

    async def _refuse(self, code: str, message: object, close_code: int) -> None:
        await self._error(code, message)
        await self.close(code=close_code)


class PublishConsumer(_SignalingConsumer):
    """The studio's publishing socket: the host (or staff) sends camera and mic."""

    role = "publish"

    def access(self, show: Show) -> None:
        access_show_for_control(user=self.user, show=show, action=ShowAction.PUBLISH)

    async def open_session(self, show: Show, sdp: object) -> PeerSession:
        # The newest studio window wins: a reload must not lock its host out.
        return await streaming.stream_publish(show=show, offer_sdp=sdp, takeover=True)


class WatchConsumer(_SignalingConsumer):
    """A viewer's video socket: receive-only, while the show is live."""

    role = "watch"

    async def open_session(self, show: Show, sdp: object) -> PeerSession:
        session = self.scope.get("session")
        viewer = streaming.Viewer.of(
            address=(self.scope.get("client") or (None, 0))[0],
            user=self.user,
            session_key=session.session_key if session is not None else None,
        )
        return await streaming.stream_watch(show=show, offer_sdp=sdp, viewer=viewer)
