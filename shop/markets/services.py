"""Which market a request belongs to, and the markets' per-process cache."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from shop.models import Market
from shop.storefront.cache import catalog_version_bump

MARKET_COOKIE = "tw_market"
MARKET_COOKIE_MAX_AGE = 365 * 24 * 3600

# Markets change rarely and are read on every request: each process keeps them in
# memory for a short while instead of asking the database each time.
_MARKETS_TTL_SECONDS = 30.0


@dataclass
class _MarketCache:
    markets: dict[str, Market]
    loaded_at: float


_cache: _MarketCache | None = None


def market_cache_clear() -> None:
    """Forget this process's copy of the markets (after staff edit one)."""
    global _cache
    _cache = None


def markets_active() -> dict[str, Market]:
    """Active markets by code, from a per-process copy refreshed every 30 s."""
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache.loaded_at > _MARKETS_TTL_SECONDS:
        markets = {m.code: m for m in Market.objects.filter(is_active=True)}
        _cache = _MarketCache(markets=markets, loaded_at=now)
    return _cache.markets


def markets_in_memory() -> dict[str, Market] | None:
    """This process's copy of the active markets if it is fresh, else None: never a
    query, so code on an event loop may call it."""
    if _cache is None or time.monotonic() - _cache.loaded_at > _MARKETS_TTL_SECONDS:
        return None
    return _cache.markets


def _market_for_language_tag(tag: str, markets: dict[str, Market]) -> Market | None:
    """Match an Accept-Language tag such as de-AT, pt-BR or fr to a market."""
    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    region = parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 else ""
    if region:
        for market in markets.values():
            if region in market.countries:
                return market
    for market in markets.values():
        if market.language.split("-")[0] == language:
            return market
    return None


def _accept_language_tags(header: str) -> list[str]:
    weighted = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        if not tag or tag == "*":
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)[:8]]


def market_default(markets: dict[str, Market]) -> Market | None:
    for market in markets.values():
        if market.is_default:
            return market
    return next(iter(markets.values()), None)


def market_resolve(*, request: HttpRequest) -> Market | None:
    """The request's market: explicit choice, then account, then Accept-Language."""
    return market_choose(
        chosen=request.COOKIES.get(MARKET_COOKIE, ""),
        user=getattr(request, "user", None),
        accept_language=request.headers.get("Accept-Language", ""),
    )


def market_choose(
    *,
    chosen: str,
    user,
    accept_language: str,
    markets: dict[str, Market] | None = None,
) -> Market | None:
    """The market for a chosen code, an account and an Accept-Language header."""
    if markets is None:
        markets = markets_active()
    if chosen in markets:
        return markets[chosen]
    if user is not None and user.is_authenticated and user.preferred_market_id:
        for market in markets.values():
            if market.pk == user.preferred_market_id:
                return market
    for tag in _accept_language_tags(accept_language):
        matched = _market_for_language_tag(tag, markets)
        if matched is not None:
            return matched
    return market_default(markets)


def shopper_language(code: str | None) -> str:
    """A language a shopper can browse in; staff-only languages fall back."""
    if code in settings.SHOPPER_LANGUAGES:
        return code
    return settings.LANGUAGE_CODE


def _markets_changed() -> None:
    # Markets are cached per process and name prices on cached pages: both go.
    transaction.on_commit(market_cache_clear)
    catalog_version_bump()


@transaction.atomic
def market_save(*, market: Market) -> Market:
    """Save a market; every process forgets its cached copy once committed."""
    market.save()
    _markets_changed()
    return market


@transaction.atomic
def markets_delete(*, markets: QuerySet[Market]) -> int:
    """Delete markets; every process forgets its cached copy once committed."""
    count, _deleted = markets.delete()
    _markets_changed()
    return count
