"""Which language a request is served in: shopper languages on the storefront, any
configured language (the staff-only ones too) in the admin."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


def _is_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith(reverse("admin:index"))


def _shopper_variant(code: str | None) -> str | None:
    """`code` as a storefront language (`de-AT` -> `de`); None for staff-only ones."""
    if not code:
        return None
    try:
        variant = translation.get_supported_language_variant(code)
    except LookupError:
        return None
    return variant if variant in settings.SHOPPER_LANGUAGES else None


def storefront_language(request: HttpRequest) -> str:
    """A shopper's language where the URL names none: the account's preferred
    language, then the language cookie, then Accept-Language, then the default."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        language = _shopper_variant(user.preferred_language)
        if language:
            return language
    language = _shopper_variant(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if language:
        return language
    accept = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(accept):
        language = _shopper_variant(code)
        if language:
            return language
    return settings.LANGUAGE_CODE


class ShopLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with staff-only languages kept to the admin.

    A storefront URL in a staff-only language (`/zh-hans/...`) redirects to the
    default language; `/` sends a signed-in shopper to the account's language.
    """

    # MiddlewareMixin returns whatever process_request returns: a redirect here.
    def process_request(  # type: ignore[override]
        self, request: HttpRequest
    ) -> HttpResponse | None:
        if _is_admin(request):
            language = translation.get_language_from_request(request)
        else:
            from_path = translation.get_language_from_path(request.path_info)
            if from_path and from_path not in settings.SHOPPER_LANGUAGES:
                return self._to_default_language(request)
            language = from_path or storefront_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            response.status_code == 404
            and not _is_admin(request)
            and not translation.get_language_from_path(request.path_info)
        ):
            # The account (known now that authentication has run) picks the
            # language of the redirect to a prefixed URL.
            translation.activate(storefront_language(request))
        return super().process_response(request, response)

    def _to_default_language(self, request: HttpRequest) -> HttpResponse:
        _prefix, _sep, rest = request.get_full_path().lstrip("/").partition("/")
        response = self.response_redirect_class(f"/{settings.LANGUAGE_CODE}/{rest}")
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
