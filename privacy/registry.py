"""The personal-data registry: one declaration per model that holds personal data.

Each app declares its models in `<app>/personal_data.py` (imported by
`privacy.apps.PrivacyConfig.ready`) with `register(...)`. The declaration says which
fields are personal, why they are kept (purpose, legal basis), for how long, how a
data subject's rows are found, and what erasure does to them. Export, erasure,
retention purges, the privacy notice and the records of processing all read
`registry_entries()`; nothing else lists personal data.

This module imports Django only, so that every app may declare its models here
without depending on the rest of `privacy` (see `.importlinter`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

# What comments and reviews of an erased account show as their author.
DELETED_USER_NAME = "deleted user"
# What replaces a subject's name or address inside text that stays.
REDACTED = "[…]"

# A replacement value, or a callable that makes one from the row (e.g. a value that
# must stay unique per row).
Replacement = Any | Callable[[models.Model], Any]


class LegalBasis(models.TextChoices):
    """GDPR Art. 6(1) bases; US regimes read "purpose" and "recipients" instead."""

    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Performance of a contract")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests")


class ErasureAction(models.TextChoices):
    """What erasure does to a subject's rows of one model."""

    DELETE = "delete", _("Deleted")
    ANONYMIZE = "anonymize", _("Anonymized: kept without personal data")
    # Rows the law requires the seller to keep (invoices, tax records): personal
    # fields the law does not require are cleared, the rest is held until the
    # retention period ends and then purged.
    HOLD = "hold", _("Minimized and kept under legal hold")


@dataclass(frozen=True)
class Subject:
    """A data subject: an account, an email address used without one, or both."""

    user_id: int | None
    email: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "email", self.email.strip().lower())


@dataclass(frozen=True)
class LegalHold:
    """Which rows the law requires to keep, for how long, and what they keep.

    `years` maps a market code to the retention in years (`"*"` for any other
    market); the period runs from `starts_from` (a date field of the row) and the
    market is read through `market_path` (e.g. `"market__code"`). `applies` selects
    the rows that are such records (e.g. orders with an invoice); the others get
    the entry's ordinary erasure action. `clear` replaces every personal field the
    law does not require; `keeps` lists the personal fields it does, for the notice.
    """

    reason: StrOrPromise
    years: Mapping[str, int]
    starts_from: str
    market_path: str
    applies: Q
    clear: Mapping[str, Replacement]
    keeps: tuple[str, ...]

    def years_for(self, market_code: str | None) -> int:
        """The retention in years for records of one market."""
        if market_code and market_code in self.years:
            return self.years[market_code]
        return self.years["*"]


@dataclass(frozen=True)
class PersonalDataEntry:
    """One registered model. See `register` for the meaning of each field."""

    model: type[models.Model]
    fields: tuple[str, ...]
    purpose: StrOrPromise
    legal_basis: LegalBasis
    retention: StrOrPromise
    erasure: ErasureAction
    user_path: str | None = None
    email_path: str | None = None
    rows: Callable[[Subject], Iterable[models.Model]] | None = None
    anonymize: Mapping[str, Replacement] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    scrub: tuple[str, ...] = ()
    legal_hold: LegalHold | None = None
    recipients: tuple[StrOrPromise, ...] = ()
    export_fields: tuple[str, ...] | None = None
    # Erasure runs entries in ascending order: rows found through another model
    # (a shipment through its order) go before that model changes.
    order: int = 50

    @property
    def label(self) -> str:
        """`app_label.ModelName`: the key of the entry and of its export file."""
        return self.model._meta.label

    @property
    def verbose_name(self) -> StrOrPromise:
        return self.model._meta.verbose_name_plural or self.label

    def subject_filter(self, subject: Subject) -> Q | None:
        """The filter that finds a subject's rows, or None when nothing can match."""
        query = Q()
        matched = False
        if self.user_path and subject.user_id is not None:
            query |= Q(**{self.user_path: subject.user_id})
            matched = True
        if self.email_path and subject.email:
            query |= Q(**{f"{self.email_path}__iexact": subject.email})
            matched = True
        return query if matched else None

    def subject_rows(self, subject: Subject) -> Iterable[models.Model]:
        """The subject's rows of this model: a queryset unless `rows` is custom."""
        if self.rows is not None:
            return self.rows(subject)
        query = self.subject_filter(subject)
        manager = self.model._default_manager
        if query is None:
            return manager.none()
        return manager.filter(query).order_by("pk")

    def exported_fields(self) -> tuple[str, ...]:
        """Columns written to the export: the primary key and the declared fields."""
        names = self.export_fields or self.fields
        pk = self.model._meta.pk
        # A key that is itself a secret (a session key) is never exported.
        if pk is None or not isinstance(pk, models.AutoField | models.BigAutoField):
            return tuple(names)
        return (pk.name, *[name for name in names if name != pk.name])


