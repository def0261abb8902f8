"""Conversations: the shopper's messages, the assistant's answers, handoff to people,
agents' replies, assignment, closing, ratings."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.sockets import window_hit
from shop.markets.services import shopper_language
from shop.models import Market, User
from support import realtime
from support.access import (
    ConversationAction,
    conversation_may,
    is_agent,
    is_supervisor,
)
from support.assistant import AssistantReply, assistant_answer
from support.assistant.retrieval import EMAIL, order_lookup
from support.models import (
    Author,
    Conversation,
    ConversationOutcome,
    ConversationStatus,
    Csat,
    HandoffReason,
    Message,
    Resolution,
)
from support.selectors import conversation_turns, message_as_json
from support.services.errors import SupportRuleError
from support.services.hours import (
    first_response_due,
    first_response_target,
    local_time_text,
    shopper_zone,
    support_next_opening,
)

MESSAGE_MAX_LENGTH = 2000
CLIENT_ID_MAX_LENGTH = 64
TIMEZONE_MAX_LENGTH = 64
CONTACT_EMAIL_MAX_LENGTH = 254  # Conversation.contact_email, as RFC 5321 allows


def text_check(text: object) -> str:
    """A message's text, stripped; empty, too long or not text is refused."""
    if not isinstance(text, str):
        raise SupportRuleError(_("A message must be text."), code="invalid")
    text = "".join(ch for ch in text if ch >= " " or ch in "\n\t").strip()
    if not text:
        raise SupportRuleError(_("A message cannot be empty."), code="empty")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise SupportRuleError(
            _("A message can have at most %(max)d characters.")
            % {"max": MESSAGE_MAX_LENGTH},
            code="too_long",
        )
    return text


def _rate_check(*, conversation: Conversation) -> None:
    allowed = window_hit(
        key=f"support:messages:{conversation.pk}",
        limit=settings.SUPPORT_MESSAGES_PER_WINDOW,
        window_seconds=settings.SUPPORT_MESSAGE_WINDOW_SECONDS,
    )
    if not allowed:
        raise SupportRuleError(
            _("You are writing too fast: please wait a few seconds."),
            code="rate_limited",
        )


def conversation_start(
    *,
    user: User | AnonymousUser | None,
    session_key: str,
    market: Market,
    language: str,
    shopper_timezone: str = "",
) -> Conversation:
    """A new conversation for an account (by user) or a guest (by session)."""
    account = user if isinstance(user, User) else None
    if account is None and not session_key:
        raise SupportRuleError(_("Your browser session has expired."), code="session")
    conversation = Conversation.objects.create(
        user=account,
        session_key="" if account else session_key,
        market=market,
        language=shopper_language(language),
        shopper_timezone=_zone_name(shopper_timezone),
    )
    ConversationOutcome.objects.create(
        conversation=conversation, market=market, started_at=conversation.created_at
    )
    return conversation


def _zone_name(name: object) -> str:
    if not isinstance(name, str) or len(name) > TIMEZONE_MAX_LENGTH:
        return ""
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return ""
    return name


def message_store(*, conversation: Conversation, **fields) -> Message:
    message = Message.objects.create(conversation=conversation, **fields)
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=message.created_at
    )
    conversation.last_message_at = message.created_at
    realtime.conversation_publish(
        conversation_id=conversation.pk,
        payload={"type": "message", "message": message_as_json(message)},
    )
    return message


def _reopen_if_closed(conversation: Conversation, now: datetime) -> None:
    if conversation.status != ConversationStatus.CLOSED:
        return
    came_back = conversation.closed_at is not None and now - conversation.closed_at < (
        timedelta(hours=settings.SUPPORT_REOPEN_HOURS)
    )
    conversation.status = (
        ConversationStatus.ASSIGNED
        if conversation.assigned_to_id
        else ConversationStatus.ASSISTANT
        if not conversation.handed_off_at
        else ConversationStatus.QUEUED
    )
    conversation.closed_at = None
    conversation.save(update_fields=["status", "closed_at"])
    # Back within a day: what looked resolved was not. Later than that it is a new
    # question, and the earlier resolution stands until the next close.
    if came_back:
        ConversationOutcome.objects.filter(conversation=conversation).update(
            resolution=Resolution.OPEN, reopened=True
        )


