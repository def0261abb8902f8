"""WebSockets of a live show: comments, reactions, viewer count, moderation.

``ws/live/<show_id>/`` is the viewers' socket: anyone may connect and watch the chat,
signed-in users may comment, react and report, and the host and staff may also
delete and pin comments and ban users. ``ws/live/<show_id>/host/`` is the studio's
socket: the same, plus report notices, for the show's host and staff. Who may open
which is decided in ``live.access``: the viewers' socket only in a market the show is
offered in.

Frames are JSON objects of at most ``MAX_FRAME_BYTES``, nested at most
``live.realtime.frames.MAX_FRAME_DEPTH`` deep, with a ``type``. Close codes:

* 4400 the frame is not a JSON object of a known type with the fields it needs, or
  it nests too deeply (error code ``too_deep``),
* 4403 the host socket for a show the user may not control,
* 4404 no such show, or not one offered in the socket's market,
* 4413 the frame is larger than ``MAX_FRAME_BYTES``,
* 4422 the comment is empty or too long (the page's form never sends those).

A comment frame may carry a ``client_id`` (at most 64 characters, unique per message
of that client): the ``ack`` names it and the comment's id, and a resend with the same
``client_id`` (after a reconnect) gets the same comment back rather than a second one.

The studio's ``answer`` frame (``comment_id``) posts the suggested answer to a
viewer's product question as the host's reply. Suggestions reach only the studio
socket (``{"type": "suggestion", "comment_id", "text", "language", "product"}``),
after the comment is broadcast; see ``live.services.suggestions``.

A client that notices a gap in the ticks' ``seq`` numbers sends ``{"type": "sync"}``
and gets the ``sync`` frame again (recent comments and pins from the database); at
most one per ``SYNC_INTERVAL_SECONDS``, a later one is sent when that is over. A
publish that fails for good skips a ``seq`` number so that every viewer resyncs.

Rule refusals that a fair viewer can run into (slow mode, rate limit, banned word, a
link, a ban, not signed in) answer with an ``error`` frame and keep the socket open.
The consumer only parses, checks who may do what, and calls one service or selector;
how frames reach every viewer is explained in ``live.realtime``.
"""

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from live import realtime, selectors
from live.access import (
    ShowAction,
    access_show_for_control,
    access_show_for_view,
    market_for_scope,
)
from live.choices import COMMENT_CLIENT_ID_MAX_LENGTH, Reaction, ReportReason
from live.services import comments as comment_services
from live.services import suggestions as suggestion_services
from live.services.errors import LiveRuleError

if TYPE_CHECKING:  # annotations only: comments are read through the selectors
    from live.models import Comment
    from shop.models import Market, User

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 4096
REACTIONS_PER_SECOND = 10
SYNC_INTERVAL_SECONDS = 2.0

CLIENT_ID_MAX_LENGTH = COMMENT_CLIENT_ID_MAX_LENGTH

CLOSE_MALFORMED = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_LARGE = 4413
CLOSE_INVALID_COMMENT = 4422


