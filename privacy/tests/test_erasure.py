"""Erasure: nothing identifying stays outside rows the law requires to keep."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection

from live.models import Comment, Show
from privacy.models import (
    BiometricConsent,
    ConsentRecord,
    DataSubjectRequest,
    LegalHoldRecord,
    RequestKind,
    RequestStatus,
)
from privacy.registry import DELETED_USER_NAME, REDACTED
from privacy.services import erasure as erasure_module
from privacy.services.erasure import erasure_execute, legal_holds_purge
from privacy.services.requests import request_create
from privacy.tests.shopper import (
    COMMENT_TEXT,
    EMAIL,
    FIRST_NAME,
    FULL_NAME,
    IDENTIFYING,
    STREET,
    SUPPORT_TEXT,
    shopper_who_uses_everything,
)
from shop.models import Order, Review, User
from shop.shipping.tests.helpers import make_order
from support.models import Call, Conversation, ConversationOutcome, Message
from support.services.conversations import message_post
from support.tests.factories import make_conversation

pytestmark = pytest.mark.django_db

GUEST = "quirin.gast@example.org"


def _held_rows() -> dict[str, set[str]]:
    """Table name → primary keys (as text) of rows under legal hold."""
    held: dict[str, set[str]] = {}
    for hold in LegalHoldRecord.objects.select_related("content_type"):
        model = hold.content_type.model_class()
        assert model is not None
        held.setdefault(model._meta.db_table, set()).add(hold.object_id)
    return held


def _dump_every_table() -> list[tuple[str, str, str]]:
    """Every row of every table as (table, primary key, the row as text)."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            pk = connection.introspection.get_primary_key_column(cursor, table)
            key = f'"{pk}"::text' if pk else "''"
            cursor.execute(f'SELECT {key}, t::text FROM "{table}" t')  # noqa: S608
            rows += [(table, str(k), text) for k, text in cursor.fetchall()]
    return rows


def _erase(user: User) -> DataSubjectRequest:
    assert user.preferred_market is not None
    request = request_create(
        kind=RequestKind.ERASURE, market=user.preferred_market, user=user, start=False
    )
    return erasure_execute(request=request)


def test_no_identifying_string_remains_outside_rows_under_legal_hold():
    shopper = shopper_who_uses_everything()
    before = _dump_every_table()
    assert any(EMAIL in text for _, _, text in before)
    assert any(
        table == "support_message" and STREET in text for table, _, text in before
    )
    assert any(
        table == "privacy_biometricconsent" and FULL_NAME in text
        for table, _, text in before
    )
    guest = shopper.guest_conversation
    assert any(
        table == "support_message" and EMAIL in text and f"{guest.pk}" in text
        for table, _, text in before
    )

    _erase(shopper.user)

    held = _held_rows()
    leaks = [
        (table, key, word)
        for table, key, text in _dump_every_table()
        for word in (*IDENTIFYING, FIRST_NAME)
        if word.lower() in text.lower() and key not in held.get(table, set())
    ]
    assert leaks == []


def test_held_rows_keep_only_what_the_law_requires():
    shopper = shopper_who_uses_everything()

    request = _erase(shopper.user)

    order_type = ContentType.objects.get_for_model(Order)
    holds = LegalHoldRecord.objects.filter(content_type=order_type)
    # The guest order the shopper proved in a chat is theirs too, and paid.
    assert sorted(h.object_id for h in holds) == sorted(
        [str(shopper.paid_order.pk), str(shopper.guest_order.pk)]
    )
    holds = holds.filter(object_id=str(shopper.paid_order.pk))
    order = Order.objects.get(pk=shopper.paid_order.pk)
    assert (order.user, order.email, order.card_last4) == (None, "", "")
    assert (order.full_name, order.line1) == (FULL_NAME, STREET)
    assert order.invoice_number == shopper.paid_order.invoice_number
    assert order.access_key != shopper.paid_order.access_key
    assert order.shipments.count() == 0
    assert not Order.objects.filter(pk=shopper.unpaid_order.pk).exists()
    # DE: ten years from payment.
    hold = holds.get()
    assert hold.held_until == order.paid_at.replace(year=order.paid_at.year + 10)
    request.refresh_from_db()
    assert (request.email, request.user, request.details) == ("", None, "")
    assert len(request.subject_digest) == 64


