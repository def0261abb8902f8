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

In front of Django, `PageCacheFront` (ASGI) and `PageCacheFrontWSGI` answer hits of
pages without a query string on their own: no middleware, no request signals and, on
daphne, no thread: Django's ASGI handler hops to a thread for its request signals and
every sync middleware, which costs a cached page more than the rest of its work. The
front only answers a page whose response headers it has seen pass through Django in
this process, so a hit carries exactly the headers Django's own answer would.
"""

import hashlib
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeGuard
from urllib.parse import urlencode

from django.conf import settings
from django.core.handlers.wsgi import get_path_info
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from shop.markets.requests import MarketRequest
from shop.markets.services import MARKET_COOKIE, market_choose, markets_in_memory
from shop.storefront.cache import (
    page_cache_aget,
    page_cache_get,
    page_cache_key,
    page_cache_set,
)

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
    return _key_for(
        path=request.path,
        pairs=pairs,
        language=get_language(),
        market_code=request.market.code,
        variant=getattr(request, "page_cache_variant", ""),
    )


def _key_for(
    *,
    path: str,
    pairs: list[tuple[str, str]],
    language: str,
    market_code: str,
    variant: str,
) -> str:
    digest = hashlib.sha256(f"{path}?{urlencode(pairs)}#{variant}".encode()).hexdigest()
    return page_cache_key(path=digest, language=language, market_code=market_code)


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

    # The front finds the query rule of a path's view here.
    wrapper.page_cache_query = query  # type: ignore[attr-defined]
    return wrapper


# --- Hits served in front of Django -------------------------------------------------

_MEMO_MAX = 4096
# Path -> the query rule of its cached view (None: not a cached page).
_routes: dict[str, QueryRule | None] = {}
# (key, secure) -> the headers Django sent with that page in this process.
_headers: dict[tuple[str, bool], list[tuple[str, str]]] = {}
_SKIPPED_HEADERS = frozenset({"content-length", "date", "server"})


@dataclass(frozen=True)
class FrontRequest:
    """What the front reads of a request, from an ASGI scope or a WSGI environ."""

    method: str
    path: str
    query_string: str
    host: str
    secure: bool
    cookies: dict[str, str]
    accept_language: str
    headers: frozenset[str] = frozenset()  # the names of the headers it carries


def _host_allowed(host: str) -> bool:
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def _route_rule(path: str, language: str) -> QueryRule | None:
    if path in _routes:
        return _routes[path]
    with translation.override(language):
        try:
            rule = getattr(resolve(path).func, "page_cache_query", None)
        except Resolver404:
            rule = None
    if len(_routes) >= _MEMO_MAX:
        _routes.clear()
    _routes[path] = rule
    return rule


def front_key(request: FrontRequest) -> str | None:
    """The page cache key of a request the front may answer by itself; None sends the
    request on to Django (signed in, a query string, a redirect due, not a cached
    page, markets not in memory)."""
    if (
        settings.STOREFRONT_CACHE_SECONDS <= 0
        or request.method != "GET"
        or request.query_string
        or settings.SESSION_COOKIE_NAME in request.cookies
        or MESSAGES_COOKIE in request.cookies
        # A page that varies by what such a cookie or header says (the visitor's
        # consent, a privacy signal to record) is answered by Django, which knows.
        or any(
            name in request.cookies for name in settings.PAGE_CACHE_FRONT_SKIP_COOKIES
        )
        or any(
            name in request.headers for name in settings.PAGE_CACHE_FRONT_SKIP_HEADERS
        )
        or (settings.SECURE_SSL_REDIRECT and not request.secure)
        or not _host_allowed(request.host)
    ):
        return None
    language = translation.get_language_from_path(request.path)
    if language not in settings.SHOPPER_LANGUAGES:
        return None
    markets = markets_in_memory()
    if markets is None:
        return None
    market = market_choose(
        chosen=request.cookies.get(MARKET_COOKIE, ""),
        user=None,
        accept_language=request.accept_language,
        markets=markets,
    )
    rule = _route_rule(request.path, language)
    if market is None or rule is None:
        return None
    pairs = rule(QueryDict())
    if pairs is None:
        return None
    return _key_for(
        path=request.path,
        pairs=pairs,
        language=language,
        market_code=market.code,
        # What Django's side names the variant of a visitor with none of the
        # cookies and headers above (e.g. consent not asked yet).
        variant=settings.PAGE_CACHE_FRONT_VARIANT,
    )


def front_headers_remember(
    *, key: str, secure: bool, status: int, headers: Iterable[tuple[str, str]]
) -> None:
    """Keep the headers Django sent with a cached page, for the front's next hits."""
    if status != 200:
        return
    kept = []
    csrf_cookie = f"{settings.CSRF_COOKIE_NAME}="
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            if not value.lstrip().startswith(csrf_cookie):
                return  # a page that sets other cookies is no shared page
            continue
        if lowered not in _SKIPPED_HEADERS:
            kept.append((name, value))
    if len(_headers) >= _MEMO_MAX:
        _headers.clear()
    _headers[(key, secure)] = kept


