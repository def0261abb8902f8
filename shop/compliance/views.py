"""The accessibility statement of the shopper's market."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shop.compliance.selectors import accessibility_statement_for
from shop.markets.requests import MarketRequest


@require_safe
def accessibility_statement(request: MarketRequest) -> HttpResponse:
    return render(
        request,
        "shop/accessibility.html",
        {"statement": accessibility_statement_for(market=request.market)},
    )
