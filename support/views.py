"""Support pages and the chat's HTTP interface; each view parses, checks, calls one
service or selector and renders.

``POST /<lang>/support/api/messages`` takes ``{"text": …, "conversation": id,
"language": code, "timezone": zone, "client_id": …}`` (only ``text`` is required) and
answers with the assistant's reply: ``reply``, ``language``, ``intent``, ``handoff``,
``handoff_reason``, ``facts``, ``links``, ``conversation`` and ``messages`` (every
message this request stored). It takes JSON only (415 otherwise), so a form on another
site cannot post to it; errors are ``{"error": code, "message": text}`` with 400, 404,
413 or 429.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from config.sockets import FrameDecodeError, frame_load
from support import selectors
from support.access import (
    ConversationAction,
    access_conversation,
    is_agent,
    is_supervisor,
)
from support.assistant import assistant_answer
from support.services import conversations as chat_services
from support.services.calls import call_recording_allowed
from support.services.errors import SupportRuleError

if TYPE_CHECKING:
    from shop.models import User

API_MAX_BYTES = 16 * 1024
_STATUS = {"rate_limited": 429, "too_long": 413, "forbidden": 404}


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def _session_key(request: HttpRequest) -> str | None:
    return request.session.session_key


def _body(request: HttpRequest) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise SupportRuleError(
            _("Send JSON (Content-Type: application/json)."), code="json"
        )
    if len(request.body) > API_MAX_BYTES:
        raise SupportRuleError(_("The message is too large."), code="too_large")
    try:
        return frame_load(request.body.decode("utf-8"), None, max_bytes=API_MAX_BYTES)
    except (FrameDecodeError, UnicodeDecodeError):
        raise SupportRuleError(
            _("The message is not understood."), code="malformed"
        ) from None


@csrf_exempt  # JSON only: browsers send that cross-site only after CORS allows it
@require_POST
def api_messages(request: HttpRequest) -> JsonResponse:
    """A shopper's message over HTTP: stored, answered, handed off when needed."""
    try:
        data = _body(request)
    except SupportRuleError as error:
        status = {"json": 415, "too_large": 413}.get(error.code, 400)
        return _error(error.code, str(error.message), status)
    conversation_id = data.get("conversation")
    language = data.get("language") or ""
    if not isinstance(language, str) or (
        language and language not in settings.SHOPPER_LANGUAGES
    ):
        return _error("language", _("This language is not offered."), 400)
    try:
        chat_services.text_check(data.get("text"))
        if conversation_id is None:
            conversation = selectors.conversation_current(
                user=request.user, session_key=_session_key(request)
            )
            if conversation is None:
                if not request.session.session_key:
                    request.session.save()
                conversation = chat_services.conversation_start(
                    user=request.user,
                    session_key=_session_key(request) or "",
                    market=request.market,  # type: ignore[attr-defined]
                    language=language or get_language(),
                    shopper_timezone=data.get("timezone") or "",
                )
        else:
            conversation = access_conversation(
                user=request.user,
                session_key=_session_key(request),
                conversation_id=conversation_id,
            )
        stored, answers = chat_services.message_post(
            conversation=conversation,
            text=data.get("text"),
            page_language=get_language(),
            explicit_language=language,
            client_id=data.get("client_id", ""),
        )
    except Http404:
        return _error("not_found", _("This conversation does not exist."), 404)
    except SupportRuleError as error:
        return _error(error.code, str(error.message), _STATUS.get(error.code, 400))
    conversation.refresh_from_db(fields=["status", "handoff_reason", "language"])
    reply = answers[0] if answers else None
    messages = [selectors.message_as_json(m) for m in (stored, *answers)]
    return JsonResponse(
        {
            "conversation": conversation.pk,
            "reply": reply.text if reply else "",
            "language": (reply.language if reply else stored.language)
            or conversation.language,
            "intent": reply.intent if reply else "",
            "handoff": any(m.handoff for m in answers)
            or (conversation.status != "assistant"),
            "handoff_reason": conversation.handoff_reason,
            "facts": list(reply.facts) if reply else [],
            "links": list(reply.links) if reply else [],
            "messages": messages,
        }
    )


