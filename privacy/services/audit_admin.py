"""Audit of the admin: which admin pages show or change registered personal data."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import Resolver404, resolve

from privacy.models import AuditAction
from privacy.registry import registry_entry
from privacy.services.audit import audit_record

# Admin URL name suffixes and what a request to them does to the record.
_ACTIONS = {
    "change": (AuditAction.VIEW, AuditAction.CHANGE),
    "delete": (AuditAction.VIEW, AuditAction.DELETE),
    "history": (AuditAction.VIEW, AuditAction.VIEW),
    "changelist": (AuditAction.VIEW, AuditAction.CHANGE),
}
AUDIT_REASON_PARAM = "audit_reason"


def admin_access_pending(*, request: HttpRequest) -> dict | None:
    """The audit event a staff request to the admin makes when it succeeds, if it
    opens or changes a registered model's rows (read before the view runs, so a
    deleted row still names its subject)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.namespace != "admin" or not match.url_name:
        return None
    prefix, _, suffix = match.url_name.rpartition("_")
    model = _admin_model(prefix) if suffix in _ACTIONS else None
    entry = registry_entry(model) if model is not None else None
    if model is None or entry is None:
        return None
    read, write = _ACTIONS[suffix]
    action = write if request.method == "POST" else read
    object_id = str(match.kwargs.get("object_id", ""))
    subject_id = None
    if object_id and entry.user_path:
        subject_id = (
            model._default_manager.filter(pk=object_id)
            .values_list(entry.user_path, flat=True)
            .first()
        )
    return {
        "actor": user,
        "action": action,
        "object_type": entry.label,
        "object_id": object_id,
        "subject_id": subject_id,
        "reason": request.GET.get(AUDIT_REASON_PARAM, "")
        or request.POST.get(AUDIT_REASON_PARAM, ""),
        "path": request.path,
    }


def admin_access_audit(*, pending: dict) -> None:
    """Append the event `admin_access_pending` prepared."""
    audit_record(**pending)


def _admin_model(prefix: str) -> type[Model] | None:
    for model in admin.site._registry:
        if f"{model._meta.app_label}_{model._meta.model_name}" == prefix:
            return model
    return None
