"""The cookies that carry a shopper's explicit market and language choice."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from shop.markets.services import MARKET_COOKIE, MARKET_COOKIE_MAX_AGE


def market_cookie_set(
    response: HttpResponse, *, request: HttpRequest, code: str
) -> None:
    """Remember the chosen market; it wins over the account and Accept-Language."""
    response.set_cookie(
        MARKET_COOKIE,
        code,
        max_age=MARKET_COOKIE_MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def language_cookie_set(
    response: HttpResponse, *, request: HttpRequest, language: str
) -> None:
    """Remember the chosen language, with Django's language-cookie settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
