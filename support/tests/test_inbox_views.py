"""The agents' pages: the inbox, one conversation, assignment, and the call page."""

import pytest
from django.test import Client

from support.models import CannedReply, Conversation, ConversationStatus
from support.services.conversations import message_post
from support.tests.factories import make_agent, make_conversation, make_shopper

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queued(**fields) -> Conversation:
    conversation = make_conversation(market="DE", language="de")
    message_post(conversation=conversation, text="Was kostet der Versand?")
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.QUEUED, **fields
    )
    conversation.refresh_from_db()
    return conversation


def test_shoppers_and_staff_without_the_permission_get_404():
    from shop.models import User

    staff = User.objects.create_user(
        email="staff-only@example.com", password="pw-for-tests-only", is_staff=True
    )
    conversation = _queued()

    for user in (make_shopper(), staff):
        client = _client(user)
        assert client.get("/en/support/inbox/").status_code == 404
        assert client.get(f"/en/support/inbox/{conversation.pk}/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get("/en/support/inbox/")

    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/login/")


def test_conversation_page_shows_context_suggestion_and_canned_replies_in_language():
    CannedReply.objects.create(language="de", title="Gruß", text="Guten Tag!")
    CannedReply.objects.create(language="fr", title="Bonjour", text="Bonjour !")
    conversation = _queued()

    response = _client(make_agent()).get(f"/en/support/inbox/{conversation.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Germany" in html
    assert "Was kostet der Versand?" in html
    assert 'data-use-text="Guten Tag!"' in html
    assert "Bonjour !" not in html
    assert "data-suggestion" in html


def test_an_agent_cannot_open_a_colleagues_conversation_page():
    conversation = _queued(assigned_to=make_agent())

    response = _client(make_agent()).get(f"/en/support/inbox/{conversation.pk}/")

    assert response.status_code == 404


def test_an_agent_takes_a_conversation_from_the_queue():
    agent = make_agent()
    conversation = _queued()

    response = _client(agent).post(f"/en/support/inbox/{conversation.pk}/assign/")

    conversation.refresh_from_db()
    assert response.status_code == 302
    assert (conversation.assigned_to, conversation.status) == (
        agent,
        ConversationStatus.ASSIGNED,
    )


def test_only_a_supervisor_gives_a_conversation_to_someone_else():
    agent, colleague = make_agent(), make_agent()
    supervisor = make_agent(supervisor=True)
    conversation = _queued()

    refused = _client(agent).post(
        f"/en/support/inbox/{conversation.pk}/assign/", {"agent": colleague.pk}
    )
    given = _client(supervisor).post(
        f"/en/support/inbox/{conversation.pk}/assign/", {"agent": colleague.pk}
    )

    conversation.refresh_from_db()
    assert refused.status_code == 403
    assert given.status_code == 302
    assert conversation.assigned_to == colleague


def test_the_call_page_may_use_the_camera_and_is_only_for_its_two_sides():
    shopper = make_shopper()
    conversation = make_conversation(user=shopper)

    own = _client(shopper).get(f"/de/support/{conversation.pk}/call/")
    other = _client(make_shopper()).get(f"/de/support/{conversation.pk}/call/")

    assert own.status_code == 200
    assert "camera=(self)" in own.headers["Permissions-Policy"]
    assert other.status_code == 404


def test_the_inbox_lists_the_queue_least_time_left_first():
    from datetime import timedelta

    from django.utils import timezone

    later, sooner = _queued(), _queued()
    now = timezone.now()
    Conversation.objects.filter(pk=later.pk).update(
        first_response_due_at=now + timedelta(hours=2)
    )
    Conversation.objects.filter(pk=sooner.pk).update(
        first_response_due_at=now + timedelta(minutes=2)
    )

    response = _client(make_agent()).get("/en/support/inbox/")

    rows = response.context["rows"]
    assert [row.conversation.pk for row in rows] == [sooner.pk, later.pk]
    assert [row.alert for row in rows] == [True, False]