def message_post(
    *,
    conversation: Conversation,
    text: object,
    page_language: str = "",
    explicit_language: str = "",
    client_id: object = "",
    now: datetime | None = None,
) -> tuple[Message, list[Message]]:
    """Store a shopper's message and what answers it at once (the assistant, and a
    note on when a person answers); hand the conversation to people when the
    assistant says so. Returns the shopper's message and the answers."""
    if not isinstance(client_id, str) or len(client_id) > CLIENT_ID_MAX_LENGTH:
        raise SupportRuleError(_("The message id is not valid."), code="invalid")
    if client_id:
        stored = conversation.messages.filter(client_id=client_id).first()
        if stored is not None:
            answers = list(
                conversation.messages.filter(pk__gt=stored.pk)
                .exclude(author=Author.SHOPPER)
                .order_by("pk")[:2]
            )
            return stored, answers
    text = text_check(text)
    _rate_check(conversation=conversation)
    now = now or timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        _reopen_if_closed(conversation, now)
        history = conversation_turns(conversation=conversation)
        try:
            with transaction.atomic():
                shopper_message = message_store(
                    conversation=conversation,
                    author=Author.SHOPPER,
                    text=text,
                    client_id=client_id,
                )
        except IntegrityError:  # the same client_id, sent twice at once
            return conversation.messages.get(client_id=client_id), []
        _contact_email_note(conversation=conversation, text=text)
        if conversation.status != ConversationStatus.ASSISTANT:
            _inbox_changed(conversation)
            return shopper_message, []
        reply = assistant_answer(
            text=text,
            market=conversation.market,
            user=conversation.user,
            history=history,
            explicit_language=explicit_language or None,
            page_language=page_language or conversation.language,
        )
        if reply.language in settings.SHOPPER_LANGUAGES:
            Message.objects.filter(pk=shopper_message.pk).update(
                language=reply.language, intent=reply.intent
            )
            if conversation.language != reply.language:
                conversation.language = reply.language
                conversation.save(update_fields=["language"])
        answers = [_assistant_message_add(conversation=conversation, reply=reply)]
        ConversationOutcome.objects.filter(conversation=conversation).update(
            assistant_involved=True
        )
        if reply.handoff:
            note = conversation_handoff(
                conversation=conversation,
                reason=reply.handoff_reason or HandoffReason.LOW_CONFIDENCE,
                now=now,
            )
            if note is not None:
                answers.append(note)
    return shopper_message, answers


def _contact_email_note(*, conversation: Conversation, text: str) -> None:
    """Remember the address of a guest who proves an order in the chat (its number
    and the email it was placed with, the shop's proof for a guest), so that a
    privacy request by that address finds the conversation. An address merely
    typed is not kept: it may be someone else's, who must not receive this chat
    in their export."""
    if conversation.user_id is not None:
        return
    found = EMAIL.search(text)
    if found is None or len(found.group()) > CONTACT_EMAIL_MAX_LENGTH:
        return  # no deliverable address is that long
    lookup = order_lookup(text=text, user=None)
    if lookup.order is None:
        return
    address = lookup.order.email.lower()
    if address != conversation.contact_email:
        conversation.contact_email = address
        conversation.save(update_fields=["contact_email"])


def _assistant_message_add(
    *, conversation: Conversation, reply: AssistantReply
) -> Message:
    return message_store(
        conversation=conversation,
        author=Author.ASSISTANT,
        text=reply.text,
        language=reply.language,
        intent=reply.intent,
        confidence=reply.confidence,
        handoff=reply.handoff,
        clarify=reply.clarify,
        helpful=reply.helpful,
        facts=list(reply.facts),
        links=list(reply.links),
    )


