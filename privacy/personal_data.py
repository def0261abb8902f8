"""Personal data of Django's and allauth's models and of the privacy app itself."""

from collections.abc import Iterator

from allauth.account.models import EmailAddress, EmailConfirmation
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Consent, audit and incident models declare in their own module.
from privacy import personal_data_compliance  # noqa: F401
from privacy.models import DataSubjectRequest
from privacy.registry import (
    ErasureAction,
    LegalBasis,
    LegalHold,
    Subject,
    register,
    subject_digest,
)

register(
    EmailAddress,
    fields=("email", "verified", "primary"),
    purpose=_("Signing in and confirming your email address."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("As long as the account."),
    user_path="user",
    email_path="email",
    erasure=ErasureAction.DELETE,
    order=90,
)

register(
    EmailConfirmation,
    fields=("email_address", "created", "sent"),
    purpose=_("Confirming your email address."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("Until the address is confirmed."),
    user_path="email_address__user",
    email_path="email_address__email",
    erasure=ErasureAction.DELETE,
    order=85,
)


def _subject_sessions(subject: Subject) -> Iterator[Session]:
    """Sessions signed in to the subject's account: the account id is inside the
    encoded session data, so every session is read, in chunks."""
    if subject.user_id is None:
        return
    wanted = str(subject.user_id)
    for session in Session.objects.order_by("pk").iterator(chunk_size=500):
        if str(session.get_decoded().get("_auth_user_id", "")) == wanted:
            yield session


register(
    Session,
    fields=("expire_date",),
    purpose=_("Keeping you signed in and remembering your cart between pages."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("Two weeks after your last visit."),
    rows=_subject_sessions,
    erasure=ErasureAction.DELETE,
    order=90,
)


def _subject_admin_log(subject: Subject) -> Iterator[LogEntry]:
    """Staff changes recorded about the subject's account or under their address."""
    query = Q()
    if subject.user_id is not None:
        user_type = ContentType.objects.get_for_model(get_user_model())
        query |= Q(content_type=user_type, object_id=str(subject.user_id))
    if subject.email:
        query |= Q(object_repr__iexact=subject.email)
    if not query:
        return iter(())
    return LogEntry.objects.filter(query).order_by("pk").iterator(chunk_size=500)


register(
    LogEntry,
    fields=("action_time", "object_repr", "change_message"),
    purpose=_("Recording what staff changed in the admin."),
    legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
    retention=_("As long as the account."),
    rows=_subject_admin_log,
    erasure=ErasureAction.ANONYMIZE,
    anonymize={"object_repr": "", "change_message": ""},
    order=90,
)

register(
    DataSubjectRequest,
    fields=("kind", "status", "email", "details", "received_at", "completed_at"),
    purpose=_("Answering your requests about your personal data, and proving we did."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    retention=_(
        "Kept as proof of the answer, without your address, for the years the "
        "law requires."
    ),
    user_path="user",
    email_path="email",
    erasure=ErasureAction.HOLD,
    legal_hold=LegalHold(
        reason=_("Proof that a data-subject request was answered."),
        years={"*": settings.PRIVACY_REQUEST_RETENTION_YEARS},
        starts_from="received_at",
        market_path="market__code",
        applies=Q(),
        clear={
            "subject_digest": lambda request: subject_digest(
                getattr(request, "email", "")
            ),
            "user": None,
            "email": "",
            "details": "",
            "export_file": "",
        },
        keeps=(),
    ),
    files=("export_file",),
    order=95,
)
