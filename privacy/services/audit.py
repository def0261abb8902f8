"""The audit log's one writer. Rows are append-only: PostgreSQL refuses UPDATE and
DELETE on the table (migration trigger), the admin offers neither, and nothing here
changes a row once written."""

from privacy.models import AuditAction, AuditEvent
from shop.models import User


class AuditLogImmutableError(Exception):
    """An attempt to change or delete an audit event."""


def audit_record(
    *,
    actor: User,
    action: AuditAction,
    object_type: str,
    object_id: str = "",
    subject_id: int | None = None,
    reason: str = "",
    path: str = "",
) -> AuditEvent:
    """Append one event: who did what to whose personal data, and why."""
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        subject_id=subject_id,
        reason=reason[:300],
        path=path[:300],
    )


def audit_event_change(*, event: AuditEvent, **fields: object) -> None:
    """Refuse: the log proves what happened only if no one can rewrite it."""
    raise AuditLogImmutableError(f"Audit event {event.pk} cannot be changed.")