def conversation_handoff(
    *, conversation: Conversation, reason: str, now: datetime | None = None
) -> Message | None:
    """Put the conversation in the agents' queue with its first-response deadline.

    Outside the team's hours the shopper is told, in their own time zone, when a
    person will answer; that note is returned.
    """
    now = now or timezone.now()
    if conversation.status in (ConversationStatus.QUEUED, ConversationStatus.ASSIGNED):
        return None
    market = conversation.market
    conversation.status = ConversationStatus.QUEUED
    conversation.handoff_reason = reason if reason in HandoffReason.values else ""
    conversation.handed_off_at = now
    conversation.first_response_due_at = first_response_due(market=market, at=now)
    conversation.first_response_at = None
    conversation.alerted_at = None
    conversation.save(
        update_fields=[
            "status",
            "handoff_reason",
            "handed_off_at",
            "first_response_due_at",
            "first_response_at",
            "alerted_at",
        ]
    )
    ConversationOutcome.objects.filter(conversation=conversation).update(
        handoff_reason=conversation.handoff_reason
    )
    realtime.conversation_publish(
        conversation_id=conversation.pk,
        payload={"type": "status", "status": conversation.status},
    )
    _inbox_changed(conversation)
    opening = support_next_opening(market=market, at=now)
    if opening == now:
        return None
    language = shopper_language(conversation.language)
    with translation.override(language):
        if opening is None:
            text = _(
                "Our team is not available at the moment. We have kept your "
                "message and a person will answer as soon as possible."
            )
        else:
            when = local_time_text(
                opening,
                zone=shopper_zone(conversation.shopper_timezone, market=market),
                market=market,
                language=language,
            )
            text = _(
                "Our team is not at work right now. A person will answer from "
                "%(when)s, your time. Your message is kept."
            ) % {"when": when}
    return message_store(
        conversation=conversation,
        author=Author.SYSTEM,
        text=text,
        language=language,
    )


