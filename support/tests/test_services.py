"""Conversations: storing, answering, handoff, agents' replies, closing, outcomes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from shop.shipping.tests.helpers import make_order
from support.models import (
    Author,
    Conversation,
    ConversationOutcome,
    ConversationStatus,
    Message,
    Resolution,
)
from support.selectors import inbox_queue
from support.services.conversations import (
    agent_reply_post,
    conversation_close,
    conversations_idle_close,
    csat_record,
    first_response_alerts_send,
    message_post,
)
from support.services.errors import SupportRuleError
from support.tests.factories import make_agent, make_conversation, make_shopper

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
TUESDAY_AT_WORK = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)  # 13:00 Berlin, 07:00 NY
SATURDAY = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
ASK_HUMAN = "I want to talk to a human please"


def _handed_off(conversation, at=TUESDAY_AT_WORK) -> Conversation:
    message_post(conversation=conversation, text=ASK_HUMAN, now=at)
    conversation.refresh_from_db()
    return conversation


def test_shopper_message_and_answer_are_stored_in_order():
    conversation = make_conversation(market="US", language="en")

    stored, answers = message_post(
        conversation=conversation, text="  Do you ship to Texas?  ", client_id="c-1"
    )

    rows = list(conversation.messages.values_list("author", "text"))
    assert rows[0] == (Author.SHOPPER, "Do you ship to Texas?")
    assert [r[0] for r in rows] == [Author.SHOPPER, Author.ASSISTANT]
    assert answers[0].author == Author.ASSISTANT
    assert stored.client_id == "c-1"


def test_the_same_client_id_is_stored_once():
    conversation = make_conversation(market="US", language="en")
    first, _ = message_post(conversation=conversation, text="Hello", client_id="x")

    again, _ = message_post(conversation=conversation, text="Hello", client_id="x")

    assert again.pk == first.pk
    assert conversation.messages.filter(author=Author.SHOPPER).count() == 1


def test_the_address_of_an_order_a_guest_proves_is_kept_on_the_conversation():
    order = make_order(user=None, email="Ann.B@example.org", market_code="US")
    conversation = make_conversation(market="US", language="en")
    message_post(conversation=conversation, text="Hello, write to a.b@example.org")
    conversation.refresh_from_db()
    assert conversation.contact_email == ""  # merely typed: maybe someone else's

    message_post(
        conversation=conversation, text=f"Where is {order.number}? ann.b@example.org"
    )

    conversation.refresh_from_db()
    assert conversation.contact_email == "ann.b@example.org"


def test_an_address_typed_by_a_signed_in_shopper_is_not_kept():
    conversation = make_conversation(user=make_shopper(), market="US", language="en")

    message_post(conversation=conversation, text="Write to other@example.org")

    conversation.refresh_from_db()
    assert conversation.contact_email == ""


@pytest.mark.parametrize("text", ["", "   ", 42, "x" * 2001])
def test_empty_long_or_non_text_messages_are_refused(text):
    conversation = make_conversation(market="US", language="en")

    with pytest.raises(SupportRuleError):
        message_post(conversation=conversation, text=text)

    assert conversation.messages.count() == 0


@override_settings(SUPPORT_MESSAGES_PER_WINDOW=3)
def test_a_flood_of_messages_is_refused_after_the_limit():
    conversation = make_conversation(market="US", language="en")
    for n in range(3):
        message_post(conversation=conversation, text=f"question {n}")

    with pytest.raises(SupportRuleError) as refused:
        message_post(conversation=conversation, text="one more")

    assert refused.value.code == "rate_limited"
    assert conversation.messages.filter(author=Author.SHOPPER).count() == 3


def test_asking_for_a_person_queues_the_conversation_with_its_deadline():
    conversation = _handed_off(make_conversation(market="US", language="en"))

    assert conversation.status == ConversationStatus.QUEUED
    assert conversation.handoff_reason == "requested"
    # 07:00 in New York: the US team opens at 09:00, then has 10 minutes.
    assert conversation.first_response_due_at == datetime(
        2026, 12, 8, 14, 10, tzinfo=UTC
    )
    assert (
        ConversationOutcome.objects.get(conversation=conversation).handoff_reason
        == "requested"
    )


def test_outside_hours_the_shopper_is_told_when_a_person_answers_in_their_time():
    conversation = make_conversation(
        market="DE", language="en", shopper_timezone="America/New_York"
    )

    _handed_off(conversation, at=SATURDAY)

    note = conversation.messages.get(author=Author.SYSTEM)
    assert note.text == (
        "Our team is not at work right now. A person will answer from "
        "Monday, 7 December 2026, 02:00 (America/New_York), your time. "
        "Your message is kept."
    )


def test_within_hours_no_waiting_note_is_added():
    conversation = _handed_off(make_conversation(market="DE", language="en"))

    assert not conversation.messages.filter(author=Author.SYSTEM).exists()


def test_after_handoff_the_assistant_stays_silent():
    conversation = _handed_off(make_conversation(market="US", language="en"))
    count = conversation.messages.count()

    _stored, answers = message_post(conversation=conversation, text="Anyone there?")

    assert answers == []
    assert conversation.messages.count() == count + 1


def test_first_agent_reply_assigns_and_stops_the_clock():
    conversation = _handed_off(make_conversation(market="US", language="en"))
    agent = make_agent()

    agent_reply_post(
        conversation=conversation,
        agent=agent,
        text="Hi, I am Sam.",
        now=TUESDAY_AT_WORK + timedelta(minutes=3),
    )

    conversation.refresh_from_db()
    outcome = ConversationOutcome.objects.get(conversation=conversation)
    assert conversation.status == ConversationStatus.ASSIGNED
    assert conversation.assigned_to == agent
    assert conversation.first_response_at is not None
    assert conversation.first_response_at == TUESDAY_AT_WORK + timedelta(minutes=3)
    assert outcome.first_response_seconds == 180


def test_an_agent_cannot_answer_a_conversation_assigned_to_another():
    conversation = _handed_off(make_conversation(market="US", language="en"))
    agent_reply_post(conversation=conversation, agent=make_agent(), text="Mine.")

    with pytest.raises(SupportRuleError) as refused:
        agent_reply_post(conversation=conversation, agent=make_agent(), text="No.")

    assert refused.value.code == "forbidden"


def test_inbox_orders_by_time_left_to_the_target():
    agent = make_agent()
    us = _handed_off(make_conversation(market="US", language="en"))  # due 14:10
    de = _handed_off(make_conversation(market="DE", language="de"))  # due 16:00
    es = _handed_off(make_conversation(market="ES", language="es"))  # due 16:00
    Conversation.objects.filter(pk=es.pk).update(
        first_response_due_at=datetime(2026, 12, 8, 12, 3, tzinfo=UTC)
    )

    rows = inbox_queue(agent=agent, now=TUESDAY_AT_WORK)

    assert [row.conversation.pk for row in rows] == [es.pk, us.pk, de.pk]
    assert [row.seconds_left for row in rows] == [180, 7800, 14400]
    assert [row.alert for row in rows] == [True, False, False]


def test_first_response_alert_is_sent_once_before_the_target():
    conversation = _handed_off(make_conversation(market="US", language="en"))
    due = conversation.first_response_due_at

    too_early = first_response_alerts_send(now=due - timedelta(minutes=4))
    alerted = first_response_alerts_send(now=due - timedelta(minutes=3))
    again = first_response_alerts_send(now=due - timedelta(minutes=1))

    assert (too_early, alerted, again) == ([], [conversation.pk], [])


def test_leaving_after_an_answer_counts_as_assumed_resolution():
    conversation = make_conversation(market="US", language="en")
    message_post(conversation=conversation, text="What payment methods do you take?")
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=TUESDAY_AT_WORK
    )

    closed = conversations_idle_close(now=TUESDAY_AT_WORK + timedelta(minutes=31))

    outcome = ConversationOutcome.objects.get(conversation=conversation)
    assert closed == 1
    assert outcome.resolution == Resolution.ASSUMED
    assert outcome.assistant_involved is True


def test_confirmed_resolution_and_a_thumbs_up():
    conversation = make_conversation(market="US", language="en")
    message_post(conversation=conversation, text="Do you take PayPal?")

    conversation_close(conversation=conversation, confirmed=True)
    csat_record(conversation=conversation, value="up")

    outcome = ConversationOutcome.objects.get(conversation=conversation)
    assert (outcome.resolution, outcome.csat) == (Resolution.CONFIRMED, "up")


def test_coming_back_within_a_day_reopens_and_is_not_a_resolution():
    conversation = make_conversation(market="US", language="en")
    message_post(conversation=conversation, text="Do you take PayPal?")
    conversation_close(conversation=conversation)

    conversation.refresh_from_db()
    message_post(conversation=conversation, text="Do you also take Klarna?")

    conversation.refresh_from_db()
    outcome = ConversationOutcome.objects.get(conversation=conversation)
    assert conversation.status != ConversationStatus.CLOSED
    assert conversation.closed_at is None
    assert (outcome.reopened, outcome.resolution) == (True, Resolution.OPEN)


def test_coming_back_after_a_day_is_a_new_visit_not_a_reopen():
    conversation = make_conversation(market="US", language="en")
    message_post(conversation=conversation, text="Do you take PayPal?")
    conversation_close(conversation=conversation, now=TUESDAY_AT_WORK)

    conversation.refresh_from_db()
    message_post(
        conversation=conversation,
        text="Hello again",
        now=TUESDAY_AT_WORK + timedelta(hours=25),
    )

    outcome = ConversationOutcome.objects.get(conversation=conversation)
    assert (outcome.reopened, outcome.resolution) == (False, Resolution.ASSUMED)


def test_csat_takes_only_thumbs():
    conversation = make_conversation(market="US", language="en")

    with pytest.raises(SupportRuleError):
        csat_record(conversation=conversation, value="5 stars")


def test_message_rows_hold_the_language_the_assistant_detected():
    conversation = make_conversation(market="DE", language="en")

    stored, answers = message_post(
        conversation=conversation,
        text="Ich möchte bitte mit einem Menschen sprechen, danke schön",
        now=TUESDAY_AT_WORK,
    )

    assert Message.objects.get(pk=stored.pk).language == "de"
    assert answers[0].language == "de"
    conversation.refresh_from_db()
    assert conversation.language == "de"


def test_a_shopper_cannot_be_given_an_agents_role():
    shopper = make_shopper()
    conversation = _handed_off(
        make_conversation(user=shopper, market="US", language="en")
    )

    with pytest.raises(SupportRuleError):
        agent_reply_post(conversation=conversation, agent=shopper, text="I am staff")
