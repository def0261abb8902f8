"""The export of a subject's personal data: a ZIP of JSON files and an HTML summary.

Rows are read in chunks and written straight into the ZIP's entries, so memory
stays flat however many rows a subject has; the ZIP is built in a temporary file
and then moved into storage.
"""

import io
import json
import secrets
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from privacy.models import (
    AuditAction,
    DataSubjectRequest,
    RequestEventKind,
    RequestKind,
    RequestStatus,
)
from privacy.registry import PersonalDataEntry, Subject, registry_entries
from privacy.services.audit import audit_record
from privacy.services.requests import (
    request_event_add,
    request_for_email,
    request_language,
    request_subject,
)
from shop.models import User

# Rows read from the database at a time: what the export holds in memory (an
# order's values take about 2 KiB in Python, so 100 rows stay near 200 KiB).
CHUNK_ROWS = 100
# How often the running count is written to the request, in rows.
PROGRESS_ROWS = 1000
# Rows of each model shown in the HTML summary; the JSON files hold them all.
SUMMARY_ROWS = 100


def _row_values(
    entry: PersonalDataEntry, subject: Subject, limit: int | None = None
) -> Iterator[tuple]:
    names = entry.exported_fields()
    rows = entry.subject_rows(subject)
    if isinstance(rows, models.QuerySet):
        attnames = [_value_path(entry.model, name) for name in names]
        values = rows.values_list(*attnames)
        if limit is not None:
            # A slice is read in one query of at most `limit` rows.
            yield from values[:limit]
            return
        yield from values.iterator(chunk_size=CHUNK_ROWS)
        return
    fields = [entry.model._meta.get_field(name) for name in names]
    for row in islice(rows, limit):
        yield tuple(field.value_from_object(row) for field in fields)  # type: ignore[union-attr]


def _value_path(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return field.attname if isinstance(field, models.ForeignKey) else name


def _json_value(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return str(value)


def _count(entry: PersonalDataEntry, subject: Subject) -> int:
    rows = entry.subject_rows(subject)
    return rows.count() if isinstance(rows, models.QuerySet) else 0


class _Progress:
    """Writes the running count of exported rows to the request now and then."""

    def __init__(self, request: DataSubjectRequest) -> None:
        self.request = request
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.done % PROGRESS_ROWS == 0:
            self.flush()

    def flush(self) -> None:
        DataSubjectRequest.objects.filter(pk=self.request.pk).update(
            progress_done=self.done
        )


def _write_json(
    archive: zipfile.ZipFile,
    entry: PersonalDataEntry,
    subject: Subject,
    progress: _Progress,
) -> int:
    names = entry.exported_fields()
    count = 0
    with archive.open(f"data/{entry.label}.json", "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        out.write("[")
        for values in _row_values(entry, subject):
            pairs = zip(names, values, strict=True)
            record = {name: _json_value(value) for name, value in pairs}
            out.write(",\n" if count else "\n")
            out.write(json.dumps(record, ensure_ascii=False))
            count += 1
            progress.step()
        out.write("\n]\n")
        out.flush()
        out.detach()
    return count


def _write_summary(
    archive: zipfile.ZipFile,
    entries: list[PersonalDataEntry],
    subject: Subject,
    counts: dict[str, int],
    request: DataSubjectRequest,
) -> None:
    with archive.open("summary.html", "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        out.write(
            render_to_string(
                "privacy/export_summary_head.html",
                {
                    "request": request,
                    "generated_at": timezone.now(),
                    "language": translation.get_language(),
                },
            )
        )
        for entry in entries:
            count = counts[entry.label]
            if not count:
                continue
            out.write(
                render_to_string(
                    "privacy/export_summary_section.html",
                    {"entry": entry, "count": count, "shown": min(count, SUMMARY_ROWS)},
                )
            )
            names = entry.exported_fields()
            out.write("<table><thead><tr>")
            for name in names:
                label = entry.model._meta.get_field(name).verbose_name  # type: ignore[union-attr]
                out.write(f"<th scope='col'>{escape(label)}</th>")
            out.write("</tr></thead><tbody>")
            for values in _row_values(entry, subject, limit=SUMMARY_ROWS):
                cells = "".join(
                    f"<td>{escape(_json_value(value) if value is not None else '')}"
                    "</td>"
                    for value in values
                )
                out.write(f"<tr>{cells}</tr>")
            out.write("</tbody></table></section>\n")
        out.write("</main></body></html>\n")
        out.flush()
        out.detach()


def export_write(*, subject: Subject, target: Any, request: DataSubjectRequest) -> int:
    """Write the subject's export ZIP into a binary file object; return its rows."""
    entries = registry_entries()
    progress = _Progress(request)
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            counts[entry.label] = _write_json(archive, entry, subject, progress)
        progress.flush()
        with translation.override(request_language(request)):
            _write_summary(archive, entries, subject, counts, request)
    return progress.done


def export_build(*, request: DataSubjectRequest) -> DataSubjectRequest:
    """Build the request's export, store it and open it for download for a while."""
    subject = request_subject(request)
    total = sum(_count(entry, subject) for entry in registry_entries())
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.IN_PROGRESS, progress_total=total, progress_done=0
    )
    with tempfile.TemporaryFile() as target:
        rows = export_write(subject=subject, target=target, request=request)
        target.seek(0)
        if request.export_file:
            request.export_file.delete(save=False)
        # A name nobody can guess, should a web server ever serve MEDIA_ROOT whole.
        name = f"privacy/exports/{request.pk}-{secrets.token_urlsafe(24)}.zip"
        request.export_file.name = default_storage.save(name, File(target))
    now = timezone.now()
    request.status = RequestStatus.COMPLETED
    request.completed_at = now
    request.progress_total = max(total, rows)
    request.progress_done = rows
    request.export_expires_at = now + timedelta(days=settings.PRIVACY_EXPORT_DAYS)
    request.save(
        update_fields=[
            "export_file",
            "status",
            "completed_at",
            "progress_total",
            "progress_done",
            "export_expires_at",
        ]
    )
    request_event_add(request=request, kind=RequestEventKind.EXPORT_READY)
    return request


def export_for_staff(*, email: str, actor: User, reason: str) -> DataSubjectRequest:
    """Build an address's export for a staff member; the audit log records it."""
    request = request_for_email(kind=RequestKind.ACCESS, email=email, actor=actor)
    request = export_build(request=request)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=DataSubjectRequest._meta.label,
        object_id=str(request.pk),
        subject_id=request.user_id,
        reason=reason,
    )
    return request


def exports_expire(*, now=None) -> int:
    """Delete the files of exports past their download period; return how many."""
    now = now or timezone.now()
    expired = DataSubjectRequest.objects.filter(export_expires_at__lte=now).exclude(
        export_file=""
    )
    count = 0
    for request in expired.iterator(chunk_size=200):
        request.export_file.delete(save=False)
        request.save(update_fields=["export_file"])
        count += 1
    return count
