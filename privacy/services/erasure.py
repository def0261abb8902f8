"""Erasure: every registered row of a subject is deleted, anonymized or held.

The registry's entries run one by one, each in its own transaction that also
records the entry as done on the request; a worker that dies midway leaves the
finished entries recorded and the one it was in rolled back, so running the
request again completes it. Running a completed request again changes nothing.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from privacy.models import (
    DataSubjectRequest,
    LegalHoldRecord,
    RequestEventKind,
    RequestStatus,
)
from privacy.registry import (
    ErasureAction,
    PersonalDataEntry,
    Replacement,
    Subject,
    hold_until,
    registry_entries,
)
from privacy.services.requests import (
    request_event_add,
    request_language,
    request_subject,
)
from shop.orders.mail import templated_email_send

BATCH = 500


def _replacements(row: models.Model, values: dict[str, Replacement]) -> dict[str, Any]:
    # Every value is made from the row before any field changes (a digest of the
    # address is taken before the address is cleared).
    return {
        name: value(row) if callable(value) else value for name, value in values.items()
    }


def _files_delete(entry: PersonalDataEntry, rows: Iterable[models.Model]) -> None:
    for row in rows:
        for name in entry.files:
            file = getattr(row, name)
            if file:
                file.storage.delete(file.name)


def _apply(rows: list[models.Model], values: dict[str, Replacement]) -> None:
    if not rows or not values:
        return
    for row in rows:
        for name, value in _replacements(row, values).items():
            setattr(row, name, value)
    fields = list(values)
    type(rows[0])._default_manager.bulk_update(rows, fields, batch_size=BATCH)


def _chunks(rows: Iterable[models.Model]) -> Iterable[list[models.Model]]:
    batch: list[models.Model] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _erase_queryset(
    entry: PersonalDataEntry,
    rows: models.QuerySet,
    request: DataSubjectRequest,
    now: datetime,
) -> dict[str, Any]:
    outcome: dict[str, Any] = {"action": str(entry.erasure), "count": 0}
    if entry.files:
        _files_delete(entry, rows.iterator(chunk_size=BATCH))
    if entry.erasure == ErasureAction.HOLD and entry.legal_hold is not None:
        rule = entry.legal_hold
        held = rows.filter(rule.applies)
        content_type = ContentType.objects.get_for_model(entry.model)
        held_count = 0
        latest: datetime | None = None
        for batch in _chunks(held.iterator(chunk_size=BATCH)):
            kept: list[models.Model] = []
            holds: list[LegalHoldRecord] = []
            for row in batch:
                until = hold_until(entry=entry, row=row)
                if until is None or until <= now:
                    continue  # nothing left to keep it for: deleted below
                kept.append(row)
                holds.append(
                    LegalHoldRecord(
                        content_type=content_type,
                        object_id=str(row.pk),
                        reason=str(rule.reason)[:200],
                        held_until=until,
                        request=request,
                    )
                )
                latest = until if latest is None or until > latest else latest
            _apply(kept, dict(rule.clear))
            LegalHoldRecord.objects.bulk_create(holds, ignore_conflicts=True)
            held_count += len(kept)
        # The held rows no longer match the subject; whatever still does goes.
        _, per_model = rows.delete()
        outcome.update(
            count=held_count + per_model.get(entry.label, 0),
            held=held_count,
            held_until=latest.isoformat() if latest else None,
        )
        return outcome
    if entry.erasure == ErasureAction.ANONYMIZE:
        values = dict(entry.anonymize)
        if any(callable(value) for value in values.values()):
            count = 0
            for batch in _chunks(rows.iterator(chunk_size=BATCH)):
                _apply(batch, values)
                count += len(batch)
        else:
            count = rows.update(**values)
        outcome["count"] = count
        return outcome
    count = rows.count()
    rows.delete()
    outcome["count"] = count
    return outcome


def _erase_rows(
    entry: PersonalDataEntry, rows: Iterable[models.Model]
) -> dict[str, Any]:
    count = 0
    for batch in _chunks(rows):
        if entry.files:
            _files_delete(entry, batch)
        if entry.erasure == ErasureAction.ANONYMIZE:
            _apply(batch, dict(entry.anonymize))
        else:
            for row in batch:
                row.delete()
        count += len(batch)
    return {"action": str(entry.erasure), "count": count}


def erasure_entry_run(
    *,
    entry: PersonalDataEntry,
    subject: Subject,
    request: DataSubjectRequest,
    now: datetime,
) -> dict[str, Any]:
    """Erase a subject's rows of one registered model; return what was done."""
    rows = entry.subject_rows(subject)
    if isinstance(rows, models.QuerySet):
        if entry.model is DataSubjectRequest:
            # The running request is minimized last, once it has been answered.
            rows = rows.exclude(pk=request.pk)
        return _erase_queryset(entry, rows, request, now)
    return _erase_rows(entry, rows)


