from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shop.markets.requests import MarketRequest
from shop.markets.services import market_resolve


class MarketMiddleware:
    """Resolve the request's market once; everything after reads `request.market`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: MarketRequest) -> HttpResponse:
        # None only while no market is active; storefront views need one.
        request.market = market_resolve(request=request)  # type: ignore[assignment]
        return self.get_response(request)
