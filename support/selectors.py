"""Reads that support pages, sockets and the admin share."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from shop.models import Order, User
from support.access import is_agent, is_supervisor
from support.assistant import Turn
from support.models import (
    Call,
    CannedReply,
    Conversation,
    ConversationOutcome,
    ConversationStatus,
    Csat,
    HandoffReason,
    Message,
    Resolution,
)
from support.services.hours import first_response_target, local_time_text, shopper_zone

HISTORY_LIMIT = 100


def message_as_json(message: Message) -> dict[str, Any]:
    """A message as clients get it (the shopper's widget and the agent's page)."""
    return {
        "id": message.pk,
        "author": message.author,
        "text": message.text,
        "language": message.language,
        "intent": message.intent,
        "handoff": message.handoff,
        "facts": list(message.facts),
        "links": list(message.links),
        "client_id": message.client_id,
        "at": message.created_at.isoformat(),
    }


def conversation_messages(*, conversation: Conversation) -> list[dict[str, Any]]:
    """The latest messages of a conversation, oldest first."""
    recent = conversation.messages.order_by("-created_at", "-pk")[:HISTORY_LIMIT]
    return [message_as_json(m) for m in reversed(list(recent))]


def conversation_state(*, conversation: Conversation) -> dict[str, Any]:
    """What a socket sends first, and the HTTP history answer: nothing is missed."""
    return {
        "type": "sync",
        "conversation": conversation.pk,
        "status": conversation.status,
        "messages": conversation_messages(conversation=conversation),
        "call": call_as_json(call_current(conversation=conversation)),
    }


def conversation_current(*, user, session_key: str | None) -> Conversation | None:
    """The shopper's latest conversation: an account's by user, a guest's by session."""
    if user is not None and user.is_authenticated:
        found = Conversation.objects.filter(user=user)
    elif session_key:
        found = Conversation.objects.filter(user=None, session_key=session_key)
    else:
        return None
    return found.select_related("market").order_by("-last_message_at").first()


def call_current(*, conversation: Conversation) -> Call | None:
    """The conversation's call that has not ended, if any."""
    return conversation.calls.exclude(status="ended").order_by("-started_at").first()


def call_as_json(call: Call | None) -> dict[str, Any] | None:
    if call is None:
        return None
    shopper = call.shopper_recording_consent_at is not None
    agent = call.agent_recording_consent_at is not None
    return {
        "id": call.pk,
        "status": call.status,
        "started_by": call.started_by,
        "first_frame_ms": call.first_frame_ms,
        "recording_consent": {
            "shopper": shopper,
            "agent": agent,
            "both": shopper and agent,
        },
    }


@dataclass(frozen=True)
class QueueRow:
    """One conversation in the agent inbox."""

    conversation: Conversation
    seconds_left: int | None  # to the first-response target; None once answered
    alert: bool  # the target is near or missed
    last_text: str


def inbox_conversations(*, agent) -> QuerySet[Conversation]:
    """Handed-off conversations the agent may see: the unassigned queue and their
    own (a supervisor: every one)."""
    found = Conversation.objects.filter(
        status__in=[ConversationStatus.QUEUED, ConversationStatus.ASSIGNED]
    )
    if not is_supervisor(agent):
        found = found.filter(
            Q(assigned_to=agent) | Q(assigned_to=None, status=ConversationStatus.QUEUED)
        )
    return found.select_related("market", "assigned_to", "user")


def inbox_queue(*, agent, now: datetime | None = None) -> list[QueueRow]:
    """The agent's inbox, the least time left to the first-response target first;
    answered conversations after them, the most recent first."""
    now = now or timezone.now()
    conversations = list(inbox_conversations(agent=agent))
    last_texts = dict(
        Message.objects.filter(conversation__in=conversations, author="shopper")
        .order_by("conversation_id", "-created_at")
        .distinct("conversation_id")
        .values_list("conversation_id", "text")
    )
    alert_leads = {}
    rows = []
    for conversation in conversations:
        waiting = conversation.first_response_at is None
        due = conversation.first_response_due_at
        seconds_left = int((due - now).total_seconds()) if waiting and due else None
        market_id = conversation.market_id
        if market_id not in alert_leads:
            alert_leads[market_id] = first_response_target(market=conversation.market)[
                1
            ]
        alert = seconds_left is not None and seconds_left <= (
            alert_leads[market_id].total_seconds()
        )
        rows.append(
            QueueRow(
                conversation=conversation,
                seconds_left=seconds_left,
                alert=alert,
                last_text=last_texts.get(conversation.pk, "")[:140],
            )
        )
    far = float("inf")
    rows.sort(
        key=lambda row: (
            row.seconds_left is None,
            row.seconds_left if row.seconds_left is not None else far,
            -row.conversation.last_message_at.timestamp(),
        )
    )
    return rows


