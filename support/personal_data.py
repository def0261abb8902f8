"""Support's personal data, declared in the privacy registry.

A conversation is found by the shopper's account, and a guest's by the address
of an order the guest proved in it (`Conversation.contact_email`, kept until the
conversation itself is erased, so that a re-run after a crash still finds its
rows). Agents
appear as staff (`assigned_to`, `Message.agent`), never as the subject.
"""

from django.utils.translation import gettext_lazy as _

from privacy.registry import ErasureAction, LegalBasis, register
from support.models import Call, Conversation, ConversationOutcome, Message

register(
    Message,
    fields=("conversation", "author", "text", "language", "created_at"),
    purpose=_("Answering your questions in the support chat."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_(
        "As long as the account; on erasure the whole chat is deleted, since "
        "what you wrote and the answers to it may say anything about you."
    ),
    user_path="conversation__user",
    email_path="conversation__contact_email",
    # Unlike a show's public comments, a chat has no audience that needs it to
    # stay, and redacting a name leaves order numbers, addresses and health or
    # sizing details in free text: every message of the conversation goes.
    erasure=ErasureAction.DELETE,
    order=40,
)

register(
    Call,
    fields=(
        "conversation",
        "started_by",
        "status",
        "started_at",
        "connected_at",
        "ended_at",
        "shopper_recording_consent_at",
    ),
    purpose=_("Video calls with our staff, and your consent before one is recorded."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("As long as the conversation; deleted on erasure."),
    user_path="conversation__user",
    email_path="conversation__contact_email",
    erasure=ErasureAction.DELETE,
    order=40,
)

register(
    ConversationOutcome,
    fields=("conversation", "started_at", "resolution", "csat"),
    purpose=_("Measuring how well support answers, with your rating of the chat."),
    legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
    retention=_(
        "As long as the account; on erasure your rating is removed and only "
        "the shop's own measures stay, tied to no one."
    ),
    user_path="conversation__user",
    email_path="conversation__contact_email",
    # Resolution and response times measure staff and the assistant; they stay
    # for the support figures once the conversation no longer names anyone.
    erasure=ErasureAction.ANONYMIZE,
    anonymize={"csat": ""},
    order=40,
)

register(
    Conversation,
    fields=(
        "market",
        "language",
        "shopper_timezone",
        "contact_email",
        "status",
        "created_at",
    ),
    purpose=_("Answering your questions in the support chat."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_(
        "As long as the account; on erasure it stays as an empty conversation "
        "without you, for the support figures."
    ),
    user_path="user",
    email_path="contact_email",
    # Runs after its messages, calls and outcome, which are found through it.
    erasure=ErasureAction.ANONYMIZE,
    anonymize={
        "user": None,
        "session_key": "",
        "shopper_timezone": "",
        "contact_email": "",
    },
)
