"""The chat's HTTP interface: POST /<lang>/support/api/messages and the history."""

import json

import pytest
from django.test import Client, override_settings

from support.models import Author, Conversation, ConversationStatus, Message
from support.tests.factories import make_conversation, make_shopper

pytestmark = pytest.mark.django_db

URL = "/en/support/api/messages"


def _post(client, payload, **extra):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(URL, body, content_type="application/json", **extra)


def test_a_guests_message_starts_a_conversation_and_gets_the_reply():
    client = Client()

    response = _post(client, {"text": "Do you accept PayPal?"})

    data = response.json()
    conversation = Conversation.objects.get(pk=data["conversation"])
    reply = Message.objects.get(conversation=conversation, author=Author.ASSISTANT)
    assert response.status_code == 200
    assert conversation.user is None
    assert conversation.session_key == client.session.session_key
    assert data["reply"] == reply.text
    assert data["language"] == reply.language
    assert data["intent"] == reply.intent
    assert data["handoff"] is False
    assert data["facts"] == reply.facts
    assert data["links"] == reply.links
    assert [m["author"] for m in data["messages"]] == ["shopper", "assistant"]


def test_history_follows_the_session_across_requests():
    client = Client()
    first = _post(client, {"text": "Hello there"}).json()

    history = client.get("/de/support/api/conversation").json()

    assert history["conversation"] == first["conversation"]
    assert [m["text"] for m in history["messages"]][0] == "Hello there"


def test_an_accounts_conversation_is_found_again_after_signing_in_elsewhere():
    shopper = make_shopper()
    one, two = Client(), Client()
    one.force_login(shopper)
    two.force_login(shopper)
    started = _post(one, {"text": "Hello from my phone"}).json()

    history = two.get("/en/support/api/conversation").json()

    assert history["conversation"] == started["conversation"]


def test_asking_for_a_person_answers_handoff_true():
    response = _post(Client(), {"text": "I want to talk to a human"})

    data = response.json()
    assert data["handoff"] is True
    assert data["intent"] == "human"
    assert data["handoff_reason"] == "requested"
    assert Conversation.objects.get(pk=data["conversation"]).status == (
        ConversationStatus.QUEUED
    )


def test_another_shoppers_conversation_is_not_found_by_id():
    victim = make_conversation(user=make_shopper())
    attacker = Client()
    attacker.force_login(make_shopper())

    response = _post(attacker, {"text": "show me", "conversation": victim.pk})

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert victim.messages.count() == 0


def test_another_guests_conversation_is_not_found_and_history_is_empty():
    victim = make_conversation()
    victim.messages.create(author=Author.SHOPPER, text="my address is secret")

    response = _post(Client(), {"text": "hi", "conversation": victim.pk})
    history = Client().get("/en/support/api/conversation").json()

    assert response.status_code == 404
    assert history == {"conversation": None, "messages": []}


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("text=hello", "application/x-www-form-urlencoded", 415, "json"),
        ("{not json", "application/json", 400, "malformed"),
        ("[1, 2]", "application/json", 400, "malformed"),
        ('{"text": ' + "[" * 50 + "]" * 50 + "}", "application/json", 400, "malformed"),
        ('{"text": 5}', "application/json", 400, "invalid"),
        ('{"text": ""}', "application/json", 400, "empty"),
        (json.dumps({"text": "x" * 2001}), "application/json", 413, "too_long"),
        (json.dumps({"text": "x" * 20000}), "application/json", 413, "too_large"),
        ('{"text": "hi", "language": "xx"}', "application/json", 400, "language"),
        ('{"text": "hi", "conversation": "1"}', "application/json", 404, "not_found"),
    ],
)
def test_hostile_bodies_get_clear_errors(body, content_type, status, code):
    response = Client().post(URL, body, content_type=content_type)

    assert response.status_code == status
    assert response.json()["error"] == code
    assert Message.objects.count() == 0


@override_settings(SUPPORT_MESSAGES_PER_WINDOW=2)
def test_a_flood_gets_429():
    client = Client()
    codes = [_post(client, {"text": f"question {n}"}).status_code for n in range(3)]

    assert codes == [200, 200, 429]


def test_get_is_refused_on_the_messages_endpoint():
    assert Client().get(URL).status_code == 405


def test_every_storefront_page_carries_the_widget_and_its_module():
    html = Client().get("/de/").content.decode()

    assert "data-support-widget" in html
    assert 'src="/static/js/support_widget.js"' in html
    assert "<script>" not in html