def test_comments_and_reviews_stay_as_a_deleted_user():
    shopper = shopper_who_uses_everything()

    _erase(shopper.user)

    comment = Comment.objects.get(show=shopper.show, text__contains="blue one")
    assert (comment.user, comment.author_name) == (None, DELETED_USER_NAME)
    assert comment.text == COMMENT_TEXT.replace(FIRST_NAME, REDACTED)
    review = Review.objects.get()
    assert review.text == f"Fits well. Signed, {REDACTED}"
    assert review.order_line is None
    assert not review.user.is_active
    assert review.user.full_name == ""


def test_the_support_chat_goes_and_its_measures_stay_without_the_shopper():
    shopper = shopper_who_uses_everything()
    conversation = shopper.conversation
    assert Message.objects.filter(text=SUPPORT_TEXT).count() == 1
    assert shopper.call.shopper_recording_consent_at is not None
    before = ConversationOutcome.objects.get(conversation=conversation)
    assert before.csat == "up"
    # The shopper's, the assistant's and the agent's messages and the call notes.
    assert conversation.messages.count() == 6
    guest = shopper.guest_conversation
    guest_messages = guest.messages.count()
    assert guest_messages >= 2  # the shopper's and the assistant's answer

    request = _erase(shopper.user)

    assert Message.objects.filter(conversation=conversation).count() == 0
    assert Message.objects.filter(conversation=guest).count() == 0
    guest = Conversation.objects.get(pk=guest.pk)
    assert (guest.session_key, guest.contact_email, guest.shopper_timezone) == (
        "",
        "",
        "",
    )
    assert ConversationOutcome.objects.get(conversation=guest).csat == ""
    assert not Call.objects.filter(pk=shopper.call.pk).exists()
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert (
        conversation.user,
        conversation.session_key,
        conversation.shopper_timezone,
    ) == (None, "", "")
    outcome = ConversationOutcome.objects.get(conversation=conversation)
    assert outcome.csat == ""
    assert (outcome.handoff_reason, outcome.first_response_seconds) == (
        before.handoff_reason,
        before.first_response_seconds,
    )
    assert request.outcome["support.Message"] == {
        "action": "delete",
        "count": 6 + guest_messages,
    }
    assert request.outcome["support.Call"] == {"action": "delete", "count": 1}


def test_a_guest_chat_is_found_by_the_address_of_the_order_proved_in_it():
    mine = make_order(user=None, email=GUEST)
    theirs = make_order(user=None, email="quirin.gast@example.org.uk")
    guest = make_conversation(market="DE", language="de")
    message_post(conversation=guest, text=f"Quirin Gast: {mine.number}, {GUEST}")
    other = make_conversation(market="DE", language="de")
    message_post(
        conversation=other, text=f"{theirs.number}? quirin.gast@example.org.uk"
    )
    typed = make_conversation(market="DE", language="de")
    message_post(conversation=typed, text=f"Please write to my friend {GUEST}")
    counts = (guest.messages.count(), other.messages.count())
    request = request_create(
        kind=RequestKind.ERASURE,
        market=guest.market,
        email=GUEST.upper(),
        start=False,
    )

    request = erasure_execute(request=request)

    assert not Message.objects.filter(conversation=guest).exists()
    guest.refresh_from_db()
    assert (guest.user, guest.session_key, guest.contact_email) == (None, "", "")
    # Another address that merely starts the same is someone else's chat, and
    # an address merely typed may be anyone's: neither is given to this request.
    assert Message.objects.filter(conversation=other).count() == counts[1]
    assert typed.messages.exists()
    assert request.outcome["support.Message"]["count"] == counts[0]
    assert request.outcome["support.Conversation"]["count"] == 1


def test_consent_proof_stays_without_the_account_and_the_signature_goes():
    shopper = shopper_who_uses_everything()
    assert ConsentRecord.objects.filter(user=shopper.user).count() == 1
    assert BiometricConsent.objects.filter(user=shopper.user).count() == 1

    _erase(shopper.user)

    record = ConsentRecord.objects.get()
    assert (record.user, record.choices["analytics"]) == (None, True)
    assert BiometricConsent.objects.count() == 0


def test_the_account_ends_and_cannot_sign_in():
    shopper = shopper_who_uses_everything()

    _erase(shopper.user)

    user = User.objects.get(pk=shopper.user.pk)
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert (user.is_active, user.has_usable_password()) == (False, False)
    assert authenticate(email=EMAIL, password="pw-for-tests-only") is None
    hosted = Show.objects.get(pk=shopper.hosted_show.pk)
    assert (hosted.stream_key_hash, hosted.recording.name) == ("", "")