class FrameError(Exception):
    """A frame that breaks the protocol; the socket closes with `close_code`."""

    def __init__(self, code: str, message: str, close_code: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.close_code = close_code


@dataclass(frozen=True)
class ClientFrame:
    """One parsed frame from a client."""

    type: str
    text: str = ""
    kind: str = ""
    comment_id: int = 0
    reason: str = ""
    client_id: str = ""


_NEEDS = {
    "comment": ("text",),
    "react": ("kind",),
    "report": ("comment_id",),
    "delete": ("comment_id",),
    "pin": ("comment_id",),
    "ban": ("comment_id",),
    "answer": ("comment_id",),
    "unpin": (),
    "ping": (),
    "sync": (),
}


def frame_parse(raw: str | None, raw_bytes: bytes | None) -> ClientFrame:
    """Parse and shape-check a client frame; protocol breaches raise FrameError."""
    try:
        data = realtime.frame_load(raw, raw_bytes, max_bytes=MAX_FRAME_BYTES)
    except realtime.FrameDecodeError as error:
        message = {
            "too_large": _("The message is too large."),
            "too_deep": _("The message is nested too deeply."),
        }.get(error.code, _("The message is not understood."))
        raise FrameError(error.code, message, error.close_code) from None
    if data.get("type") not in _NEEDS:
        raise FrameError(
            "malformed", _("The message is not understood."), CLOSE_MALFORMED
        )
    frame_type = data["type"]
    fields: dict[str, Any] = {}
    for name in _NEEDS[frame_type]:
        value = data.get(name)
        expected = int if name == "comment_id" else str
        if not isinstance(value, expected) or isinstance(value, bool):
            raise FrameError(
                "malformed", _("The message is not understood."), CLOSE_MALFORMED
            )
        fields[name] = value
    if frame_type == "comment":
        client_id = data.get("client_id", "")
        if not isinstance(client_id, str) or len(client_id) > CLIENT_ID_MAX_LENGTH:
            raise FrameError(
                "malformed", _("The message is not understood."), CLOSE_MALFORMED
            )
        fields["client_id"] = client_id
    if frame_type == "report":
        reason = data.get("reason", ReportReason.OTHER)
        fields["reason"] = reason if isinstance(reason, str) else ""
    return ClientFrame(type=frame_type, **fields)


# Suggestions outlive the frame that started them (and may outlive the socket: the
# studio still wants the answer); holding the tasks keeps them from being collected.
# They run on their own few threads, never in the executor that stores comments, and
# beyond SUGGESTIONS_IN_FLIGHT at once in a process a comment gets none: in a busy
# chat the comments must not queue behind the assistant.
SUGGESTION_THREADS = 2
SUGGESTIONS_IN_FLIGHT = 8
_suggestion_pool = ThreadPoolExecutor(
    max_workers=SUGGESTION_THREADS, thread_name_prefix="live-suggest"
)
_pending: set[asyncio.Task[None]] = set()


def _background(work) -> None:
    if len(_pending) >= SUGGESTIONS_IN_FLIGHT:
        work.close()
        logger.info("live: too many suggestions in flight; one comment gets none")
        return
    task = asyncio.ensure_future(work)
    _pending.add(task)
    task.add_done_callback(_pending.discard)


class ShowConsumer(AsyncWebsocketConsumer):
    """A viewer's socket for one show."""

    host_socket = False
    joined = False

    async def __call__(self, scope, receive, send) -> None:
        # Whatever ends the socket (a close, a crash in a handler, a cancelled task),
        # it leaves its show: otherwise it stays a counted viewer that still gets
        # every tick and keeps the show's pump running.
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._leave()

    async def connect(self) -> None:
        self.show = None
        self.pump = None
        self.market: Market | None = None
        self.user = self.scope.get("user") or AnonymousUser()
        self.language = self._language()
        self._taps = (0.0, 0)
        self._synced_at = 0.0
        self._sync_later: asyncio.Task[None] | None = None
        show_id = int(self.scope["url_route"]["kwargs"]["show_id"])
        show = await database_sync_to_async(selectors.show_for_socket)(show_id=show_id)
        await self.accept()
        if show is None:
            await self._refuse(
                "not_found",
                self._text(gettext_lazy("This show does not exist.")),
                CLOSE_NOT_FOUND,
            )
            return
        refusal = await database_sync_to_async(self._refusal)(show)
        if refusal is not None:
            await self._refuse(*refusal)
            return
        self.show = show
        self.joined = True
        self.pump = await realtime.pump_join(
            show_id=show.pk, socket=self, counted=not self.host_socket
        )
        if self.host_socket:
            await self.channel_layer.group_add(
                realtime.host_group_name(show.pk), self.channel_name
            )
        await self._send_sync()

    def _refusal(self, show) -> tuple[str, str, int] | None:
        """Why this user may not open this socket of the show, or None."""
        try:
            if self.host_socket:
                access_show_for_control(
                    user=self.user, show=show, action=ShowAction.STUDIO_OPEN
                )
            else:
                self.market = market_for_scope(scope=self.scope)
                access_show_for_view(user=self.user, show=show, market=self.market)
        except PermissionDenied as error:
            return "forbidden", self._text(error.args[0]), CLOSE_FORBIDDEN
        except Http404:
            text = self._text(gettext_lazy("This show does not exist."))
            return "not_found", text, CLOSE_NOT_FOUND
        return None

    async def _send_sync(self) -> None:
        """Recent comments and what is pinned, from the database: nothing is missed."""
        assert self.show is not None and self.pump is not None  # joined in connect()
        self._synced_at = time.monotonic()
        state = await database_sync_to_async(selectors.show_sync_state)(show=self.show)
        state["viewers"] = await self.pump.viewers()
        state["can_moderate"] = comment_services.can_moderate(
            show=self.show, user=self.user
        )
        state["signed_in"] = bool(self.user.is_authenticated)
        await self.send(text_data=realtime.frame_encode(state))

    async def disconnect(self, code: int) -> None:
        await self._leave()

    async def _leave(self) -> None:
        """Leave the show once: the pump, its presence and the host group."""
        if not self.joined:
            return
        self.joined = False
        if self._sync_later is not None:
            self._sync_later.cancel()
        assert self.show is not None  # joined in connect()
        show_id = self.show.pk
        try:
            await realtime.pump_leave(show_id=show_id, socket=self)
        finally:
            if self.host_socket:
                await self.channel_layer.group_discard(
                    realtime.host_group_name(show_id), self.channel_name
                )

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels runs close_old_connections in a worker thread before every
        # handler. No handler here touches the database on the event loop (those
        # that do use database_sync_to_async, which cleans up in its own thread), so
        # the hop is skipped: it would serialise every socket's frames on one thread.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        if self.show is None:
            return
        try:
            with translation.override(self.language):
                frame = frame_parse(text_data, bytes_data)
        except FrameError as error:
            await self._refuse(error.code, error.message, error.close_code)
            return
        await getattr(self, f"on_{frame.type}")(frame)

    async def live_host(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])

    # --- client frames -----------------------------------------------------------

    async def on_ping(self, frame: ClientFrame) -> None:
        await self._send({"type": "pong"})

    async def on_sync(self, frame: ClientFrame) -> None:
        # Asked for after a gap in the ticks' numbers; at most once per interval. One
        # asked for sooner is sent when the interval is over, never dropped: the
        # client counts on it to fill the gap.
        wait = self._synced_at + SYNC_INTERVAL_SECONDS - time.monotonic()
        if wait <= 0:
            await self._send_sync()
        elif self._sync_later is None:
            self._sync_later = asyncio.ensure_future(self._send_sync_after(wait))

    async def _send_sync_after(self, wait: float) -> None:
        await asyncio.sleep(wait)
        self._sync_later = None
        if self.joined:
            await self._send_sync()

    async def on_comment(self, frame: ClientFrame) -> None:
        received = time.time()
        try:
            comment = await self._call(
                comment_services.comment_post,
                show=self.show,
                user=self.user,
                text=frame.text,
                language=self.language,
                client_id=frame.client_id,
            )
        except LiveRuleError as error:
            if error.code in comment_services.FATAL_CODES:
                await self._refuse(
                    error.code, str(error.message), CLOSE_INVALID_COMMENT
                )
            else:
                await self._error(error.code, str(error.message))
            return
        realtime.timing_stamp("received", comment.pk, received)
        # Sent once the comment is committed; a resend with the same client_id
        # gets the same id back.
        await self._send(
            {"type": "ack", "id": comment.pk, "client_id": frame.client_id}
        )
        if settings.LIVE_COMMENT_SUGGESTER and not self.host_socket:
            _background(self._suggest(comment))

    async def _suggest(self, comment: "Comment") -> None:
        """Send the studio a suggested answer, if the comment is a product question.

        Runs after the comment is stored, broadcast and acknowledged, off the socket's
        frame handling: a slow or failing suggester costs the viewer nothing. One
        slower than ``LIVE_COMMENT_SUGGEST_SECONDS`` is given up on (its thread runs
        to its end, its result is dropped).
        """
        assert self.show is not None  # joined in connect()
        show_id, language, market = self.show.pk, self.language, self.market

        def make() -> dict[str, Any] | None:
            with translation.override(language):
                return suggestion_services.comment_suggestion_make(
                    comment=comment, market=market
                )

        try:
            payload = await asyncio.wait_for(
                database_sync_to_async(
                    make, thread_sensitive=False, executor=_suggestion_pool
                )(),
                timeout=settings.LIVE_COMMENT_SUGGEST_SECONDS,
            )
        except TimeoutError:
            logger.warning("live: no suggestion for comment %s in time", comment.pk)
            return
        except Exception:
            logger.exception("live: suggesting an answer to %s failed", comment.pk)
            return
        if payload is not None:
            await self.channel_layer.group_send(
                realtime.host_group_name(show_id),
                {"type": "live.host", "text": realtime.frame_encode(payload)},
            )

    async def on_react(self, frame: ClientFrame) -> None:
        if frame.kind not in Reaction.values:
            await self._error(
                "reaction", self._text(gettext_lazy("This reaction is not offered."))
            )
            return
        second, count = self._taps
        now = int(time.monotonic())
        if now != second:
            second, count = now, 0
        if count >= REACTIONS_PER_SECOND:
            return  # taps beyond the limit are dropped silently: they are only hearts
        self._taps = (second, count + 1)
        assert self.pump is not None  # joined in connect()
        self.pump.react(frame.kind)

    async def on_report(self, frame: ClientFrame) -> None:
        await self._moderate(
            self._report, comment_id=frame.comment_id, reason=frame.reason
        )

    async def on_delete(self, frame: ClientFrame) -> None:
        await self._moderate(self._delete, comment_id=frame.comment_id)

    async def on_pin(self, frame: ClientFrame) -> None:
        await self._moderate(self._pin, comment_id=frame.comment_id)

    async def on_unpin(self, frame: ClientFrame) -> None:
        await self._moderate(self._unpin)

    async def on_ban(self, frame: ClientFrame) -> None:
        await self._moderate(self._ban, comment_id=frame.comment_id)

    async def on_answer(self, frame: ClientFrame) -> None:
        await self._moderate(self._answer, comment_id=frame.comment_id)

    # --- synchronous work, each in one worker-thread call ----------------------

    def _comment(self, comment_id: int) -> "Comment":
        assert self.show is not None  # joined in connect()
        comment = selectors.comment_in_show(comment_id=comment_id, show_id=self.show.pk)
        if comment is None:
            raise LiveRuleError(_("This comment does not exist."), code="not_found")
        return comment

    def _report(self, *, comment_id: int, reason: str) -> dict[str, Any]:
        user = cast("User", self.user)  # _moderate() admits signed-in users only
        comment_services.comment_report(
            comment=self._comment(comment_id), reporter=user, reason=reason
        )
        return {"type": "reported", "comment_id": comment_id}

    def _delete(self, *, comment_id: int) -> dict[str, Any]:
        user = cast("User", self.user)  # _moderate() admits signed-in users only
        comment_services.comment_delete(comment=self._comment(comment_id), by=user)
        return {"type": "done", "action": "delete", "comment_id": comment_id}

    def _pin(self, *, comment_id: int) -> dict[str, Any]:
        user = cast("User", self.user)  # _moderate() admits signed-in users only
        comment_services.comment_pin(comment=self._comment(comment_id), by=user)
        return {"type": "done", "action": "pin", "comment_id": comment_id}

    def _unpin(self) -> dict[str, Any]:
        user = cast("User", self.user)  # _moderate() admits signed-in users only
        assert self.show is not None  # joined in connect()
        comment_services.comment_unpin(show=self.show, by=user)
        return {"type": "done", "action": "unpin"}

    def _ban(self, *, comment_id: int) -> dict[str, Any]:
        user = cast("User", self.user)  # _moderate() admits signed-in users only
        assert self.show is not None  # joined in connect()
        comment = self._comment(comment_id)
        if comment.user is None:
            raise LiveRuleError(
                _("The author's account no longer exists."), code="gone"
            )
        comment_services.show_ban_add(show=self.show, user=comment.user, by=user)
        return {"type": "done", "action": "ban", "comment_id": comment_id}

    def _answer(self, *, comment_id: int) -> dict[str, Any]:
        user = cast("User", self.user)  # _moderate() admits signed-in users only
        reply = suggestion_services.comment_suggestion_post(
            comment=self._comment(comment_id), by=user
        )
        return {"type": "answered", "comment_id": comment_id, "id": reply.pk}

    # --- helpers -----------------------------------------------------------------

    async def _moderate(self, work, **kwargs: Any) -> None:
        if not self.user.is_authenticated:
            await self._error("sign_in", self._text(gettext_lazy("Sign in first.")))
            return
        try:
            reply = await self._call(work, **kwargs)
        except PermissionDenied as error:
            await self._error(
                "forbidden", str(error) or self._text(gettext_lazy("Not allowed."))
            )
            return
        except LiveRuleError as error:
            await self._error(error.code, str(error.message))
            return
        await self._send(reply)

    async def _call(self, function, **kwargs: Any) -> Any:
        """Run sync work in a worker thread with the socket's language active."""
        language = self.language

        def run() -> Any:
            with translation.override(language), realtime.queries_timed():
                try:
                    return function(**kwargs)
                except LiveRuleError as error:
                    error.message = str(error.message)  # render in this language
                    raise
                except PermissionDenied as error:
                    raise PermissionDenied(str(error)) from None

        # Not thread-sensitive: the writes of different sockets run side by side in
        # the loop's executor rather than queueing behind one thread (on a busy
        # machine that queue was most of a comment's latency). Each socket still
        # handles its own frames one after another.
        return await database_sync_to_async(run, thread_sensitive=False)()

    def _text(self, message) -> str:
        """A lazily translated message, rendered in the socket's language."""
        with translation.override(self.language):
            return str(message)

    def _language(self) -> str:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        language = (query.get("lang") or [""])[0].lower()
        if language in settings.SHOPPER_LANGUAGES:
            return language
        return settings.LANGUAGE_CODE

    async def _send(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=realtime.frame_encode(payload))

    async def _error(self, code: str, message: str) -> None:
        await self._send({"type": "error", "code": code, "message": message})

    async def _refuse(self, code: str, message: str, close_code: int) -> None:
        await self._error(code, message)
        await self.close(code=close_code)
        await self._leave()  # a refused socket stops counting at once


class HostConsumer(ShowConsumer):
    """The studio's socket: the show's host and staff; also receives report notices."""

    host_socket = True
