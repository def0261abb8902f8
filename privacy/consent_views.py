"""Privacy pages: consent, US opt-outs, biometric consent, legal pages."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from privacy.consent_forms import BiometricConsentForm, ConsentForm, OptOutForm
from privacy.legal_selectors import (
    LegalPageKind,
    legal_version_current,
    legal_version_numbered,
    legal_versions,
    privacy_notice_residency,
    privacy_notice_rows,
)
from privacy.middleware import consent_cookie_set
from privacy.regimes import BIOMETRIC_REGIMES, US_OPT_OUT_REGIMES
from privacy.services.biometric import (
    biometric_consent_record,
    biometric_regimes_for,
)
from privacy.services.consent import (
    ConsentMethod,
    consent_opt_out_record,
    consent_record,
)


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("shop:home")


def _market_code(request: HttpRequest) -> str:
    market = getattr(request, "market", None)
    return market.code if market is not None else ""


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def consent_update(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("That choice was not understood."), status=400)
    method = (
        ConsentMethod.SETTINGS
        if form.cleaned_data["source"] == "settings"
        else ConsentMethod.BANNER
    )
    state = consent_record(
        state=request.consent,  # type: ignore[attr-defined]
        user=request.user,  # type: ignore[arg-type]
        granted=form.granted(),
        method=method,
        market_code=_market_code(request),
    )
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"granted": sorted(state.granted)})
    else:
        response = redirect(_safe_next(request, form.cleaned_data["next"]))
    consent_cookie_set(response, request=request, state=state)
    return response


def consent_settings(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/consent_settings.html",
        {"state": request.consent},  # type: ignore[attr-defined]
    )


def _opt_out_view(
    request: HttpRequest, *, opt_out: str, method: ConsentMethod, template: str
) -> HttpResponse:
    state = request.consent  # type: ignore[attr-defined]
    if request.method == "POST":
        form = OptOutForm(request.POST)
        if not form.is_valid():
            return HttpResponse(_("That choice was not understood."), status=400)
        state = consent_opt_out_record(
            state=state,
            user=request.user,  # type: ignore[arg-type]
            opt_out=opt_out,
            method=method,
            market_code=_market_code(request),
        )
        response = render(request, template, {"done": True, "state": state})
        consent_cookie_set(response, request=request, state=state)
        return response
    done = opt_out in state.effective_opt_outs
    return render(request, template, {"done": done, "state": state})


@require_http_methods(["GET", "POST"])
def do_not_sell(request: HttpRequest) -> HttpResponse:
    return _opt_out_view(
        request,
        opt_out="sale_sharing",
        method=ConsentMethod.DO_NOT_SELL,
        template="privacy/do_not_sell.html",
    )


@require_http_methods(["GET", "POST"])
def limit_sensitive(request: HttpRequest) -> HttpResponse:
    return _opt_out_view(
        request,
        opt_out="sensitive_use",
        method=ConsentMethod.LIMIT_SENSITIVE,
        template="privacy/limit_sensitive.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def biometric_consent(request: HttpRequest) -> HttpResponse:
    market = getattr(request, "market", None)
    regimes = biometric_regimes_for(user=request.user, market=market)  # type: ignore[arg-type]
    form = BiometricConsentForm(
        request.POST or None, initial={"next": request.GET.get("next", "")}
    )
    if request.method == "POST" and form.is_valid():
        biometric_consent_record(
            user=request.user,  # type: ignore[arg-type]
            market=market,
            signed_name=form.cleaned_data["signed_name"],
        )
        return redirect(_safe_next(request, form.cleaned_data["next"]))
    laws = [BIOMETRIC_REGIMES[name] for name in regimes]
    return render(
        request, "privacy/biometric_consent.html", {"form": form, "laws": laws}
    )


def _kind(kind: str) -> str:
    if kind not in LegalPageKind.values:
        raise Http404
    return kind


def legal_page(request: HttpRequest, kind: str) -> HttpResponse:
    market_code = _market_code(request)
    version = legal_version_current(kind=_kind(kind), market_code=market_code)
    if version is None and kind != LegalPageKind.PRIVACY:
        raise Http404
    return _legal_render(request, kind=kind, version=version)


def legal_page_version(request: HttpRequest, kind: str, number: int) -> HttpResponse:
    version = legal_version_numbered(
        kind=_kind(kind), market_code=_market_code(request), number=number
    )
    if version is None:
        raise Http404
    return _legal_render(request, kind=kind, version=version)


def _legal_render(request: HttpRequest, *, kind: str, version) -> HttpResponse:
    market = getattr(request, "market", None)
    context = {
        "kind": kind,
        "kind_label": LegalPageKind(kind).label,
        "version": version,
        "versions": legal_versions(kind=kind, market_code=_market_code(request)),
        "paragraphs": [p.strip() for p in version.body.split("\n\n") if p.strip()]
        if version
        else [],
    }
    if kind == LegalPageKind.PRIVACY:
        context["notice_rows"] = privacy_notice_rows()
        context["residency"] = (
            privacy_notice_residency(market=market) if market is not None else None
        )
        context["us_opt_outs"] = bool(
            market is not None and set(market.privacy_regimes) & US_OPT_OUT_REGIMES
        )
    return render(request, "privacy/legal_page.html", context)
