"""Product questions in live-show comments, answered from the shop's data.

The host studio shows each recognised question with a suggested answer in the
commenter's language; the host posts it or edits it. A comment that is not a
product question, or that the assistant cannot answer from facts, gets none.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from shop.compliance.selectors import product_offerable_in_market
from shop.models import Market, Product
from support.assistant.engine import assistant_answer
from support.assistant.retrieval import product_named_is_gated

# What a host can answer from the catalog while live; orders, returns and the
# like belong in a private conversation, not in a public comment thread.
LIVE_INTENTS = {
    "product_question",
    "availability",
    "price_shipping",
    "delivery_time",
    "price_discount",
}


@dataclass(frozen=True)
class CommentSuggestion:
    language: str
    intent: str
    text: str
    facts: tuple[str, ...]
    links: tuple[str, ...]


def live_comment_suggest(
    *, text: str, market: Market, pinned: Sequence[Product] = ()
) -> CommentSuggestion | None:
    """A grounded suggested answer to a product question in a live comment, in
    the commenter's language; None for any other comment. A question that names
    no product ("is it waterproof?") is about the product pinned in the show. A
    comment about a product gated in the market gets none: the thread is public,
    and an answer about shipping alone would read as one about the product."""
    if product_named_is_gated(text=text, market=market):
        return None
    pinned = [
        p for p in pinned if product_offerable_in_market(product=p, market=market)
    ]
    reply = assistant_answer(text=text, market=market, user=None)
    if reply.intent not in LIVE_INTENTS or reply.handoff:
        return None
    if reply.clarify and pinned:
        reply = assistant_answer(
            text=f"{text} ({pinned[0].name})",
            market=market,
            user=None,
            explicit_language=reply.language,
        )
    if reply.clarify or not reply.helpful or not reply.facts:
        return None
    return CommentSuggestion(
        language=reply.language,
        intent=reply.intent,
        text=reply.text,
        facts=reply.facts,
        links=reply.links,
    )
