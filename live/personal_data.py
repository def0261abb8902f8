"""Live shows' personal data, declared in the privacy registry."""

from django.utils.translation import gettext_lazy as _

from live.models import Comment, CommentReport, Show, ShowBan, ShowReminder
from privacy.registry import DELETED_USER_NAME, ErasureAction, LegalBasis, register

register(
    Comment,
    fields=("show", "author_name", "text", "created_at", "is_deleted"),
    purpose=_("Showing your comments to the audience of a live show."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_(
        "As long as the show's replay; after an erasure it stays as a deleted "
        "user's comment."
    ),
    user_path="user",
    erasure=ErasureAction.ANONYMIZE,
    anonymize={"user": None, "author_name": DELETED_USER_NAME, "client_id": ""},
    scrub=("text",),
)

register(
    CommentReport,
    fields=("comment", "reason", "status", "created_at"),
    purpose=_("Moderating comments you reported."),
    legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
    retention=_("Until the report is resolved and the show ended."),
    user_path="reporter",
    erasure=ErasureAction.DELETE,
    order=10,
)

register(
    ShowBan,
    fields=("show", "reason", "created_at"),
    purpose=_("Keeping a show's comments civil."),
    legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
    retention=_("As long as the show."),
    user_path="user",
    erasure=ErasureAction.DELETE,
)

register(
    ShowReminder,
    fields=("show", "created_at", "sent_at"),
    purpose=_("Emailing you when a show you chose starts."),
    legal_basis=LegalBasis.CONSENT,
    retention=_("Until the show starts."),
    user_path="user",
    erasure=ErasureAction.DELETE,
)

register(
    Show,
    fields=("title", "description", "scheduled_start", "recording", "stream_key_hash"),
    purpose=_("Hosting live shows: the recording of the host's camera and voice."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("As long as the replay is offered."),
    user_path="host",
    # The show stays for its viewers' comments and orders; the host's recording
    # and stream key go.
    erasure=ErasureAction.ANONYMIZE,
    anonymize={"recording": "", "stream_key_hash": "", "recording_started_at": None},
    files=("recording",),
    scrub=("title", "description"),
    export_fields=("title", "description", "scheduled_start", "recording"),
)
