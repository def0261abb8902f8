"""Erasure: every registered row of a subject is deleted, anonymized or held.

The registry's entries run one by one, each in its own transaction that also
records the entry as done on the request; a worker that dies midway leaves the
finished entries recorded and the one it was in rolled back, so running the
request again completes it. Running a completed request again changes nothing.
"""

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Func, Value
from django.utils import timezone
from modeltranslation.translator import NotRegistered, translator

from privacy.models import (
    DataSubjectRequest,
    LegalHoldRecord,
    RequestEventKind,
    RequestStatus,
)
from privacy.registry import (
    REDACTED,
    ErasureAction,
    LegalHold,
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
from shop.models import Order, User
from shop.orders.mail import templated_email_send

BATCH = 200


def _files_delete(entry: PersonalDataEntry, rows: Iterable[models.Model]) -> None:
    for row in rows:
        for name in entry.files:
            file = getattr(row, name)
            if file:
                file.storage.delete(file.name)


def subject_mentions(*, subject: Subject) -> re.Pattern[str] | None:
    """A pattern of the ways the subject is named: address, name, street."""
    words: set[str] = set()
    if subject.email:
        words |= {subject.email, subject.email.split("@")[0]}
    names: set[str] = set()
    if subject.user_id is not None:
        user = User.objects.filter(pk=subject.user_id).first()
        if user is not None:
            names.add(user.full_name)
    orders = Order.objects.filter(
        models.Q(user_id=subject.user_id) | models.Q(email__iexact=subject.email)
        if subject.user_id is not None
        else models.Q(email__iexact=subject.email)
    )
    # Distinct in the database: a thousand orders to one address are one row here.
    names_and_streets = orders.values_list("full_name", "line1", "line2").distinct()
    for full_name, line1, line2 in names_and_streets.iterator(chunk_size=BATCH):
        names.add(full_name)
        words |= {line1, line2}
    for name in names:
        words.add(name)
        words |= {part for part in name.split() if len(part) >= 3}
    words = {word.strip() for word in words if len(word.strip()) >= 3}
    if not words:
        return None
    alternatives = "|".join(
        re.escape(word) for word in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def _translated(entry: PersonalDataEntry) -> dict[str, list[str]]:
    """Scrubbed fields that have per-language columns, with those columns."""
    try:
        options = translator.get_options_for_model(entry.model)
    except NotRegistered:
        return {}
    return {
        name: sorted(field.name for field in options.all_fields[name])
        for name in entry.scrub
        if name in options.all_fields
    }


def _scrub_columns(entry: PersonalDataEntry) -> tuple[str, ...]:
    """The columns to scrub: a translated field's per-language ones instead of it."""
    translated = _translated(entry)
    columns: list[str] = []
    for name in entry.scrub:
        columns += translated.get(name, [name])
    return tuple(columns)


def _translated_originals_scrub(
    entry: PersonalDataEntry, pks: list[Any], mentions: re.Pattern[str]
) -> None:
    # The untranslated column of a translated field is out of modeltranslation's
    # reach through the instance: it is read and written with rewriting off.
    translated = _translated(entry)
    if not translated or not pks:
        return
    queryset = entry.model._default_manager.get_queryset().rewrite(False)  # type: ignore[attr-defined]
    names = list(translated)
    for pk, *texts in queryset.filter(pk__in=pks).values_list("pk", *names):
        changes = {
            name: mentions.sub(REDACTED, text)
            for name, text in zip(names, texts, strict=True)
            if text and mentions.sub(REDACTED, text) != text
        }
        if changes:
            queryset.filter(pk=pk).update(**changes)


def _scrub_in_database(
    entry: PersonalDataEntry,
    pks: list[Any],
    columns: tuple[str, ...],
    mentions: re.Pattern[str],
) -> None:
    """Redact mentions in one UPDATE per batch (PostgreSQL's regexp_replace, whose
    word boundary is \\y where Python's is \\b)."""
    pattern = r"\y" + mentions.pattern[2:-2] + r"\y"

    def redacted(column: str) -> Func:
        return Func(
            models.F(column),
            Value(pattern),
            Value(REDACTED),
            Value("gi"),
            function="REGEXP_REPLACE",
            output_field=models.TextField(),
        )

    manager = entry.model._default_manager
    manager.filter(pk__in=pks).update(**{name: redacted(name) for name in columns})
    translated = _translated(entry)
    if translated:
        queryset = manager.get_queryset().rewrite(False)  # type: ignore[attr-defined]
        queryset.filter(pk__in=pks).update(
            **{name: redacted(name) for name in translated}
        )


def _apply(
    rows: list[models.Model],
    values: dict[str, Replacement],
    scrub: tuple[str, ...] = (),
    mentions: re.Pattern[str] | None = None,
) -> None:
    # Constant replacements take one UPDATE per batch; values made from a row and
    # redacted text take one per changed row (Django's bulk_update builds a CASE
    # per row and field, many times slower here).
    if not rows:
        return
    manager = type(rows[0])._default_manager
    constants = {name: value for name, value in values.items() if not callable(value)}
    computed = {name: value for name, value in values.items() if callable(value)}
    for row in rows:
        changes = {name: make(row) for name, make in computed.items()}
        if mentions is not None:
            for name in scrub:
                text = getattr(row, name) or ""
                redacted = mentions.sub(REDACTED, text)
                if redacted != text:
                    changes[name] = redacted
        if changes:
            manager.filter(pk=row.pk).update(**changes)
    if constants:
        manager.filter(pk__in=[row.pk for row in rows]).update(**constants)


def _batches(rows: models.QuerySet) -> Iterator[list[models.Model]]:
    """The rows in primary-key order, a batch at a time; a row changed so that it
    no longer matches is not read twice, nor is one skipped.

    Each batch is emptied when the caller asks for the next one, so that a batch
    and the next are never in memory together (the caller's loop variable still
    holds the previous list while the next is read)."""
    last = None
    while True:
        page = rows.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        batch = list(page[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        yield batch
        batch.clear()


def _chunks(rows: Iterable[models.Model]) -> Iterator[list[models.Model]]:
    """Rows from any iterable, a batch at a time, emptied like `_batches`'."""
    batch: list[models.Model] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch.clear()
    if batch:
        yield batch


def _delete_in_batches(rows: models.QuerySet) -> dict[str, int]:
    """Delete the rows a batch of primary keys at a time; return what went, per
    model (cascades included). Django's collector then loads one batch and what
    hangs off it, never every row of the subject at once."""
    manager = rows.model._default_manager
    deleted: dict[str, int] = {}
    while True:
        pks = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not pks:
            return deleted
        _, per_model = manager.filter(pk__in=pks).delete()
        for label, count in per_model.items():
            deleted[label] = deleted.get(label, 0) + count


def _hold_batch(
    *,
    entry: PersonalDataEntry,
    rule: LegalHold,
    batch: list[models.Model],
    request: DataSubjectRequest,
    now: datetime,
) -> tuple[int, datetime | None]:
    """Minimize and hold the rows of a batch whose retention runs; delete the rest."""
    content_type = ContentType.objects.get_for_model(entry.model)
    kept: list[models.Model] = []
    holds: list[LegalHoldRecord] = []
    over: list[Any] = []
    latest: datetime | None = None
    for row in batch:
        until = hold_until(entry=entry, row=row)
        if until is None or until <= now:
            over.append(row.pk)  # nothing left to keep it for
            continue
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
    if over:
        entry.model._default_manager.filter(pk__in=over).delete()
    return len(kept), latest


def _erase_queryset(
    entry: PersonalDataEntry,
    rows: models.QuerySet,
    request: DataSubjectRequest,
    now: datetime,
    mentions: re.Pattern[str] | None = None,
) -> dict[str, Any]:
    outcome: dict[str, Any] = {"action": str(entry.erasure), "count": 0}
    if entry.files:
        _files_delete(entry, rows.iterator(chunk_size=BATCH))
    if entry.erasure == ErasureAction.HOLD and entry.legal_hold is not None:
        rule = entry.legal_hold
        # Only what deciding the hold reads: a whole order row with its market
        # is several KiB in Python. A replacement made from another field
        # still works, with a query to load it.
        held = rows.filter(rule.applies).only("pk", rule.starts_from)
        related = rule.market_path.rsplit("__", 1)[0]
        if related != rule.market_path:
            held = held.select_related(related).only(
                "pk", rule.starts_from, rule.market_path
            )
        held_count, deleted = 0, 0
        latest: datetime | None = None
        for batch in _batches(held):
            count, until = _hold_batch(
                entry=entry, rule=rule, batch=batch, request=request, now=now
            )
            held_count += count
            deleted += len(batch) - count
            if until and (latest is None or until > latest):
                latest = until
        # Held rows no longer match the subject; the ones the rule does not
        # apply to (unpaid orders) go.
        per_model: dict[str, int] = {}
        if rule.applies:
            per_model = _delete_in_batches(rows.exclude(rule.applies))
        outcome.update(
            count=held_count + deleted + per_model.get(entry.label, 0),
            held=held_count,
            held_until=latest.isoformat() if latest else None,
        )
        return outcome
    if entry.erasure == ErasureAction.ANONYMIZE:
        values = dict(entry.anonymize)
        scrub = _scrub_columns(entry) if mentions is not None else ()
        if scrub or any(callable(value) for value in values.values()):
            count = 0
            in_database = bool(scrub) and connection.vendor == "postgresql"
            for batch in _batches(rows):
                pks = [row.pk for row in batch]
                if in_database and mentions is not None:
                    _scrub_in_database(entry, pks, scrub, mentions)
                    _apply(batch, values)
                else:
                    _apply(batch, values, scrub, mentions)
                    if scrub and mentions is not None:
                        _translated_originals_scrub(entry, pks, mentions)
                count += len(batch)
        else:
            count = rows.update(**values)
        outcome["count"] = count
        return outcome
    outcome["count"] = _delete_in_batches(rows).get(entry.label, 0)
    return outcome


def _erase_rows(
    entry: PersonalDataEntry,
    rows: Iterable[models.Model],
    mentions: re.Pattern[str] | None = None,
) -> dict[str, Any]:
    count = 0
    for batch in _chunks(rows):
        if entry.files:
            _files_delete(entry, batch)
        if entry.erasure == ErasureAction.ANONYMIZE:
            _apply(batch, dict(entry.anonymize), _scrub_columns(entry), mentions)
            if mentions is not None:
                pks = [row.pk for row in batch]
                _translated_originals_scrub(entry, pks, mentions)
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
    mentions: re.Pattern[str] | None = None,
) -> dict[str, Any]:
    """Erase a subject's rows of one registered model; return what was done."""
    rows = entry.subject_rows(subject)
    if isinstance(rows, models.QuerySet):
        if entry.model is DataSubjectRequest:
            # The running request is minimized last, once it has been answered.
            rows = rows.exclude(pk=request.pk)
        return _erase_queryset(entry, rows, request, now, mentions)
    return _erase_rows(entry, rows, mentions)


def erasure_execute(*, request: DataSubjectRequest) -> DataSubjectRequest:
    """Erase everything the registry holds about the request's subject."""
    request.refresh_from_db()
    if request.status == RequestStatus.COMPLETED:
        return request
    subject = request_subject(request)
    entries = registry_entries()
    # Rows that stay come before the account and the orders in the registry's
    # order, so a re-run after a crash still finds the names to redact.
    mentions = subject_mentions(subject=subject)
    # Read before the account is emptied (a re-run falls back to the market's).
    language = request_language(request)
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.IN_PROGRESS, progress_total=len(entries)
    )
    for entry in entries:
        if entry.label in request.steps_done:
            continue
        with transaction.atomic():
            outcome = erasure_entry_run(
                entry=entry,
                subject=subject,
                request=request,
                now=timezone.now(),
                mentions=mentions,
            )
            request.steps_done = [*request.steps_done, entry.label]
            if outcome["count"]:
                request.outcome = {**request.outcome, entry.label: outcome}
            request.progress_done = len(request.steps_done)
            request.save(update_fields=["steps_done", "outcome", "progress_done"])
    return _erasure_finish(request=request, subject=subject, language=language)


def _erasure_finish(
    *, request: DataSubjectRequest, subject: Subject, language: str
) -> DataSubjectRequest:
    address = request.email
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