@require_GET
def api_conversation(request: HttpRequest) -> JsonResponse:
    """The shopper's current conversation and its history (null without one)."""
    conversation = selectors.conversation_current(
        user=request.user, session_key=_session_key(request)
    )
    if conversation is None:
        return JsonResponse({"conversation": None, "messages": []})
    state = selectors.conversation_state(conversation=conversation)
    return JsonResponse(state)


@require_GET
def support_page(request: HttpRequest) -> HttpResponse:
    """The chat on a page of its own (the widget opens here without scripts)."""
    return render(request, "support/page.html", {"support_page": True})


def _viewer(request: HttpRequest, conversation_id: int):
    """The conversation and who opens it: its shopper, or an agent who may."""
    for action, role in (
        (ConversationAction.CHAT, "shopper"),
        (ConversationAction.ANSWER, "agent"),
    ):
        try:
            conversation = access_conversation(
                user=request.user,
                session_key=_session_key(request),
                conversation_id=conversation_id,
                action=action,
            )
        except Http404:
            continue
        return conversation, role
    raise Http404


@require_GET
def call_page(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The 1:1 video call of a conversation, for its shopper or its agent."""
    conversation, role = _viewer(request, conversation_id)
    call = selectors.call_current(conversation=conversation)
    return render(
        request,
        "support/call.html",
        {
            "conversation": conversation,
            "role": role,
            "call": call,
            "recording_allowed": bool(call and call_recording_allowed(call=call)),
            "ice_servers": json.dumps(list(settings.LIVE_ICE_SERVERS)),
        },
    )


def _agent_or_login(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_agent(request.user):
        raise Http404
    return None


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The agents' inbox: the queue they may see, least time left first."""
    refused = _agent_or_login(request)
    if refused is not None:
        return refused
    rows = selectors.inbox_queue(agent=request.user)
    return render(
        request,
        "support/inbox.html",
        {"rows": rows, "supervisor": is_supervisor(request.user)},
    )


@require_GET
def inbox_conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One conversation for an agent: the shopper's context and a suggested reply."""
    refused = _agent_or_login(request)
    if refused is not None:
        return refused
    conversation = access_conversation(
        user=request.user,
        session_key=None,
        conversation_id=conversation_id,
        action=ConversationAction.ANSWER,
    )
    last = selectors.last_shopper_message(conversation=conversation)
    suggestion = (
        assistant_answer(
            text=last.text,
            market=conversation.market,
            user=conversation.user,
            history=selectors.conversation_turns(conversation=conversation),
            explicit_language=conversation.language,
        ).text
        if last is not None
        else ""
    )
    return render(
        request,
        "support/inbox_conversation.html",
        {
            "conversation": conversation,
            "history": selectors.conversation_messages(conversation=conversation),
            "orders": selectors.shopper_orders(conversation=conversation),
            "local_time": selectors.shopper_local_time(conversation=conversation),
            "suggestion": suggestion,
            "canned": selectors.canned_replies(language=conversation.language),
            "agents": selectors.agents() if is_supervisor(request.user) else [],
        },
    )


@require_POST
def inbox_assign(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Take a conversation from the queue, or (a supervisor) give it to an agent."""
    refused = _agent_or_login(request)
    if refused is not None:
        return refused
    conversation = access_conversation(
        user=request.user,
        session_key=None,
        conversation_id=conversation_id,
        action=ConversationAction.ASSIGN,
    )
    by = cast("User", request.user)  # _agent_or_login let only agents in
    agent = selectors.agent_by_id(request.POST.get("agent")) or by
    try:
        chat_services.conversation_assign(conversation=conversation, agent=agent, by=by)
    except SupportRuleError as error:
        return HttpResponse(str(error.message), status=403)
    return redirect("support:inbox_conversation", conversation_id=conversation.pk)
