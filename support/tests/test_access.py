"""Who may open a conversation: the role x action matrix of access_conversation."""

import pytest
from django.http import Http404

from support.access import ConversationAction, access_conversation
from support.models import Conversation, ConversationStatus
from support.tests.factories import (
    make_agent,
    make_conversation,
    make_session_key,
    make_shopper,
)

pytestmark = pytest.mark.django_db

CHAT, ANSWER, ASSIGN = (
    ConversationAction.CHAT,
    ConversationAction.ANSWER,
    ConversationAction.ASSIGN,
)


def _opens(user, session_key, conversation, action) -> bool:
    try:
        access_conversation(
            user=user,
            session_key=session_key,
            conversation_id=conversation.pk,
            action=action,
        )
    except Http404:
        return False
    return True


def test_an_account_reaches_its_own_conversation_only():
    owner, other = make_shopper(), make_shopper()
    conversation = make_conversation(user=owner)

    assert _opens(owner, None, conversation, CHAT)
    assert not _opens(other, None, conversation, CHAT)


def test_a_guest_reaches_the_conversation_of_their_session_only():
    session = make_session_key()
    conversation = make_conversation(session_key=session)

    assert _opens(None, session, conversation, CHAT)
    assert not _opens(None, make_session_key(), conversation, CHAT)
    assert not _opens(None, "", conversation, CHAT)
    assert not _opens(make_shopper(), None, conversation, CHAT)


def test_an_account_conversation_is_never_opened_by_session():
    owner = make_shopper()
    conversation = make_conversation(user=owner)
    Conversation.objects.filter(pk=conversation.pk).update(session_key="known")

    assert not _opens(None, "known", conversation, CHAT)


@pytest.mark.parametrize("bad_id", ["1", 1.0, None, True, [1]])
def test_ids_that_are_not_integers_are_not_found(bad_id):
    with pytest.raises(Http404):
        access_conversation(user=None, session_key="s", conversation_id=bad_id)


def _queued(**fields):
    conversation = make_conversation()
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.QUEUED, **fields
    )
    conversation.refresh_from_db()
    return conversation


@pytest.mark.parametrize("action", [ANSWER, ASSIGN])
def test_agent_matrix(action):
    agent, colleague = make_agent(), make_agent()
    supervisor = make_agent(supervisor=True)
    unassigned = _queued()
    mine = _queued(assigned_to=agent)
    theirs = _queued(assigned_to=colleague)
    with_assistant = make_conversation()

    seen = {
        name: [
            _opens(user, None, c, action)
            for c in (unassigned, mine, theirs, with_assistant)
        ]
        for name, user in (("agent", agent), ("supervisor", supervisor))
    }

    assert seen == {
        "agent": [True, True, False, False],
        "supervisor": [True, True, True, True],
    }


def test_staff_without_the_permission_and_shoppers_are_not_agents():
    from shop.models import User

    staff = User.objects.create_user(
        email="staff@example.com", password="pw-for-tests-only", is_staff=True
    )
    conversation = _queued()

    assert not _opens(staff, None, conversation, ANSWER)
    assert not _opens(make_shopper(), None, conversation, ANSWER)
    assert not _opens(None, conversation.session_key, conversation, ANSWER)