def test_the_shopper_is_told_what_was_kept_and_why(django_capture_on_commit_callbacks):
    shopper = shopper_who_uses_everything()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        request = _erase(shopper.user)

    assert request.status == RequestStatus.COMPLETED
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    body = mail.outbox[0].body
    # The shopper's language is German.
    assert "Rechnung" in body
    # The paid account order and the paid guest order: both invoiced.
    assert request.outcome["shop.Order"]["held"] == 2


def test_a_crash_midway_is_completed_by_running_again(monkeypatch):
    shopper = shopper_who_uses_everything()
    request = request_create(
        kind=RequestKind.ERASURE,
        market=shopper.user.preferred_market,
        user=shopper.user,
        start=False,
    )
    real_run = erasure_module.erasure_entry_run

    def crash_at_orders(*, entry, **kwargs):
        if entry.label == "shop.Order":
            real_run(entry=entry, **kwargs)  # the work is done, then the worker dies
            raise RuntimeError("worker lost")
        return real_run(entry=entry, **kwargs)

    monkeypatch.setattr(erasure_module, "erasure_entry_run", crash_at_orders)
    with pytest.raises(RuntimeError):
        erasure_execute(request=request)

    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    assert "live.Comment" in request.steps_done
    assert "shop.Order" not in request.steps_done
    # The step rolled back: the order is as it was.
    assert Order.objects.get(pk=shopper.paid_order.pk).email == EMAIL
    assert LegalHoldRecord.objects.count() == 0

    monkeypatch.setattr(erasure_module, "erasure_entry_run", real_run)
    erasure_execute(request=request)

    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert Order.objects.get(pk=shopper.paid_order.pk).email == ""
    assert _held_rows()["shop_order"] == {
        str(shopper.paid_order.pk),
        str(shopper.guest_order.pk),
    }


def test_a_crash_after_the_guest_chat_went_still_finds_its_conversation(
    monkeypatch,
):
    shopper = shopper_who_uses_everything()
    guest = shopper.guest_conversation
    request = request_create(
        kind=RequestKind.ERASURE,
        market=shopper.user.preferred_market,
        user=shopper.user,
        start=False,
    )
    real_run = erasure_module.erasure_entry_run

    def crash_at_conversations(*, entry, **kwargs):
        if entry.label == "support.Conversation":
            raise RuntimeError("worker lost")
        return real_run(entry=entry, **kwargs)

    monkeypatch.setattr(erasure_module, "erasure_entry_run", crash_at_conversations)
    with pytest.raises(RuntimeError):
        erasure_execute(request=request)
    assert not Message.objects.filter(conversation=guest).exists()
    assert Conversation.objects.get(pk=guest.pk).contact_email == EMAIL

    monkeypatch.setattr(erasure_module, "erasure_entry_run", real_run)
    erasure_execute(request=request)

    guest.refresh_from_db()
    assert (guest.session_key, guest.contact_email, guest.shopper_timezone) == (
        "",
        "",
        "",
    )


def test_erasing_twice_changes_nothing_more():
    shopper = shopper_who_uses_everything()
    request = _erase(shopper.user)
    dump = sorted(_dump_every_table())

    erasure_execute(request=request)

    assert sorted(_dump_every_table()) == dump


def test_held_records_are_purged_when_their_retention_ends():
    shopper = shopper_who_uses_everything()
    _erase(shopper.user)
    hold = LegalHoldRecord.objects.get(
        content_type=ContentType.objects.get_for_model(Order),
        object_id=str(shopper.paid_order.pk),
    )

    # The two requests' proofs (three years) go first; the invoice stays.
    assert legal_holds_purge(now=hold.held_until - timedelta(days=1)) == 2
    assert Order.objects.filter(pk=shopper.paid_order.pk).exists()

    assert legal_holds_purge(now=hold.held_until) == 1

    assert not Order.objects.filter(pk=shopper.paid_order.pk).exists()
    assert not LegalHoldRecord.objects.filter(pk=hold.pk).exists()


def test_every_installed_model_has_a_table_in_the_dump():
    # The dump above reads every table Django knows, registered or not.
    tables = {m._meta.db_table for m in apps.get_models()}
    with connection.cursor() as cursor:
        assert tables <= set(connection.introspection.table_names(cursor))
