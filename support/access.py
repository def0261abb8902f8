"""Who may open a conversation, and for what: the one check views, consumers and
services call.

A shopper reaches only their own conversation: an account's by its user, a guest's
by the browser session that started it (an account's conversation never by session).
Agents are staff with ``support.answer_conversation``: they see the queue (handed-off
conversations nobody has taken) and the conversations assigned to them; a supervisor
(``support.supervise_conversations``) sees and assigns every one. Anyone else gets
404, so that an id says nothing about whether it exists.
"""

from enum import StrEnum

from django.http import Http404

from support.models import Conversation, ConversationStatus

ANSWER_PERMISSION = "support.answer_conversation"
SUPERVISE_PERMISSION = "support.supervise_conversations"


class ConversationAction(StrEnum):
    CHAT = "chat"  # the shopper writes, rates, calls
    ANSWER = "answer"  # an agent reads, replies, calls
    ASSIGN = "assign"  # an agent takes it, or a supervisor hands it to someone


def is_agent(user) -> bool:
    """Staff who may work in the support inbox."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(ANSWER_PERMISSION)
    )


def is_supervisor(user) -> bool:
    return is_agent(user) and user.has_perm(SUPERVISE_PERMISSION)


def conversation_may(*, user, session_key: str, conversation, action) -> bool:
    """Whether `user` (or the guest with `session_key`) may do `action` on it."""
    if action == ConversationAction.CHAT:
        if conversation.user_id is not None:
            return bool(
                user and user.is_authenticated and user.pk == conversation.user_id
            )
        return bool(session_key) and session_key == conversation.session_key
    if not is_agent(user):
        return False
    if is_supervisor(user):
        return True
    if conversation.assigned_to_id == user.pk:
        return True
    unassigned_queue = (
        conversation.assigned_to_id is None
        and conversation.status == ConversationStatus.QUEUED
    )
    return unassigned_queue


def access_conversation(
    *,
    user,
    session_key: str | None,
    conversation_id: object,
    action: ConversationAction = ConversationAction.CHAT,
) -> Conversation:
    """The conversation if `user` may do `action` on it; Http404 otherwise."""
    if not isinstance(conversation_id, int) or isinstance(conversation_id, bool):
        raise Http404
    conversation = (
        Conversation.objects.select_related("market", "user", "assigned_to")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None or not conversation_may(
        user=user,
        session_key=session_key or "",
        conversation=conversation,
        action=action,
    ):
        raise Http404
    return conversation
