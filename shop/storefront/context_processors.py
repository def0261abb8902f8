from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_info

from shop.catalog.selectors import nav_categories
from shop.checkout.services.cart import cart_item_count
from shop.markets.services import markets_active
from shop.storefront.formatting import babel_locale


def storefront(request: HttpRequest) -> dict:
    """What the header needs on every page: the market and the switchers' choices."""
    market = getattr(request, "market", None)
    return {
        "market": market,
        # The page's language as written in the market's country (en + GB -> en-GB),
        # for dates and times the browser formats.
        "format_locale": babel_locale(
            get_language() or settings.LANGUAGE_CODE, market.default_country
        ).replace("_", "-")
        if market is not None
        else "",
        "markets": list(markets_active().values()),
        "shopper_languages": [
            (code, name)
            for code, name in settings.LANGUAGES
            if code in settings.SHOPPER_LANGUAGES
        ],
        "shopper_language_names": [
            (code, get_language_info(code)["name_local"])
            for code in settings.SHOPPER_LANGUAGES
        ],
        # A callable: templates call it only when they show the category links.
        "nav_categories": nav_categories,
        # Also a callable: no query unless the header shows it; 0 without a session.
        "cart_count": lambda: _cart_count(request),
    }


def _cart_count(request: HttpRequest) -> int:
    user, session = getattr(request, "user", None), getattr(request, "session", None)
    if user is None or session is None:
        return 0
    return cart_item_count(user=user, session=session)
