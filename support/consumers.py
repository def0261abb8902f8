"""WebSockets of support: a conversation's socket and the agent inbox's.

``ws/support/<conversation_id>/`` is opened by the shopper whose conversation it is
(their account, or the browser session of a guest) and by the agents who may answer
it (``support.access``); anyone else gets close code 4404. It starts with a ``sync``
frame (the history from the database), then carries each message once it is stored,
status changes, calls and the call's signaling (one SDP offer and one answer per
connection, ICE gathered before sending, as the live signaling does).

``ws/support/inbox/`` is the agents' socket: the queue they may see, sent again when
it changes, and alerts before a first-response target is missed.

Frames are JSON objects read by ``config.sockets.frame_load`` (size, depth), with a
``type``. Close codes: 4400 malformed or too deep, 4403 not an agent (inbox), 4404
no such conversation for this client, 4413 too large, 4429 too many frames.
Refusals a fair client can meet (empty or long text, writing too fast) answer with
an ``error`` frame and keep the socket open.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from config.sockets import FrameDecodeError, frame_load, window_hit
from support import realtime, selectors
from support.access import ConversationAction, access_conversation, is_agent
from support.services import calls as call_services
from support.services import conversations as chat_services
from support.services.errors import SupportRuleError

if TYPE_CHECKING:
    from shop.models import User

MAX_FRAME_BYTES = settings.LIVE_MAX_SDP_BYTES + 4096
FRAME_WINDOW_SECONDS = 10.0

CLOSE_MALFORMED = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_LARGE = 4413
CLOSE_TOO_MANY = 4429

# Each frame type and the fields it needs, with their types.
_NEEDS: dict[str, dict[str, type]] = {
    "ping": {},
    "sync": {},
    "message": {"text": str},
    "human": {},
    "resolved": {},
    "close": {},
    "csat": {"value": str},
    "call_start": {},
    "call_consent": {"call": int},
    "call_first_frame": {"call": int, "ms": int},
    "call_end": {"call": int},
    "signal": {"call": int, "kind": str},
}
_SHOPPER_ONLY = {"human", "resolved", "csat"}
_AGENT_ONLY = {"close"}


class FrameError(Exception):
    def __init__(self, code: str, close_code: int) -> None:
        super().__init__(code)
        self.code = code
        self.close_code = close_code


def frame_parse(raw: str | None, raw_bytes: bytes | None) -> dict[str, Any]:
    """A client frame, shape-checked; FrameError says why not."""
    try:
        data = frame_load(raw, raw_bytes, max_bytes=MAX_FRAME_BYTES)
    except FrameDecodeError as error:
        raise FrameError(error.code, error.close_code) from None
    needs = _NEEDS.get(data.get("type"))  # type: ignore[arg-type]
    if needs is None:
        raise FrameError("malformed", CLOSE_MALFORMED)
    for name, kind in needs.items():
        value = data.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise FrameError("malformed", CLOSE_MALFORMED)
    return data


class _SupportSocket(AsyncWebsocketConsumer):
    groups_joined: list[str]

    def _language(self) -> str:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        language = (query.get("lang") or [""])[0].lower()
        return language if language in settings.SHOPPER_LANGUAGES else "en"

    async def _send(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=realtime.frame_encode(payload))

    async def _error(self, code: str, message: str) -> None:
        await self._send({"type": "error", "code": code, "message": message})

    async def _refuse(self, code: str, message: str, close_code: int) -> None:
        await self._error(code, message)
        await self.close(code=close_code)

    def _messages(self) -> dict[str, str]:
        with translation.override(self.language):
            return {
                "malformed": _("The message is not understood."),
                "too_deep": _("The message is nested too deeply."),
                "too_large": _("The message is too large."),
                "too_many": _("Too many messages: please slow down."),
                "not_found": _("This conversation does not exist."),
                "forbidden": _("Only support agents may open the inbox."),
            }

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.append(group)

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _frame(
        self, text_data: str | None, bytes_data: bytes | None
    ) -> dict[str, Any] | None:
        """The parsed frame, or None once the socket has been refused."""
        allowed = await database_sync_to_async(window_hit)(
            key=f"support:frames:{self.channel_name}",
            limit=settings.SUPPORT_FRAMES_PER_WINDOW,
            window_seconds=FRAME_WINDOW_SECONDS,
        )
        if not allowed:
            await self._refuse("too_many", self._messages()["too_many"], CLOSE_TOO_MANY)
            return None
        try:
            return frame_parse(text_data, bytes_data)
        except FrameError as error:
            await self._refuse(
                error.code,
                self._messages().get(error.code, self._messages()["malformed"]),
                error.close_code,
            )
            return None

    async def support_frame(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])


class ConversationConsumer(_SupportSocket):
    """The socket of one conversation, for its shopper and its agents."""

    async def connect(self) -> None:
        self.groups_joined = []
        self.conversation = None
        self.role = ""
        self.user = self.scope.get("user") or AnonymousUser()
        self.language = self._language()
        session = self.scope.get("session")
        self.session_key = session.session_key if session is not None else None
        conversation_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        await self.accept()
        found = await database_sync_to_async(self._open)(conversation_id)
        if found is None:
            text = self._messages()["not_found"]
            await self._refuse("not_found", text, CLOSE_NOT_FOUND)
            return
        self.conversation, self.role, state = found
        await self._join(realtime.conversation_group(self.conversation.pk))
        state["role"] = self.role
        await self._send(state)

    def _open(self, conversation_id: int):
        for action, role in (
            (ConversationAction.CHAT, "shopper"),
            (ConversationAction.ANSWER, "agent"),
        ):
            try:
                conversation = access_conversation(
                    user=self.user,
                    session_key=self.session_key,
                    conversation_id=conversation_id,
                    action=action,
                )
            except Http404:
                continue
            return (
                conversation,
                role,
                selectors.conversation_state(conversation=conversation),
            )
        return None

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        if self.conversation is None:
            return
        frame = await self._frame(text_data, bytes_data)
        if frame is None:
            return
        kind = frame["type"]
        if (kind in _SHOPPER_ONLY and self.role != "shopper") or (
            kind in _AGENT_ONLY and self.role != "agent"
        ):
            await self._error("forbidden", self._messages()["malformed"])
            return
        if kind == "ping":
            await self._send({"type": "pong"})
        elif kind == "signal":
            await self._signal(frame)
        else:
            await self._work(frame)

    async def _signal(self, frame: dict[str, Any]) -> None:
        """Pass an SDP offer or answer, or a join or leave, to the other side."""
        if frame["kind"] not in call_services.SIGNAL_KINDS:
            await self._refuse(
                "malformed", self._messages()["malformed"], CLOSE_MALFORMED
            )
            return
        payload = {"type": "signal", "kind": frame["kind"], "call": frame["call"]}
        try:
            if frame["kind"] in ("offer", "answer"):
                payload["sdp"] = call_services.sdp_check(frame.get("sdp"))
            await self._run(self._call_check, call_id=frame["call"])
        except SupportRuleError as error:
            await self._error(error.code, str(error.message))
            return
        payload["from"] = self.role
        assert self.conversation is not None  # opened in connect()
        await self.channel_layer.group_send(
            realtime.conversation_group(self.conversation.pk),
            {
                "type": "support.signal",
                "text": realtime.frame_encode(payload),
                "sender": self.channel_name,
            },
        )

    async def support_signal(self, event: dict[str, Any]) -> None:
        if event["sender"] != self.channel_name:
            await self.send(text_data=event["text"])

    def _call_check(self, *, call_id: int) -> None:
        conversation = self._fresh()
        call = selectors.call_current(conversation=conversation)
        if call is None or call.pk != call_id:
            raise SupportRuleError(_("No such call."), code="not_found")

    def _fresh(self):
        """The conversation, with the access check made again (assignment changes)."""
        action = (
            ConversationAction.CHAT
            if self.role == "shopper"
            else ConversationAction.ANSWER
        )
        try:
            return access_conversation(
                user=self.user,
                session_key=self.session_key,
                conversation_id=self.conversation.pk,
                action=action,
            )
        except Http404:
            raise SupportRuleError(
                _("This conversation is no longer yours to answer."), code="forbidden"
            ) from None

    def _do(self, *, frame: dict[str, Any]) -> dict[str, Any] | None:
        conversation = self._fresh()
        kind = frame["type"]
        if kind == "sync":
            return selectors.conversation_state(conversation=conversation)
        if kind == "message":
            client_id = frame.get("client_id", "")
            if self.role == "agent":
                message = chat_services.agent_reply_post(
                    conversation=conversation,
                    agent=cast("User", self.user),  # an agent: signed in
                    text=frame["text"],
                    client_id=client_id,
                )
            else:
                message, _answers = chat_services.message_post(
                    conversation=conversation,
                    text=frame["text"],
                    page_language=self.language,
                    client_id=client_id,
                )
            return {"type": "ack", "id": message.pk, "client_id": message.client_id}
        if kind == "human":
            chat_services.human_request(conversation=conversation)
        elif kind == "resolved":
            chat_services.conversation_close(conversation=conversation, confirmed=True)
        elif kind == "close":
            chat_services.conversation_close(conversation=conversation)
        elif kind == "csat":
            chat_services.csat_record(conversation=conversation, value=frame["value"])
        elif kind == "call_start":
            call = call_services.call_start(
                conversation=conversation, started_by=self.role
            )
            return {"type": "call", "call": selectors.call_as_json(call)}
        elif kind == "call_consent":
            call_services.call_recording_consent(
                conversation=conversation, call_id=frame["call"], role=self.role
            )
        elif kind == "call_first_frame":
            call_services.call_first_frame(
                conversation=conversation, call_id=frame["call"], ms=frame["ms"]
            )
        elif kind == "call_end":
            call_services.call_end(conversation=conversation, call_id=frame["call"])
        return None

    async def _work(self, frame: dict[str, Any]) -> None:
        try:
            reply = await self._run(self._do, frame=frame)
        except SupportRuleError as error:
            await self._error(error.code, str(error.message))
            return
        if reply is not None:
            await self._send(reply)

    async def _run(self, function, **kwargs: Any) -> Any:
        """Sync work in a worker thread, in the socket's language."""
        language = self.language

        def run() -> Any:
            with translation.override(language):
                try:
                    return function(**kwargs)
                except SupportRuleError as error:
                    error.message = str(error.message)
                    raise

        return await database_sync_to_async(run)()


