from django.conf import settings
from django.http import HttpRequest

from shop.services.markets import markets_active


def storefront(request: HttpRequest) -> dict:
    """What the header needs on every page: the market and the switchers' choices."""
    return {
        "market": getattr(request, "market", None),
        "markets": list(markets_active().values()),
        "shopper_languages": [
            (code, name)
            for code, name in settings.LANGUAGES
            if code in settings.SHOPPER_LANGUAGES
        ],
    }