def queue_row_as_json(row: QueueRow) -> dict[str, Any]:
    conversation = row.conversation
    return {
        "id": conversation.pk,
        "market": conversation.market.code,
        "language": conversation.language,
        "status": conversation.status,
        "reason": conversation.handoff_reason,
        "reason_label": str(conversation.get_handoff_reason_display()),
        "assigned_to": conversation.assigned_to.email
        if conversation.assigned_to
        else "",
        "seconds_left": row.seconds_left,
        "alert": row.alert,
        "last_text": row.last_text,
    }


def shopper_local_time(
    *, conversation: Conversation, now: datetime | None = None
) -> str:
    """The shopper's local time now, in the agent's language."""
    from django.utils.translation import get_language

    zone = shopper_zone(conversation.shopper_timezone, market=conversation.market)
    return local_time_text(
        now or timezone.now(),
        zone=zone,
        market=conversation.market,
        language=get_language() or "en",
    )


def shopper_orders(*, conversation: Conversation, limit: int = 5) -> list[Order]:
    """The signed-in shopper's latest orders; a guest's conversation has none."""
    if conversation.user_id is None:
        return []
    return list(
        Order.objects.filter(user_id=conversation.user_id)
        .select_related("market")
        .order_by("-placed_at")[:limit]
    )


def canned_replies(*, language: str) -> list[CannedReply]:
    return list(CannedReply.objects.filter(language=language))


def support_measures(*, since: datetime | None = None) -> dict[str, Any]:
    """The support measures from the outcome records (one per conversation)."""
    outcomes = ConversationOutcome.objects.all()
    if since is not None:
        outcomes = outcomes.filter(started_at__gte=since)
    total = outcomes.count()
    involved = outcomes.filter(assistant_involved=True)
    involved_count = involved.count()
    confirmed = involved.filter(resolution=Resolution.CONFIRMED, reopened=False).count()
    assumed = involved.filter(resolution=Resolution.ASSUMED, reopened=False).count()
    closed = outcomes.exclude(resolution=Resolution.OPEN).count()
    reopened = outcomes.filter(reopened=True).count()
    by_reason = {
        row["handoff_reason"]: row["n"]
        for row in outcomes.exclude(handoff_reason="")
        .values("handoff_reason")
        .annotate(n=Count("pk"))
    }
    handed_off = sum(by_reason.values())
    responded = list(
        outcomes.exclude(first_response_seconds=None).values_list(
            "first_response_seconds", flat=True
        )
    )
    responded.sort()
    up = outcomes.filter(csat=Csat.UP).count()
    down = outcomes.filter(csat=Csat.DOWN).count()

    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    return {
        "conversations": total,
        "involvement_rate": share(involved_count, total),
        "resolution_rate": share(confirmed + assumed, involved_count),
        "resolved_confirmed": confirmed,
        "resolved_assumed": assumed,
        "handoff_rate": share(handed_off, total),
        "handoff_by_reason": {
            reason: {
                "label": HandoffReason(reason).label,
                "count": count,
                "rate": share(count, total),
            }
            for reason, count in sorted(by_reason.items())
        },
        "first_response_median_seconds": responded[len(responded) // 2]
        if responded
        else None,
        "first_response_count": len(responded),
        "reopen_rate": share(reopened, closed),
        "csat": share(up, up + down),
        "csat_up": up,
        "csat_down": down,
    }


def recent_window(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def last_shopper_message(*, conversation: Conversation) -> Message | None:
    return (
        conversation.messages.filter(author="shopper").order_by("-created_at").first()
    )


def conversation_turns(*, conversation: Conversation) -> list[Turn]:
    """The conversation as the assistant reads it, oldest first (last 20)."""
    recent = list(
        conversation.messages.exclude(author="system").order_by("-created_at", "-pk")[
            :20
        ]
    )
    return [
        Turn(
            author=m.author,
            text=m.text,
            language=m.language,
            intent=m.intent,
            clarify=m.clarify,
            helpful=m.helpful,
        )
        for m in reversed(recent)
    ]


def agents() -> list[User]:
    """Active staff who may answer conversations (for a supervisor's assignment)."""
    return [
        user
        for user in User.objects.filter(is_staff=True, is_active=True).order_by("email")
        if is_agent(user)
    ]


def agent_by_id(value: object) -> User | None:
    try:
        pk = int(str(value))
    except ValueError:
        return None
    user = User.objects.filter(pk=pk).first()
    return user if user is not None and is_agent(user) else None
