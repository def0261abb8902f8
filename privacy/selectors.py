"""Reads the privacy pages share."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from shop.models import User


def requests_for_user(*, user: User) -> QuerySet[DataSubjectRequest]:
    """A shopper's own requests, newest first."""
    return DataSubjectRequest.objects.filter(user=user).order_by("-received_at", "-id")


def export_available(*, request: DataSubjectRequest) -> bool:
    """Whether the request's export can be downloaded now."""
    return bool(
        request.kind == RequestKind.ACCESS
        and request.status == RequestStatus.COMPLETED
        and request.export_file
        and request.export_expires_at
        and request.export_expires_at > timezone.now()
    )


def request_status_payload(*, request: DataSubjectRequest) -> dict[str, Any]:
    """The JSON the request page polls: status, progress and the download link."""
    total = request.progress_total
    done = min(request.progress_done, total) if total else request.progress_done
    percent = 100 if request.status == RequestStatus.COMPLETED else 0
    if total and request.status != RequestStatus.COMPLETED:
        percent = min(99, done * 100 // total)
    ready = export_available(request=request)
    return {
        "status": request.status,
        "status_label": str(request.get_status_display()),
        "done": done,
        "total": total,
        "percent": percent,
        "download_url": (
            reverse("privacy:request_download", kwargs={"pk": request.pk})
            if ready
            else None
        ),
    }
