"""Reads of the assistant's knowledge that pages share."""

from django.db.models import Q

from shop.models import Market
from support.models import PolicyArticle


def article_for_market(*, slug: str, market: Market) -> PolicyArticle | None:
    """A published article that applies to the market, or None."""
    return (
        PolicyArticle.objects.filter(
            Q(markets=market) | Q(markets__isnull=True), slug=slug, is_published=True
        )
        .distinct()
        .first()
    )