def _no_view(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the front never calls a view")


def front_response(
    *, key: str, body: bytes, request: FrontRequest
) -> HttpResponse | None:
    """The cached page as Django would answer it, with the visitor's own CSRF token
    (and cookie); None while this process has not seen the page's headers."""
    headers = _headers.get((key, request.secure))
    if headers is None:
        return None
    csrf_request = HttpRequest()
    csrf_request.COOKIES = request.cookies
    csrf = CsrfViewMiddleware(_no_view)
    csrf.process_request(csrf_request)
    token = get_token(csrf_request).encode()
    response = HttpResponse(body.replace(CSRF_PLACEHOLDER, token))
    for name, value in headers:
        response.headers[name] = value
    response.headers["Content-Length"] = str(len(response.content))
    csrf.process_response(csrf_request, response)
    return response


def _response_headers(response: HttpResponse) -> list[tuple[str, str]]:
    cookies = response.cookies.values()
    return [
        *response.items(),
        *(("Set-Cookie", cookie.output(header="").strip()) for cookie in cookies),
    ]


def _proxy_secure(header: str | None) -> bool:
    if settings.SECURE_PROXY_SSL_HEADER is None or header is None:
        return False
    return header.split(",", 1)[0].strip() == settings.SECURE_PROXY_SSL_HEADER[1]


def _proxy_header_name() -> str:
    """SECURE_PROXY_SSL_HEADER's header as a lowercase HTTP name."""
    meta_name = settings.SECURE_PROXY_SSL_HEADER[0]
    return meta_name.removeprefix("HTTP_").replace("_", "-").lower()


ASGIApp = Callable[..., Awaitable[None]]


class PageCacheFront:
    """ASGI: answer storefront cache hits on the event loop, before Django; all else
    (and every miss) goes on to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = _asgi_request(scope)
        key = front_key(request)
        if key is None:
            return await self.app(scope, receive, send)
        body = await page_cache_aget(key=key)
        response = (
            None
            if body is None
            else front_response(key=key, body=body, request=request)
        )
        if response is None:
            return await self.app(scope, receive, _remembering(send, key, request))
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": [
                    (name.encode("latin-1"), value.encode("latin-1"))
                    for name, value in _response_headers(response)
                ],
            }
        )
        await send({"type": "http.response.body", "body": response.content})


def _asgi_request(scope: dict[str, Any]) -> FrontRequest:
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        headers[name.decode("latin-1").lower()] = value.decode("latin-1")
    server = scope.get("server") or ("", None)
    proxy = (
        headers.get(_proxy_header_name()) if settings.SECURE_PROXY_SSL_HEADER else None
    )
    return FrontRequest(
        method=scope.get("method", ""),
        path=scope.get("path", ""),
        query_string=scope.get("query_string", b"").decode("latin-1"),
        host=headers.get("host") or f"{server[0]}:{server[1]}",
        secure=scope.get("scheme") == "https" or _proxy_secure(proxy),
        cookies=parse_cookie(headers.get("cookie", "")),
        accept_language=headers.get("accept-language", ""),
        headers=frozenset(headers),
    )


def _remembering(send, key: str, request: FrontRequest):
    async def remembering_send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            front_headers_remember(
                key=key,
                secure=request.secure,
                status=message["status"],
                headers=[
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in message.get("headers", ())
                ],
            )
        await send(message)

    return remembering_send


class PageCacheFrontWSGI:
    """WSGI: answer storefront cache hits before Django's handler and middleware."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response) -> Iterable[bytes]:
        request = _wsgi_request(environ)
        key = front_key(request)
        if key is None:
            return self.app(environ, start_response)
        _version, body = page_cache_get(key=key)
        response = (
            None
            if body is None
            else front_response(key=key, body=body, request=request)
        )
        if response is None:

            def remembering_start(status: str, headers, exc_info=None):
                front_headers_remember(
                    key=key,
                    secure=request.secure,
                    status=int(status.split(" ", 1)[0]),
                    headers=headers,
                )
                return start_response(status, headers, exc_info)

            return self.app(environ, remembering_start)
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            _response_headers(response),
        )
        return [response.content]


def _wsgi_request(environ: dict[str, Any]) -> FrontRequest:
    proxy = (
        environ.get(settings.SECURE_PROXY_SSL_HEADER[0])
        if settings.SECURE_PROXY_SSL_HEADER
        else None
    )
    host = environ.get("HTTP_HOST") or (
        f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
    )
    return FrontRequest(
        method=environ.get("REQUEST_METHOD", ""),
        path=get_path_info(environ),
        query_string=environ.get("QUERY_STRING", ""),
        host=host,
        secure=environ.get("wsgi.url_scheme") == "https" or _proxy_secure(proxy),
        cookies=parse_cookie(environ.get("HTTP_COOKIE", "")),
        accept_language=environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        headers=frozenset(
            key[5:].replace("_", "-").lower()
            for key in environ
            if key.startswith("HTTP_")
        ),
    )
