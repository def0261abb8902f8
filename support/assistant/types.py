"""The assistant's interface: what callers pass in and what they get back."""

from dataclasses import dataclass

INTENTS: tuple[str, ...] = (
    "product_question",
    "availability",
    "price_shipping",
    "delivery_time",
    "order_status",
    "returns",
    "payment_methods",
    "complaint",
    "human",
    "small_talk",
    "price_over_budget",
    "price_discount",
    "price_competitor",
)

HANDOFF_REASONS: tuple[str, ...] = (
    "",
    "requested",
    "complaint",
    "negative",
    "low_confidence",
    "unhelpful",
    "unsupported_language",
)


@dataclass(frozen=True)
class Turn:
    """One earlier message of the conversation, oldest first."""

    author: str  # "shopper" | "assistant" | "agent"
    text: str
    language: str = ""
    intent: str = ""
    clarify: bool = False  # the assistant asked a clarifying question
    helpful: bool = True  # False when the assistant could not answer


@dataclass(frozen=True)
class AssistantReply:
    text: str
    language: str  # "en" "de" "fr" "es" "pt-br" "id"
    intent: str  # one of INTENTS, or "" when unclear
    confidence: float
    handoff: bool
    handoff_reason: str  # one of HANDOFF_REASONS
    clarify: bool
    helpful: bool
    facts: tuple[str, ...]  # the figures and strings the reply states
    links: tuple[str, ...]  # paths of the products, articles and orders cited

    def as_json(self) -> dict[str, object]:
        """The reply as the API and the command print it."""
        return {
            "text": self.text,
            "language": self.language,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "handoff": self.handoff,
            "handoff_reason": self.handoff_reason,
            "clarify": self.clarify,
            "helpful": self.helpful,
            "facts": list(self.facts),
            "links": list(self.links),
        }
