from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shop.markets.services import market_resolve


class MarketMiddleware:
    """Resolve the request's market once; everything after reads `request.market`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.market = market_resolve(request=request)
        return self.get_response(request)
