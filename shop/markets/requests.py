"""The request type that views behind MarketMiddleware receive."""

from django.http import HttpRequest

from shop.markets.models import Market


class MarketRequest(HttpRequest):
    """A request after MarketMiddleware: `request.market` is always set."""

    market: Market
