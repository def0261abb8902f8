"""The assistant's pipeline, one stage after the other:

1. language: explicit choice > confident detection > kept > page > market;
2. one embedding of the message, shared by intent and sentiment;
3. intent: probabilities from embedding and keywords, with a threshold and an
   ambiguity gap; unclear once -> one clarifying question, twice -> a person;
4. handoff rules: asked for a person, a complaint, a strongly negative message,
   an unsupported language, two unhelpful answers;
5. retrieval and composition from the shop's data, in the market's tone;
6. optional phrasing by a language model, kept only when it sticks to the facts.
"""

from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from shop.models import Market, User
from shop.orders.services import order_list_for_user
from shop.reviews.sentiment import sentiment_of_embedding, text_embedding
from support.assistant import compose
from support.assistant.intents import IntentScores, intent_scores
from support.assistant.language import language_choose
from support.assistant.llm import llm_phrase
from support.assistant.retrieval import order_lookup, products_find
from support.assistant.types import AssistantReply, Turn

# Below this probability, or this lead over the runner-up, the intent is unclear.
CONFIDENCE_THRESHOLD = 0.5
AMBIGUITY_GAP = 0.15
# A sentiment score at or below this is "strongly negative": a person takes over.
# The review scorer gives plain questions about a late parcel about -0.2 and a
# return because shoes do not fit about -0.6 (a return is negative news, not
# anger), so returns are exempt and the bar sits above that.
NEGATIVE_SCORE = -0.55
NEGATIVE_EXEMPT = {"small_talk", "returns"}
# After this many unhelpful answers in a conversation, a person takes over.
UNHELPFUL_LIMIT = 2
MAX_TEXT = 2000

PRODUCT_INTENTS = {
    "product_question",
    "availability",
    "price_shipping",
    "delivery_time",
    "price_over_budget",
    "price_discount",
    "price_competitor",
}


def _intent_names() -> dict[str, str]:
    return {
        "product_question": _("a question about a product"),
        "availability": _("whether a product is in stock"),
        "price_shipping": _("prices and shipping costs"),
        "delivery_time": _("delivery times"),
        "order_status": _("the status of your order"),
        "returns": _("returns and withdrawal"),
        "payment_methods": _("payment methods"),
        "complaint": _("a complaint"),
        "human": _("talking to a person"),
        "small_talk": _("something else"),
        "price_over_budget": _("cheaper alternatives"),
        "price_discount": _("current offers"),
        "price_competitor": _("a comparison with another shop"),
    }


def _reply(
    *,
    text: str,
    language: str,
    intent: str,
    confidence: float,
    handoff_reason: str = "",
    clarify: bool = False,
    helpful: bool = True,
    facts: Sequence[str] = (),
    links: Sequence[str] = (),
) -> AssistantReply:
    return AssistantReply(
        text=text,
        language=language,
        intent=intent,
        confidence=confidence,
        handoff=bool(handoff_reason),
        handoff_reason=handoff_reason,
        clarify=clarify,
        helpful=helpful,
        facts=tuple(facts),
        links=tuple(links),
    )


def _handoff(
    reason: str, *, language: str, intent: str, confidence: float, helpful: bool = True
) -> AssistantReply:
    return _reply(
        text=_handoff_text(reason),
        language=language,
        intent=intent,
        confidence=confidence,
        handoff_reason=reason,
        helpful=helpful,
    )


def _handoff_text(reason: str) -> str:
    if reason == "requested":
        return _("Of course. I am passing you to a member of our team.")
    if reason in ("complaint", "negative"):
        return _(
            "I am sorry about this. A member of our team will take over this "
            "conversation and help you personally."
        )
    if reason == "unsupported_language":
        return _(
            "I can answer in English, German, French, Spanish, Portuguese and "
            "Indonesian. A member of our team will take over."
        )
    return _(
        "I could not help you well enough, so a member of our team will take over "
        "this conversation."
    )


def _previous_assistant(history: Sequence[Turn]) -> Turn | None:
    return next(
        (turn for turn in reversed(history) if turn.author == "assistant"), None
    )


