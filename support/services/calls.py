"""1:1 video calls from a conversation: started, connected, ended, recording
consent. The media goes browser to browser; the server only relays signaling."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shop.markets.services import shopper_language
from support import realtime
from support.models import Author, Call, CallStatus, Conversation, HandoffReason
from support.selectors import call_as_json
from support.services.conversations import conversation_handoff, message_store
from support.services.errors import SupportRuleError

FIRST_FRAME_MAX_MS = 10 * 60 * 1000
SIGNAL_KINDS = ("join", "offer", "answer", "leave")


def sdp_check(sdp: object) -> str:
    """An SDP text within the size the live signaling accepts; else refused."""
    if not isinstance(sdp, str) or not sdp.lstrip().startswith("v=0"):
        raise SupportRuleError(_("The offer is not SDP."), code="bad_sdp")
    if len(sdp.encode("utf-8")) > settings.LIVE_MAX_SDP_BYTES:
        raise SupportRuleError(_("The SDP offer is too large."), code="too_large")
    return sdp


def _note(conversation: Conversation, text_of) -> None:
    with translation.override(shopper_language(conversation.language)):
        text = str(text_of())
    message_store(
        conversation=conversation,
        author=Author.SYSTEM,
        text=text,
        language=conversation.language,
    )


def _publish(call: Call) -> None:
    realtime.conversation_publish(
        conversation_id=call.conversation_id,
        payload={"type": "call", "call": call_as_json(call)},
    )


def call_start(*, conversation: Conversation, started_by: str) -> Call:
    """Start a call (or return the one running); it shows in the history. A call the
    shopper starts puts the conversation in the agents' queue."""
    if started_by not in (Author.SHOPPER, Author.AGENT):
        raise SupportRuleError(_("Only the shopper or an agent call."), code="invalid")
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        running = conversation.calls.exclude(status=CallStatus.ENDED).first()
        if running is not None:
            return running
        call = Call.objects.create(conversation=conversation, started_by=started_by)
        _note(conversation, lambda: _("Video call started."))
        if started_by == Author.SHOPPER:
            conversation_handoff(
                conversation=conversation, reason=HandoffReason.SHOPPER_CALL
            )
        _publish(call)
    return call


def _call_of(conversation: Conversation, call_id: object) -> Call:
    if not isinstance(call_id, int) or isinstance(call_id, bool):
        raise SupportRuleError(_("No such call."), code="not_found")
    call = conversation.calls.filter(pk=call_id).first()
    if call is None:
        raise SupportRuleError(_("No such call."), code="not_found")
    return call


def call_first_frame(
    *, conversation: Conversation, call_id: object, ms: object
) -> Call:
    """The call connected: the first remote frame played `ms` after the page began
    connecting. The first measure a call gets is kept."""
    call = _call_of(conversation, call_id)
    if (
        not isinstance(ms, int)
        or isinstance(ms, bool)
        or not 0 <= ms <= (FIRST_FRAME_MAX_MS)
    ):
        raise SupportRuleError(_("The measure is not valid."), code="invalid")
    if call.status == CallStatus.RINGING:
        Call.objects.filter(pk=call.pk, first_frame_ms=None).update(
            status=CallStatus.CONNECTED, connected_at=timezone.now(), first_frame_ms=ms
        )
        call.refresh_from_db()
        _publish(call)
    return call


def call_recording_consent(
    *,
    conversation: Conversation,
    call_id: object,
    role: str,
    now: datetime | None = None,
) -> Call:
    """Store one side's explicit consent to recording; recording needs both."""
    call = _call_of(conversation, call_id)
    fields: dict[str, str] = {
        Author.SHOPPER: "shopper_recording_consent_at",
        Author.AGENT: "agent_recording_consent_at",
    }
    field = fields.get(role)
    if field is None:
        raise SupportRuleError(
            _("Only the shopper or an agent consent."), code="invalid"
        )
    if getattr(call, field) is None:
        setattr(call, field, now or timezone.now())
        call.save(update_fields=[field])
        _publish(call)
    return call


def call_recording_allowed(*, call: Call) -> bool:
    """Both sides have agreed to the call being recorded."""
    return bool(call.shopper_recording_consent_at and call.agent_recording_consent_at)


def call_end(*, conversation: Conversation, call_id: object) -> Call:
    """End the call; the history says how long it lasted."""
    call = _call_of(conversation, call_id)
    with transaction.atomic():
        updated = Call.objects.filter(pk=call.pk).exclude(status=CallStatus.ENDED)
        if updated.update(status=CallStatus.ENDED, ended_at=timezone.now()):
            call.refresh_from_db()
            assert call.ended_at is not None
            minutes = max(
                1, round((call.ended_at - call.started_at).total_seconds() / 60)
            )
            _note(
                conversation,
                lambda: (
                    _("Video call ended after %(minutes)d min.") % {"minutes": minutes}
                ),
            )
            _publish(call)
    return call