def human_request(*, conversation: Conversation) -> Message | None:
    """The shopper pressed "talk to a person"."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        _reopen_if_closed(conversation, timezone.now())
        return conversation_handoff(
            conversation=conversation, reason=HandoffReason.REQUESTED
        )


def _inbox_changed(conversation: Conversation) -> None:
    realtime.inbox_publish(payload={"type": "queue", "conversation": conversation.pk})


def agent_reply_post(
    *,
    conversation: Conversation,
    agent: User,
    text: object,
    client_id: object = "",
    now: datetime | None = None,
) -> Message:
    """Store an agent's reply; the first one stops the first-response clock and a
    reply from the queue assigns the conversation to the agent."""
    if not isinstance(client_id, str) or len(client_id) > CLIENT_ID_MAX_LENGTH:
        raise SupportRuleError(_("The message id is not valid."), code="invalid")
    text = text_check(text)
    now = now or timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        # Checked on the locked row: another agent may have just taken it.
        if not conversation_may(
            user=agent,
            session_key="",
            conversation=conversation,
            action=ConversationAction.ANSWER,
        ):
            raise SupportRuleError(
                _("You may not answer this conversation."), code="forbidden"
            )
        if client_id:
            stored = conversation.messages.filter(client_id=client_id).first()
            if stored is not None:
                return stored
        fields = []
        if conversation.assigned_to_id is None:
            conversation.assigned_to = agent
            fields.append("assigned_to")
        if conversation.status != ConversationStatus.ASSIGNED:
            conversation.status = ConversationStatus.ASSIGNED
            conversation.closed_at = None
            fields += ["status", "closed_at"]
        if conversation.first_response_at is None:
            conversation.first_response_at = now
            fields.append("first_response_at")
            started = conversation.handed_off_at or conversation.created_at
            ConversationOutcome.objects.filter(conversation=conversation).update(
                first_response_seconds=max(0, int((now - started).total_seconds()))
            )
        if fields:
            conversation.save(update_fields=fields)
        message = message_store(
            conversation=conversation,
            author=Author.AGENT,
            agent=agent,
            text=text,
            language=conversation.language,
            client_id=client_id,
        )
        realtime.conversation_publish(
            conversation_id=conversation.pk,
            payload={"type": "status", "status": conversation.status},
        )
        _inbox_changed(conversation)
    return message


def conversation_assign(*, conversation: Conversation, agent: User, by: User) -> None:
    """Give the conversation to `agent`: an agent takes it themselves, a supervisor
    gives it to any agent."""
    if not is_agent(agent):
        raise SupportRuleError(_("This person is not a support agent."), code="agent")
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        allowed = conversation_may(
            user=by,
            session_key="",
            conversation=conversation,
            action=ConversationAction.ASSIGN,
        )
        if not allowed or (agent.pk != by.pk and not is_supervisor(by)):
            raise SupportRuleError(
                _("You may not assign this conversation."), code="forbidden"
            )
        conversation.assigned_to = agent
        if conversation.status in (
            ConversationStatus.QUEUED,
            ConversationStatus.ASSISTANT,
        ):
            conversation.status = ConversationStatus.ASSIGNED
        conversation.save(update_fields=["assigned_to", "status"])
        _inbox_changed(conversation)


def conversation_close(
    *, conversation: Conversation, confirmed: bool = False, now: datetime | None = None
) -> None:
    """Close a conversation and record what came of it: handled by a person, or
    resolved by the assistant (confirmed by the shopper, or assumed)."""
    now = now or timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == ConversationStatus.CLOSED:
            return
        conversation.status = ConversationStatus.CLOSED
        conversation.closed_at = now
        conversation.save(update_fields=["status", "closed_at"])
        if conversation.handed_off_at is not None:
            resolution = (
                Resolution.HUMAN
                if conversation.first_response_at
                else Resolution.UNRESOLVED
            )
        else:
            resolution = Resolution.CONFIRMED if confirmed else Resolution.ASSUMED
        ConversationOutcome.objects.filter(conversation=conversation).update(
            resolution=resolution
        )
        realtime.conversation_publish(
            conversation_id=conversation.pk,
            payload={"type": "status", "status": conversation.status},
        )
        if conversation.handed_off_at is not None:
            _inbox_changed(conversation)


def csat_record(*, conversation: Conversation, value: object) -> None:
    """The shopper's thumbs up or down at the end of a conversation."""
    if value not in Csat.values:
        raise SupportRuleError(_("Rate with thumbs up or down."), code="invalid")
    ConversationOutcome.objects.filter(conversation=conversation).update(csat=value)


def conversations_idle_close(*, now: datetime | None = None) -> int:
    """Close assistant conversations the shopper has left: resolved, assumed."""
    now = now or timezone.now()
    idle = now - timedelta(minutes=settings.SUPPORT_IDLE_CLOSE_MINUTES)
    closed = 0
    for conversation in Conversation.objects.filter(
        status=ConversationStatus.ASSISTANT, last_message_at__lt=idle
    ).only("pk"):
        conversation_close(conversation=conversation, now=now)
        closed += 1
    return closed


def first_response_alerts_send(*, now: datetime | None = None) -> list[int]:
    """Warn the inbox once of each conversation whose first-response target is near."""
    now = now or timezone.now()
    alerted = []
    waiting = Conversation.objects.filter(
        status__in=[ConversationStatus.QUEUED, ConversationStatus.ASSIGNED],
        first_response_at=None,
        alerted_at=None,
    ).select_related("market")
    for conversation in waiting:
        due = conversation.first_response_due_at
        if due is None:
            continue
        _target, lead = first_response_target(market=conversation.market)
        if due - lead > now:
            continue
        updated = Conversation.objects.filter(
            pk=conversation.pk, alerted_at=None
        ).update(alerted_at=now)
        if updated:
            alerted.append(conversation.pk)
            realtime.inbox_publish(
                payload={
                    "type": "alert",
                    "conversation": conversation.pk,
                    "seconds_left": int((due - now).total_seconds()),
                }
            )
    return alerted
