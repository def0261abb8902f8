"""Whole-page caching of anonymous storefront pages, per market and language.

A hit is served without touching the database: the visitor counts as anonymous when
the request carries no session cookie, and the market comes from the per-process
market cache. Pages hold CSRF tokens (the header's switchers); they are stored with a
placeholder, and each hit gets the visitor's own token.
"""

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import TypeGuard

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from shop.markets.requests import MarketRequest
from shop.storefront.cache import page_cache_get, page_cache_key, page_cache_set

CSRF_PLACEHOLDER = b"tw-csrf-token-placeholder"
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
MESSAGES_COOKIE = "messages"

View = Callable[..., HttpResponse]


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


def _key(request: MarketRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return page_cache_key(
        path=digest, language=get_language(), market_code=request.market.code
    )


def _mark_varying(response: HttpResponse) -> HttpResponse:
    # The market, and so prices and taxes, comes from a cookie or Accept-Language.
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    # Pages carry a per-visitor CSRF token: shared caches must not keep them.
    patch_cache_control(response, private=True)
    return response


def storefront_cached(view: View) -> View:
    """Serve anonymous GETs of a storefront page from the page cache."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.STOREFRONT_CACHE_SECONDS
        if seconds <= 0 or not _cacheable_request(request):
            return _mark_varying(view(request, *args, **kwargs))
        key = _key(request)
        version, body = page_cache_get(key=key)
        if body is not None:
            token = get_token(request).encode()
            response = HttpResponse(body.replace(CSRF_PLACEHOLDER, token))
            return _mark_varying(response)
        response = view(request, *args, **kwargs)
        if _cacheable_response(request, response):
            content = response.content
            for token in set(_CSRF_INPUT.findall(content)):
                content = content.replace(token, CSRF_PLACEHOLDER)
            page_cache_set(key=key, version=version, content=content, timeout=seconds)
        return _mark_varying(response)

    return wrapper