def _is_returning(user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return order_list_for_user(user=user).exists()


def _unclear(scores: IntentScores) -> bool:
    return scores.confidence < CONFIDENCE_THRESHOLD or scores.gap < AMBIGUITY_GAP


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
    text = (text or "").strip()[:MAX_TEXT]
    if user is not None and not user.is_authenticated:
        user = None
    choice = language_choose(
        text=text,
        history=history,
        explicit_language=explicit_language,
        page_language=page_language,
        market_language=market.language,
    )
    language = choice.language
    with translation.override(language):
        if choice.unsupported and explicit_language is None:
            return _handoff(
                "unsupported_language",
                language=language,
                intent="",
                confidence=0.0,
            )
        embedding = text_embedding(text=text, language=language)
        scores = intent_scores(text=text, embedding=embedding)
        intent, confidence = scores.best, scores.confidence
        previous = _previous_assistant(history)
        if intent == "human" and not _unclear(scores):
            return _handoff(
                "requested",
                language=language,
                intent=intent,
                confidence=confidence,
            )
        sentiment = sentiment_of_embedding(embedding=embedding, language=language)
        if sentiment.score <= NEGATIVE_SCORE and intent not in NEGATIVE_EXEMPT:
            return _handoff(
                "negative",
                language=language,
                intent=intent if not _unclear(scores) else "complaint",
                confidence=confidence,
            )
        if intent == "complaint" and not _unclear(scores):
            return _handoff(
                "complaint",
                language=language,
                intent=intent,
                confidence=confidence,
            )
        if _unclear(scores):
            if previous is not None and previous.clarify:
                return _handoff(
                    "low_confidence",
                    language=language,
                    intent="",
                    confidence=confidence,
                    helpful=False,
                )
            names = _intent_names()
            first, second = scores.ranked[0][0], scores.ranked[1][0]
            return _reply(
                text=_("Do you mean %(first)s or %(second)s?")
                % {"first": names[first], "second": names[second]},
                language=language,
                intent="",
                confidence=confidence,
                clarify=True,
                helpful=False,
            )
        context = compose.Context(
            market=market,
            language=language,
            user=user,
            returning=_is_returning(user),
            first_turn=previous is None,
        )
        draft = _compose(intent=intent, text=text, context=context, embedding=embedding)
        body = draft.text
        greeting = compose.greeting(context)
        built_in = f"{greeting} {body}".strip() if greeting else body
        phrased = llm_phrase(
            draft=built_in,
            facts=tuple(draft.facts),
            language=language,
            tone=market.get_tone_profile_display(),
            notes=market.tone_notes,
        )
        unhelpful_before = sum(
            1 for turn in history if turn.author == "assistant" and not turn.helpful
        )
        reason = ""
        if not draft.helpful and unhelpful_before + 1 >= UNHELPFUL_LIMIT:
            reason = "unhelpful"
        reply_text = phrased or built_in
        if reason:
            reply_text = f"{reply_text} {_handoff_text(reason)}"
        return _reply(
            text=reply_text,
            language=language,
            intent=intent,
            confidence=confidence,
            handoff_reason=reason,
            clarify=draft.clarify,
            helpful=draft.helpful,
            facts=draft.facts,
            links=draft.links,
        )


def _compose(
    *, intent: str, text: str, context: compose.Context, embedding
) -> compose.Draft:
    if intent == "order_status":
        return compose.compose_order_status(
            context, order_lookup(text=text, user=context.user)
        )
    if intent == "returns":
        return compose.compose_returns(context)
    if intent == "payment_methods":
        return compose.compose_payment_methods(context)
    if intent == "small_talk":
        return compose.compose_small_talk(context)
    matches = products_find(
        text=text,
        embedding=embedding,
        language=context.language,
        market=context.market,
        by_meaning=intent in ("product_question", "availability"),
    )
    composers = {
        "product_question": compose.compose_product_question,
        "availability": compose.compose_availability,
        "price_shipping": compose.compose_price_shipping,
        "delivery_time": compose.compose_delivery_time,
        "price_discount": compose.compose_discount,
        "price_competitor": compose.compose_competitor,
    }
    if intent == "price_over_budget":
        return compose.compose_over_budget(context, matches, text)
    return composers[intent](context, matches)
