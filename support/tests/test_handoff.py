import pytest

from support.assistant import Turn, assistant_answer
from support.tests.conftest import market

pytestmark = pytest.mark.django_db


def _ask(text, history=()):
    return assistant_answer(text=text, market=market("DE"), user=None, history=history)


def test_asking_for_a_person_hands_over():
    reply = _ask("Ich möchte bitte mit einem Mitarbeiter sprechen")

    assert (reply.intent, reply.handoff, reply.handoff_reason) == (
        "human",
        True,
        "requested",
    )


def test_a_complaint_hands_over():
    reply = _ask("Die Pfanne kam kaputt an, ich möchte mich beschweren")

    assert (reply.intent, reply.handoff_reason) == ("complaint", "complaint")


def test_a_strongly_negative_message_hands_over():
    reply = _ask("Horrible, horrible, horrible. I hate it.")

    assert (reply.handoff, reply.handoff_reason) == (True, "negative")


def test_an_unclear_message_gets_one_clarifying_question():
    reply = _ask("Und die andere Sache mit dem Ding?")

    assert (reply.clarify, reply.handoff, reply.intent) == (True, False, "")
    assert reply.text.startswith("Meinen Sie ")


def test_still_unclear_after_a_clarifying_question_hands_over():
    history = [
        Turn(author="shopper", text="Und die andere Sache?", language="de"),
        Turn(author="assistant", text="Meinen Sie …?", language="de", clarify=True),
    ]

    reply = _ask("Und die andere Sache mit dem Ding?", history=history)

    assert (reply.handoff, reply.handoff_reason) == (True, "low_confidence")


def test_a_second_unhelpful_answer_hands_over():
    history = [
        Turn(author="shopper", text="Was kostet das Ding?", language="de"),
        Turn(author="assistant", text="…", language="de", helpful=False),
    ]

    reply = _ask("Welches Material hat das?", history=history)

    assert reply.helpful is False
    assert (reply.handoff, reply.handoff_reason) == (True, "unhelpful")


def test_one_unhelpful_answer_does_not_hand_over_yet():
    reply = _ask("Welches Material hat das?")

    assert (reply.helpful, reply.handoff) == (False, False)
    assert reply.clarify is True
