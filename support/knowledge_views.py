"""The help pages that the assistant links its policy answers to."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from shop.markets.requests import MarketRequest
from support.knowledge_selectors import article_for_market


def article(request: MarketRequest, slug: str) -> HttpResponse:
    found = article_for_market(slug=slug, market=request.market)
    if found is None:
        raise Http404
    return render(request, "support/article.html", {"article": found})
