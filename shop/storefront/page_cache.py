"""Whole-page caching of anonymous storefront pages, per market and language.

A hit is served without touching the database: the visitor counts as anonymous when
the request carries no session cookie, and the market comes from the per-process
market cache. Pages hold CSRF tokens (the header's switchers); they are stored with a
placeholder, and each hit gets the visitor's own token.

A page is keyed on the query parameters it reads, in a canonical form, never on the
raw query string: tracking parameters and any other name the page ignores share one
entry, and a value outside its known set (or free text) is rendered but not stored.
The view then sees the canonical query only, so the stored page shows nothing that
came from the ignored parameters.
"""

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import TypeGuard
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from shop.markets.requests import MarketRequest
from shop.storefront.cache import page_cache_get, page_cache_key, page_cache_set

CSRF_PLACEHOLDER = b"tw-csrf-token-placeholder"
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
MESSAGES_COOKIE = "messages"

View = Callable[..., HttpResponse]
# The canonical (name, value) pairs of the query a page reads, sorted; None when the
# query holds a value that must not be cached (unknown, free text, malformed).
CanonicalQuery = list[tuple[str, str]] | None
QueryRule = Callable[[QueryDict], CanonicalQuery]
PAGE_PARAM = re.compile(r"[1-9][0-9]{0,3}")


def no_query(query: QueryDict) -> CanonicalQuery:
    """A page that reads no parameters: every query string is the bare page."""
    return []


def page_param_canonical(query: QueryDict) -> CanonicalQuery:
    """`page` as a number from 2 to 9999 (1 is the bare page); else not cacheable."""
    values = query.getlist("page")
    if not values:
        return []
    if len(values) > 1 or not PAGE_PARAM.fullmatch(values[0]):
        return None
    return [] if values[0] == "1" else [("page", values[0])]


def _cacheable_request(request: HttpRequest) -> TypeGuard[MarketRequest]:
    """Anonymous, stateless GET: no session (so no sign-in), no pending messages."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and getattr(request, "market", None) is not None
    )


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    storage = getattr(request, "_messages", None)
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not getattr(storage, "added_new", False)
    )


def _key(request: MarketRequest, pairs: list[tuple[str, str]]) -> str:
    # Pages differ by the visitor's consent (banner, consented scripts): a middleware
    # of the privacy app names that variant on the request.
    variant = getattr(request, "page_cache_variant", "")
    digest = hashlib.sha256(
        f"{request.path}?{urlencode(pairs)}#{variant}".encode()
    ).hexdigest()
    return page_cache_key(
        path=digest, language=get_language(), market_code=request.market.code
    )


def _mark_varying(response: HttpResponse) -> HttpResponse:
    # The market, and so prices and taxes, comes from a cookie or Accept-Language.
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    # Pages carry a per-visitor CSRF token: shared caches must not keep them.
    patch_cache_control(response, private=True)
    return response


def _query_replace(request: HttpRequest, pairs: list[tuple[str, str]]) -> None:
    """Let the view see only the canonical query, as `request.GET` and in its path."""
    query_string = urlencode(pairs)
    request.GET = QueryDict(query_string)
    request.META["QUERY_STRING"] = query_string


def storefront_cached(*, query: QueryRule = no_query) -> Callable[[View], View]:
    """Serve anonymous GETs of a storefront page from the page cache, keyed on the
    canonical form of the query parameters the page reads (`query`)."""

    def decorator(view: View) -> View:
        return _cached(view, query)

    return decorator


def _cached(view: View, query: QueryRule) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.STOREFRONT_CACHE_SECONDS
        if seconds <= 0 or not _cacheable_request(request):
            return _mark_varying(view(request, *args, **kwargs))
        pairs = query(request.GET)
        if pairs is None:
            return _mark_varying(view(request, *args, **kwargs))
        # The key is order-free; the page keeps the visitor's order of parameters.
        position = {name: index for index, name in enumerate(request.GET)}
        pairs = sorted(pairs, key=lambda pair: position.get(pair[0], 0))
        key = _key(request, sorted(pairs))
        version, body = page_cache_get(key=key)
        if body is not None:
            token = get_token(request).encode()
            response = HttpResponse(body.replace(CSRF_PLACEHOLDER, token))
            return _mark_varying(response)
        _query_replace(request, pairs)
        response = view(request, *args, **kwargs)
        if _cacheable_response(request, response):
            content = response.content
            for token in set(_CSRF_INPUT.findall(content)):
                content = content.replace(token, CSRF_PLACEHOLDER)
            page_cache_set(key=key, version=version, content=content, timeout=seconds)
        return _mark_varying(response)

    return wrapper
