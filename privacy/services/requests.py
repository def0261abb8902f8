"""Data-subject requests: receiving, proving a guest's address, extending, logging."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from privacy.models import (
    DataSubjectRequest,
    RequestEvent,
    RequestEventKind,
    RequestKind,
    RequestStatus,
)
from privacy.registry import Subject
from privacy.services.deadlines import deadlines_compute
from shop.models import Market, User
from shop.orders.mail import templated_email_send

# Opt-out and limit requests need no proof of identity (CCPA regulations 7026, 7027).
KINDS_WITHOUT_PROOF = frozenset({RequestKind.OPT_OUT, RequestKind.LIMIT})
_GUEST_SALT = "privacy.guest-request"


class RequestNotAllowed(Exception):
    """The request cannot change that way (e.g. a second extension)."""


def request_subject(request: DataSubjectRequest) -> Subject:
    """The data subject a request is about."""
    return Subject(user_id=request.user_id, email=request.email)


def request_language(request: DataSubjectRequest) -> str:
    """The language the shopper hears from us in: theirs, else the market's."""
    if request.user is not None and request.user.preferred_language:
        return request.user.preferred_language
    return request.market.language


def request_event_add(
    *,
    request: DataSubjectRequest,
    kind: RequestEventKind,
    actor: User | None = None,
    note: str = "",
) -> RequestEvent:
    """Append a step to a request's history."""
    return RequestEvent.objects.create(
        request=request, kind=kind, actor=actor, note=note[:200]
    )


def request_create(
    *,
    kind: RequestKind | str,
    market: Market,
    user: User | None = None,
    email: str = "",
    details: str = "",
    actor: User | None = None,
    start: bool = True,
) -> DataSubjectRequest:
    """Receive a request whose subject is proven (or needs no proof); start it
    (export or erasure) in the background unless the caller runs it itself."""
    kind = RequestKind(kind)
    if user is None and email and kind not in KINDS_WITHOUT_PROOF:
        # A proven address proves the account that signs in with it.
        user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None:
        email = user.email
    now = timezone.now()
    regimes = list(market.privacy_regimes)
    deadlines = deadlines_compute(
        regimes=regimes, received_at=now, time_zone=market.timezone
    )
    request = DataSubjectRequest.objects.create(
        kind=kind,
        user=user,
        email=email.strip().lower(),
        market=market,
        regimes=regimes,
        details=details,
        received_at=now,
        due_at=deadlines.due_at,
        receipt_due_at=deadlines.receipt_due_at,
    )
    request_event_add(request=request, kind=RequestEventKind.RECEIVED, actor=actor)
    if kind in KINDS_WITHOUT_PROOF:
        # The shop sells and shares no personal data and processes no sensitive
        # data beyond what an order needs: the request is answered on receipt.
        request.status = RequestStatus.COMPLETED
        request.completed_at = now
        request.save(update_fields=["status", "completed_at"])
        request_event_add(request=request, kind=RequestEventKind.COMPLETED)
    if request.email:
        request.receipt_confirmed_at = now
        request.save(update_fields=["receipt_confirmed_at"])
        request_event_add(request=request, kind=RequestEventKind.RECEIPT_CONFIRMED)
        transaction.on_commit(lambda: _receipt_send(request_id=request.pk))
    if start and kind in (RequestKind.ACCESS, RequestKind.ERASURE):
        transaction.on_commit(lambda: _start(request_id=request.pk, kind=kind))
    return request


def _start(*, request_id: int, kind: str) -> None:
    from privacy import tasks  # the tasks module calls back into services

    if kind == RequestKind.ACCESS:
        tasks.privacy_export_task.delay(request_id)
    else:
        tasks.privacy_erasure_task.delay(request_id)


def _receipt_send(*, request_id: int) -> None:
    request = DataSubjectRequest.objects.select_related("market", "user").get(
        pk=request_id
    )
    if not request.email:
        return
    templated_email_send(
        template="privacy/emails/request_received",
        context={
            "request": request,
            "request_url": settings.SITE_URL + request_url(request=request),
        },
        to=[request.email],
        language=request_language(request),
    )


def request_url(*, request: DataSubjectRequest) -> str:
    """The path of a request's page, in the shopper's language."""
    with translation.override(request_language(request)):
        return reverse("privacy:request_detail", kwargs={"pk": request.pk})


