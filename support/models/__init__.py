"""Every model of the support app, defined in its module and gathered here."""

from support.models.conversations import (
    Author,
    Call,
    CallStatus,
    CannedReply,
    Conversation,
    ConversationOutcome,
    ConversationStatus,
    Csat,
    HandoffReason,
    Message,
    Resolution,
    SupportTeam,
)
from support.models.knowledge import ArticleTopic, PolicyArticle, ProductVector

__all__ = [
    "ArticleTopic",
    "Author",
    "Call",
    "CallStatus",
    "CannedReply",
    "Conversation",
    "ConversationOutcome",
    "ConversationStatus",
    "Csat",
    "HandoffReason",
    "Message",
    "PolicyArticle",
    "ProductVector",
    "Resolution",
    "SupportTeam",
]