def erasure_execute(*, request: DataSubjectRequest) -> DataSubjectRequest:
    """Erase everything the registry holds about the request's subject."""
    request.refresh_from_db()
    if request.status == RequestStatus.COMPLETED:
        return request
    subject = request_subject(request)
    entries = registry_entries()
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.IN_PROGRESS, progress_total=len(entries)
    )
    for entry in entries:
        if entry.label in request.steps_done:
            continue
        with transaction.atomic():
            outcome = erasure_entry_run(
                entry=entry, subject=subject, request=request, now=timezone.now()
            )
            request.steps_done = [*request.steps_done, entry.label]
            if outcome["count"]:
                request.outcome = {**request.outcome, entry.label: outcome}
            request.progress_done = len(request.steps_done)
            request.save(update_fields=["steps_done", "outcome", "progress_done"])
    return _erasure_finish(request=request, subject=subject)


def _erasure_finish(
    *, request: DataSubjectRequest, subject: Subject
) -> DataSubjectRequest:
    address = request.email
    language = request_language(request)
    with transaction.atomic():
        request_event_add(request=request, kind=RequestEventKind.COMPLETED)
        request.status = RequestStatus.COMPLETED
        request.completed_at = timezone.now()
        request.save(update_fields=["status", "completed_at"])
        entry = next(e for e in registry_entries() if e.model is DataSubjectRequest)
        # The request itself is proof of the answer: kept minimized, held.
        _erase_queryset(
            entry,
            DataSubjectRequest.objects.filter(pk=request.pk),
            request,
            timezone.now(),
        )
    request.refresh_from_db()
    if address:
        outcome = request.outcome
        transaction.on_commit(
            lambda: _erasure_notice_send(
                address=address, language=language, outcome=outcome
            )
        )
    return request


def erasure_outcome_rows(outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """What erasure did per registered model, with the reason for what was kept."""
    from privacy.registry import registry_entry

    rows = []
    for label, done in sorted(outcome.items()):
        entry = registry_entry(label)
        if entry is None:
            continue
        held = done.get("held", 0)
        rows.append(
            {
                "name": entry.verbose_name,
                "action": ErasureAction(done["action"]).label,
                "count": done["count"],
                "held": held,
                "held_until": (
                    datetime.fromisoformat(done["held_until"])
                    if done.get("held_until")
                    else None
                ),
                "reason": entry.legal_hold.reason if held and entry.legal_hold else "",
                "keeps": [
                    entry.model._meta.get_field(name).verbose_name  # type: ignore[union-attr]
                    for name in (entry.legal_hold.keeps if entry.legal_hold else ())
                ]
                if held
                else [],
            }
        )
    return rows


def _erasure_notice_send(
    *, address: str, language: str, outcome: dict[str, Any]
) -> None:
    templated_email_send(
        template="privacy/emails/erasure_done",
        context={"rows": erasure_outcome_rows(outcome)},
        to=[address],
        language=language,
    )


def legal_holds_purge(*, now: datetime | None = None) -> int:
    """Delete held rows whose retention period has ended; return how many."""
    now = now or timezone.now()
    purged = 0
    due = LegalHoldRecord.objects.filter(held_until__lte=now).select_related(
        "content_type"
    )
    for hold in due.iterator(chunk_size=BATCH):
        model = hold.content_type.model_class()
        with transaction.atomic():
            if model is not None:
                model._default_manager.filter(pk=hold.object_id).delete()
            hold.delete()
        purged += 1
    return purged


__all__ = [
    "erasure_entry_run",
    "erasure_execute",
    "erasure_outcome_rows",
    "legal_holds_purge",
]
