"""Telling the privacy staff of requests that are near their deadline or past it."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils import timezone

from privacy.models import DataSubjectRequest, RequestEventKind, RequestStatus
from privacy.services.requests import request_event_add
from shop.orders.mail import templated_email_send

OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


def requests_open() -> QuerySet[DataSubjectRequest]:
    """Requests still waiting for their answer."""
    return DataSubjectRequest.objects.filter(status__in=OPEN_STATUSES)


def requests_due_soon(*, now: datetime) -> QuerySet[DataSubjectRequest]:
    """Open requests whose deadline in force is past or within the near window."""
    limit = now + timedelta(days=settings.PRIVACY_NEAR_DUE_DAYS)
    return (
        requests_open()
        .filter(
            Q(extended_due_at__isnull=True, due_at__lte=limit)
            | Q(extended_due_at__lte=limit)
        )
        .select_related("market")
        .order_by("due_at", "id")
    )


def privacy_staff_emails() -> list[str]:
    """PRIVACY_ALERT_EMAILS, else everyone who may handle data-subject requests."""
    if settings.PRIVACY_ALERT_EMAILS:
        return list(settings.PRIVACY_ALERT_EMAILS)
    permission = Permission.objects.get(
        content_type__app_label="privacy", codename="change_datasubjectrequest"
    )
    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions=permission)
            | Q(groups__permissions=permission)
        )
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def deadlines_alert(*, now: datetime | None = None) -> list[DataSubjectRequest]:
    """Email the privacy staff the near-due and overdue requests, once a day each."""
    now = now or timezone.now()
    pending = list(
        requests_due_soon(now=now).filter(
            Q(last_alerted_at__isnull=True)
            | Q(last_alerted_at__lte=now - timedelta(hours=20))
        )
    )
    recipients = privacy_staff_emails()
    if not pending or not recipients:
        return []
    rows = [
        {
            "request": request,
            "due_at": request.effective_due_at,
            "overdue": request.effective_due_at < now,
        }
        for request in pending
    ]
    templated_email_send(
        template="privacy/emails/deadlines_staff",
        context={"rows": rows, "site_url": settings.SITE_URL},
        to=recipients,
        language=settings.LANGUAGE_CODE,
    )
    DataSubjectRequest.objects.filter(pk__in=[r.pk for r in pending]).update(
        last_alerted_at=now
    )
    for request in pending:
        request_event_add(request=request, kind=RequestEventKind.ALERTED)
    return pending