class InboxConsumer(_SupportSocket):
    """The agents' inbox: their queue, live, and first-response alerts."""

    async def connect(self) -> None:
        self.groups_joined = []
        self.user = self.scope.get("user") or AnonymousUser()
        self.language = self._language()
        await self.accept()
        if not await database_sync_to_async(is_agent)(self.user):
            text = self._messages()["forbidden"]
            await self._refuse("forbidden", text, CLOSE_FORBIDDEN)
            return
        await self._join(realtime.INBOX_GROUP)
        await self._send_queue()

    def _queue(self) -> list[dict[str, Any]]:
        with translation.override(self.language):
            return [
                selectors.queue_row_as_json(row)
                for row in selectors.inbox_queue(agent=self.user)
            ]

    async def _send_queue(self, alert: dict[str, Any] | None = None) -> None:
        rows = await database_sync_to_async(self._queue)()
        payload: dict[str, Any] = {"type": "queue", "rows": rows}
        if alert is not None and any(r["id"] == alert["conversation"] for r in rows):
            payload["alert"] = alert
        await self._send(payload)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        if not self.groups_joined:
            return
        frame = await self._frame(text_data, bytes_data)
        if frame is None:
            return
        if frame["type"] == "ping":
            await self._send({"type": "pong"})
        elif frame["type"] == "sync":
            await self._send_queue()
        else:
            await self._refuse(
                "malformed", self._messages()["malformed"], CLOSE_MALFORMED
            )

    async def support_frame(self, event: dict[str, Any]) -> None:
        # Each agent sees a different part of the queue: it is read again per socket.
        payload = json.loads(event["text"])
        await self._send_queue(
            alert=payload if payload.get("type") == "alert" else None
        )
