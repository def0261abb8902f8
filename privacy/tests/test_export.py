"""The export: every registered model as JSON plus a readable summary, streamed."""

import io
import json
import re
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.http import Http404

from config.media import media_serve
from privacy.models import (
    AuditAction,
    AuditEvent,
    DataSubjectRequest,
    RequestKind,
    RequestStatus,
)
from privacy.registry import registry_entries
from privacy.services.export import export_build, exports_expire
from privacy.services.requests import request_create
from privacy.tests.shopper import (
    AGENT_TEXT,
    COMMENT_TEXT,
    EMAIL,
    SUPPORT_TEXT,
    shopper_who_uses_everything,
)
from shop.shipping.tests.helpers import make_order
from support.services.conversations import message_post
from support.tests.factories import make_agent, make_conversation

pytestmark = pytest.mark.django_db


def _archive(request: DataSubjectRequest) -> zipfile.ZipFile:
    with request.export_file.open("rb") as file:
        return zipfile.ZipFile(io.BytesIO(file.read()))


def test_export_holds_a_json_file_per_registered_model_and_a_summary():
    shopper = shopper_who_uses_everything()
    request = request_create(
        kind=RequestKind.ACCESS,
        market=shopper.user.preferred_market,
        user=shopper.user,
        start=False,
    )

    request = export_build(request=request)

    archive = _archive(request)
    assert sorted(archive.namelist()) == sorted(
        ["summary.html", *[f"data/{e.label}.json" for e in registry_entries()]]
    )
    orders = json.loads(archive.read("data/shop.Order.json"))
    assert sorted(o["number"] for o in orders) == sorted(
        [
            shopper.paid_order.number,
            shopper.unpaid_order.number,
            shopper.guest_order.number,
        ]
    )
    comments = json.loads(archive.read("data/live.Comment.json"))
    assert [c["text"] for c in comments] == [COMMENT_TEXT]
    users = json.loads(archive.read("data/shop.User.json"))
    assert [u["email"] for u in users] == [EMAIL]
    conversations = json.loads(archive.read("data/support.Conversation.json"))
    guest = shopper.guest_conversation
    assert [(c["id"], c["contact_email"]) for c in conversations] == [
        (shopper.conversation.pk, ""),
        (guest.pk, EMAIL),
    ]
    messages = json.loads(archive.read("data/support.Message.json"))
    texts = [(m["author"], m["text"]) for m in messages]
    assert texts[0] == ("shopper", SUPPORT_TEXT)
    assert ("agent", AGENT_TEXT) in texts
    assert ("shopper", shopper.guest_text) in texts
    assert {m["conversation"] for m in messages} == {
        shopper.conversation.pk,
        guest.pk,
    }
    calls = json.loads(archive.read("data/support.Call.json"))
    assert [c["id"] for c in calls] == [shopper.call.pk]
    assert calls[0]["shopper_recording_consent_at"] is not None
    outcomes = json.loads(archive.read("data/support.ConversationOutcome.json"))
    assert [o["csat"] for o in outcomes] == ["up", "down"]
    summary = archive.read("summary.html").decode()
    assert shopper.paid_order.number in summary
    # The shopper's language is German.
    assert "Ihre personenbezogenen Daten" in summary
    assert request.status == RequestStatus.COMPLETED
    assert request.progress_done == request.progress_total
    assert request.progress_total > 10


def test_export_of_another_shopper_holds_none_of_these_rows():
    shopper = shopper_who_uses_everything()
    other = request_create(
        kind=RequestKind.ACCESS,
        market=shopper.user.preferred_market,
        email="nobody@example.net",
        start=False,
    )

    archive = _archive(export_build(request=other))

    assert json.loads(archive.read("data/shop.Order.json")) == []
    assert EMAIL not in archive.read("summary.html").decode()


def test_a_request_by_address_exports_the_chat_a_guest_proved_an_order_in():
    order = make_order(user=None, email="quirin@example.org")
    text = f"Where is {order.number}? quirin@example.org"
    guest = make_conversation(market="DE", language="de")
    message_post(conversation=guest, text=text)
    # Someone else's chat that merely names the address is not theirs to read.
    stranger = make_conversation(market="DE", language="de")
    message_post(conversation=stranger, text="Tell my friend quirin@example.org")
    request = request_create(
        kind=RequestKind.ACCESS,
        market=guest.market,
        email="Quirin@Example.org",
        start=False,
    )

    archive = _archive(export_build(request=request))

    conversations = json.loads(archive.read("data/support.Conversation.json"))
    assert [c["id"] for c in conversations] == [guest.pk]
    messages = json.loads(archive.read("data/support.Message.json"))
    assert messages[0]["text"] == text
    assert {m["conversation"] for m in messages} == {guest.pk}


def test_the_command_writes_the_same_export(tmp_path):
    shopper = shopper_who_uses_everything()
    out = tmp_path / "export.zip"

    staff = make_agent()
    reason = "Ticket 4711: the shopper asked by phone"

    call_command(
        "privacy_export",
        EMAIL,
        "--out",
        str(out),
        "--actor",
        staff.email,
        "--reason",
        reason,
        stdout=io.StringIO(),
    )

    archive = zipfile.ZipFile(out)
    orders = json.loads(archive.read("data/shop.Order.json"))
    assert shopper.paid_order.number in {o["number"] for o in orders}
    request = DataSubjectRequest.objects.filter(kind=RequestKind.ACCESS).latest("pk")
    assert (request.user, request.status) == (shopper.user, RequestStatus.COMPLETED)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_type, event.object_id) == (
        staff,
        "privacy.DataSubjectRequest",
        str(request.pk),
    )
    assert (event.subject_id, event.reason) == (shopper.user.pk, reason)


def test_the_command_refuses_an_actor_who_is_not_staff(tmp_path):
    shopper = shopper_who_uses_everything()
    out = tmp_path / "export.zip"

    with pytest.raises(CommandError, match="No staff account"):
        call_command(
            "privacy_export",
            EMAIL,
            "--out",
            str(out),
            "--actor",
            shopper.user.email,
            "--reason",
            "curious",
        )

    assert not out.exists()
    assert AuditEvent.objects.count() == 0


def test_the_erase_command_runs_the_erasure(capsys):
    shopper = shopper_who_uses_everything()

    call_command("privacy_erase", EMAIL, "--yes")

    shopper.user.refresh_from_db()
    assert shopper.user.is_active is False
    assert "completed" in capsys.readouterr().out


def test_export_files_are_not_served_as_media_and_expire(rf):
    shopper = shopper_who_uses_everything()
    request = DataSubjectRequest.objects.get(user=shopper.user)
    name = request.export_file.name
    assert default_storage.exists(name)

    with pytest.raises(Http404):
        media_serve(rf.get(f"/media/{name}"), name)

    assert re.fullmatch(rf"privacy/exports/{request.pk}-[\w-]{{32}}\.zip", name)
    assert exports_expire(now=request.export_expires_at) == 1
    request.refresh_from_db()
    assert request.export_file.name == ""
