"""Privacy middleware: residency first, then the consent state and GPC, then the
camera-consent gate and the audit of staff access to personal data."""

import re
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from privacy.consent import (
    CONSENT_COOKIE,
    CONSENT_COOKIE_MAX_AGE,
    consent_cookie_read,
    consent_cookie_value,
)
from privacy.residency import region_served_here, region_url
from privacy.services.audit_admin import admin_access_audit, admin_access_pending
from privacy.services.biometric import biometric_consent_required
from privacy.services.consent import consent_gpc_record, consent_policy_version

Handler = Callable[[HttpRequest], HttpResponse]


def consent_cookie_set(response: HttpResponse, *, request: HttpRequest, state) -> None:
    """Store the consent state in its (strictly necessary) cookie."""
    response.set_cookie(
        CONSENT_COOKIE,
        consent_cookie_value(state),
        max_age=CONSENT_COOKIE_MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


class ResidencyMiddleware:
    """Send a shopper of another region's market to that region's deployment before
    anything of theirs is stored (it runs right after the market is resolved)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        market = getattr(request, "market", None)
        if (
            market is None
            or region_served_here(region=market.data_region)
            or request.path_info.startswith(settings.DATA_REGION_EXEMPT_PATHS)
        ):
            return self.get_response(request)
        base = region_url(region=market.data_region)
        if base is None:
            return HttpResponse(
                _("Shoppers of this market are served by another deployment."),
                status=421,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponseRedirect(base + request.get_full_path())
        # 307 keeps the method and body: a form posted here is posted there.
        response.status_code = 302 if request.method in ("GET", "HEAD") else 307
        return response


class ConsentMiddleware:
    """Read the visitor's consent (cookie + Sec-GPC) once; record a GPC signal."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        gpc = request.headers.get("Sec-GPC", "").strip() == "1"
        state = consent_cookie_read(
            request.COOKIES.get(CONSENT_COOKIE),
            current_version=consent_policy_version(),
            gpc=gpc,
        )
        market = getattr(request, "market", None)
        # The signal is an opt-out the law asks us to honour and to be able to prove:
        # it is recorded the first time it is seen, whatever the request's method.
        recorded = consent_gpc_record(
            state=state,
            user=getattr(request, "user", None),
            market_code=market.code if market else "",
        )
        request.consent = recorded or state  # type: ignore[attr-defined]
        request.page_cache_variant = request.consent.cache_variant  # type: ignore[attr-defined]
        response = self.get_response(request)
        if recorded is not None and CONSENT_COOKIE not in response.cookies:
            consent_cookie_set(response, request=request, state=recorded)
        return response


@cache
def _capture_pages() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in settings.MEDIA_CAPTURE_PAGES))


class CameraConsentMiddleware:
    """Pages that use the camera (settings.MEDIA_CAPTURE_PAGES) ask for written
    biometric consent first where the user's market's laws require it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and user is not None
            and user.is_authenticated
            and settings.MEDIA_CAPTURE_PAGES
            and _capture_pages().match(request.path_info)
            # The law follows where the user lives: their account's market. The
            # market a visitor browses in says nothing of that.
            and biometric_consent_required(user=user, market=None)
        ):
            target = reverse("privacy:biometric_consent")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class AdminAccessAuditMiddleware:
    """Every staff view or change of a registered personal-data record in the admin
    is written to the audit log."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = (
            admin_access_pending(request=request)
            if request.path_info.startswith("/admin/")
            else None
        )
        response = self.get_response(request)
        if pending is not None and response.status_code < 400:
            admin_access_audit(pending=pending)
        return response
