"""Data-subject request pages: thin views over privacy.services and selectors."""

from allauth.account.decorators import reauthentication_required
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from privacy.access import GUEST_REQUESTS_SESSION_KEY, access_request
from privacy.forms import GuestRequestForm, RequestForm
from privacy.selectors import (
    export_available,
    request_status_payload,
    requests_for_user,
)
from privacy.services.erasure import erasure_outcome_rows
from privacy.services.requests import (
    export_download_record,
    guest_link_read,
    guest_link_send,
    guest_request_file,
    kind_needs_proof,
    request_create,
)
from shop.markets.requests import MarketRequest


def _reauthentication_needed(request: HttpRequest) -> bool:
    # A signed-in shopper asking for their data or its erasure signs in again;
    # opting out needs no proof at all.
    return (
        request.method == "POST"
        and request.user.is_authenticated
        and kind_needs_proof(request.POST.get("kind"))
    )


def _guest_ids(request: HttpRequest) -> list[int]:
    return list(request.session.get(GUEST_REQUESTS_SESSION_KEY, []))


def _guest_remember(request: HttpRequest, request_id: int) -> None:
    request.session[GUEST_REQUESTS_SESSION_KEY] = [*_guest_ids(request), request_id]


@reauthentication_required(allow_get=True, enabled=_reauthentication_needed)
def request_list(request: MarketRequest) -> HttpResponse:
    """The shopper's requests and the form for a new one."""
    if request.user.is_authenticated:
        form: RequestForm = RequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            created = request_create(
                kind=form.cleaned_data["kind"],
                market=request.market,
                user=request.user,
                details=form.cleaned_data["details"],
            )
            return redirect("privacy:request_detail", pk=created.pk)
        return render(
            request,
            "privacy/request_list.html",
            {"form": form, "requests": requests_for_user(user=request.user)},
        )
    form = GuestRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        email = form.cleaned_data["email"]
        if not kind_needs_proof(kind):
            created = request_create(kind=kind, market=request.market, email=email)
            _guest_remember(request, created.pk)
            return redirect("privacy:request_detail", pk=created.pk)
        guest_link_send(
            kind=kind,
            email=email,
            market=request.market,
            details=form.cleaned_data["details"],
            language=request.LANGUAGE_CODE,
        )
        return render(request, "privacy/guest_link_sent.html", {"email": email})
    return render(request, "privacy/request_list.html", {"form": form})


def guest_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A guest's emailed link: confirm (POST) to file the request it carries."""
    try:
        claim = guest_link_read(token=token)
    except signing.BadSignature:
        return render(request, "privacy/guest_link_invalid.html", status=400)
    if request.method == "POST":
        created = guest_request_file(claim=claim)
        _guest_remember(request, created.pk)
        return redirect("privacy:request_detail", pk=created.pk)
    return render(request, "privacy/guest_confirm.html", {"claim": claim})


@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: its status, deadline, export progress or erasure outcome."""
    subject_request = access_request(
        user=request.user, request_id=pk, guest_request_ids=_guest_ids(request)
    )
    return render(
        request,
        "privacy/request_detail.html",
        {
            "subject_request": subject_request,
            "status": request_status_payload(request=subject_request),
            "outcome_rows": erasure_outcome_rows(subject_request.outcome),
        },
    )


@require_GET
def request_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The progress the request page polls."""
    subject_request = access_request(
        user=request.user, request_id=pk, guest_request_ids=_guest_ids(request)
    )
    response = JsonResponse(request_status_payload(request=subject_request))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def request_download(request: HttpRequest, pk: int) -> FileResponse:
    """The export ZIP, for its subject only, while it has not expired; logged."""
    subject_request = access_request(
        user=request.user, request_id=pk, guest_request_ids=_guest_ids(request)
    )
    if not export_available(request=subject_request):
        raise Http404
    export_download_record(
        request=subject_request,
        actor=request.user if request.user.is_authenticated else None,
    )
    response = FileResponse(
        subject_request.export_file.open("rb"),
        as_attachment=True,
        filename=f"personal-data-{subject_request.pk}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response