_REGISTRY: dict[str, PersonalDataEntry] = {}


def register(
    model: type[models.Model],
    *,
    fields: Iterable[str],
    purpose: StrOrPromise,
    legal_basis: LegalBasis,
    retention: StrOrPromise,
    erasure: ErasureAction,
    user_path: str | None = None,
    email_path: str | None = None,
    rows: Callable[[Subject], Iterable[models.Model]] | None = None,
    anonymize: Mapping[str, Replacement] | None = None,
    files: Iterable[str] = (),
    scrub: Iterable[str] = (),
    legal_hold: LegalHold | None = None,
    recipients: Iterable[StrOrPromise] = (),
    export_fields: Iterable[str] | None = None,
    order: int = 50,
) -> PersonalDataEntry:
    """Declare a model's personal data.

    - `fields`: the personal fields (exported, named in the notice).
    - `purpose`, `legal_basis`, `retention` (a sentence), `recipients`: for the
      privacy notice and the records of processing.
    - `user_path` / `email_path`: lookups from the model to the account's id and
      to an email address (`"order__email"`); or `rows(subject)` for rows no lookup
      reaches (sessions).
    - `erasure`: DELETE, ANONYMIZE (with `anonymize` = field → replacement) or
      HOLD (with `legal_hold`; rows it does not apply to are deleted).
    - `files`: file fields whose files erasure removes from storage.
    - `scrub`: free-text fields of rows that stay (ANONYMIZE): erasure replaces
      the subject's name and address in them with `REDACTED`.
    """
    entry = PersonalDataEntry(
        model=model,
        fields=tuple(fields),
        purpose=purpose,
        legal_basis=legal_basis,
        retention=retention,
        erasure=erasure,
        user_path=user_path,
        email_path=email_path,
        rows=rows,
        anonymize=dict(anonymize or {}),
        files=tuple(files),
        scrub=tuple(scrub),
        legal_hold=legal_hold,
        recipients=tuple(recipients),
        export_fields=tuple(export_fields) if export_fields is not None else None,
        order=order,
    )
    _check(entry)
    _REGISTRY[entry.label] = entry
    return entry


def _check(entry: PersonalDataEntry) -> None:
    names = {f.name for f in entry.model._meta.get_fields()}
    declared = [
        *entry.fields,
        *entry.anonymize,
        *entry.files,
        *entry.scrub,
        *(entry.legal_hold.clear if entry.legal_hold else ()),
    ]
    unknown = [name for name in declared if name not in names]
    if unknown:
        raise ValueError(f"{entry.label}: unknown fields {unknown}")
    if entry.rows is None and not (entry.user_path or entry.email_path):
        raise ValueError(f"{entry.label}: no way to find a subject's rows")
    if entry.erasure == ErasureAction.ANONYMIZE and not entry.anonymize:
        raise ValueError(f"{entry.label}: anonymize what?")
    if entry.erasure == ErasureAction.HOLD and entry.legal_hold is None:
        raise ValueError(f"{entry.label}: a legal hold needs its rule")


def registry_entries() -> list[PersonalDataEntry]:
    """Every registered model, in erasure order (then by label)."""
    return sorted(_REGISTRY.values(), key=lambda entry: (entry.order, entry.label))


def registry_entry(model: type[models.Model] | str) -> PersonalDataEntry | None:
    """The entry of one model (a class or `app_label.ModelName`), if registered."""
    label = model if isinstance(model, str) else model._meta.label
    return _REGISTRY.get(label)


def hold_until(*, entry: PersonalDataEntry, row: models.Model) -> datetime | None:
    """When a held row's retention ends, or None when no hold applies to it."""
    rule = entry.legal_hold
    if rule is None:
        return None
    start = getattr(row, rule.starts_from)
    if start is None:
        return None
    market_code = _follow(row, rule.market_path)
    years = rule.years_for(market_code)
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year that has none
        return start.replace(year=start.year + years, day=28)


def subject_digest(email: str) -> str:
    """A keyed digest of an address: matches a later request, reveals nothing."""
    normalized = email.strip().lower()
    if not normalized:
        return ""
    return salted_hmac("privacy.subject", normalized, algorithm="sha256").hexdigest()


@lru_cache(maxsize=64)
def _path_parts(path: str) -> tuple[str, ...]:
    # Split once per path: CPython's attribute-lookup cache keeps a reference to
    # each name string it sees, so a fresh split per row left up to 4,096 of
    # them alive during a large erasure.
    return tuple(sys.intern(part) for part in path.split("__"))


def _follow(row: models.Model, path: str) -> Any:
    value: Any = row
    for part in _path_parts(path):
        if value is None:
            return None
        value = getattr(value, part)
    return value