def request_extend(
    *, request: DataSubjectRequest, reason: str, actor: User | None
) -> DataSubjectRequest:
    """Extend a request's deadline once, with the reasons told to the shopper."""
    now = timezone.now()
    if request.extended_due_at is not None:
        raise RequestNotAllowed("The deadline was already extended.")
    if now > request.due_at:
        raise RequestNotAllowed("An extension must be given within the first period.")
    deadlines = deadlines_compute(
        regimes=request.regimes,
        received_at=request.received_at,
        time_zone=request.market.timezone,
    )
    if deadlines.extended_due_at is None:
        raise RequestNotAllowed("The regimes of this request allow no extension.")
    request.extended_due_at = deadlines.extended_due_at
    request.extension_reason = reason
    request.extended_at = now
    request.save(update_fields=["extended_due_at", "extension_reason", "extended_at"])
    request_event_add(request=request, kind=RequestEventKind.EXTENDED, actor=actor)
    if request.email:
        transaction.on_commit(lambda: _extension_send(request_id=request.pk))
    return request


def _extension_send(*, request_id: int) -> None:
    request = DataSubjectRequest.objects.select_related("market", "user").get(
        pk=request_id
    )
    templated_email_send(
        template="privacy/emails/request_extended",
        context={"request": request},
        to=[request.email],
        language=request_language(request),
    )


def request_complete(
    *, request: DataSubjectRequest, actor: User | None
) -> DataSubjectRequest:
    """Mark a request answered (staff, for corrections they made)."""
    request.status = RequestStatus.COMPLETED
    request.completed_at = timezone.now()
    request.save(update_fields=["status", "completed_at"])
    request_event_add(request=request, kind=RequestEventKind.COMPLETED, actor=actor)
    return request


@dataclass(frozen=True)
class GuestClaim:
    """What a guest asked for, carried in the link sent to their address."""

    kind: RequestKind
    email: str
    market_code: str
    details: str


def guest_link_send(
    *, kind: RequestKind | str, email: str, market: Market, details: str, language: str
) -> None:
    """Email a signed link that proves the guest reads the address they gave."""
    token = signing.dumps(
        {"k": str(kind), "e": email.strip().lower(), "m": market.code, "d": details},
        salt=_GUEST_SALT,
        compress=True,
    )
    with translation.override(language):
        path = reverse("privacy:guest_confirm", kwargs={"token": token})
    transaction.on_commit(
        lambda: templated_email_send(
            template="privacy/emails/guest_link",
            context={
                "link": settings.SITE_URL + path,
                "hours": settings.PRIVACY_GUEST_LINK_SECONDS // 3600,
            },
            to=[email],
            language=language,
        )
    )


def guest_link_read(*, token: str) -> GuestClaim:
    """The claim in a guest's link; raises signing.BadSignature when forged or old."""
    data = signing.loads(
        token, salt=_GUEST_SALT, max_age=settings.PRIVACY_GUEST_LINK_SECONDS
    )
    return GuestClaim(
        kind=RequestKind(data["k"]),
        email=data["e"],
        market_code=data["m"],
        details=data["d"],
    )


def guest_request_file(*, claim: GuestClaim) -> DataSubjectRequest:
    """File the request a guest's confirmed link carries."""
    market = Market.objects.get(code=claim.market_code)
    return request_create(
        kind=claim.kind, market=market, email=claim.email, details=claim.details
    )


def request_for_email(
    *, kind: RequestKind, email: str, actor: User | None = None
) -> DataSubjectRequest:
    """A request staff file for an address (command line), not started: the caller
    runs the export or erasure itself. The account's market, else the default."""
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    market = (user.preferred_market if user else None) or (
        Market.objects.filter(is_default=True).first() or Market.objects.first()
    )
    if market is None:
        raise RequestNotAllowed("No market is set up.")
    return request_create(
        kind=kind, market=market, user=user, email=email, actor=actor, start=False
    )


def kind_needs_proof(kind: str | None) -> bool:
    """Whether a request of this kind needs the subject's identity proven."""
    return kind not in KINDS_WITHOUT_PROOF


def export_download_record(*, request: DataSubjectRequest, actor: User | None) -> None:
    """Log that the export was downloaded."""
    request_event_add(request=request, kind=RequestEventKind.DOWNLOADED, actor=actor)
