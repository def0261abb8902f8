"""Reads the privacy pages share: legal pages, footer links, the privacy notice."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Field, ForeignObjectRel, Q
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from privacy.models import LegalPage, LegalPageKind, LegalPageVersion
from privacy.registry import registry_entries
from privacy.residency import Residency, residency_for
from privacy.services.legal import LEGAL_STATE_CACHE_KEY
from shop.models import Market


def _published(*, kind: str, market_code: str):
    """Published versions of the market's page of `kind`, else the all-markets page."""
    pages = LegalPage.objects.filter(
        Q(market_code=market_code) | Q(market_code=""), kind=kind
    ).order_by("-market_code")  # the market's own page before the shared one
    page = pages.filter(versions__published_at__lte=timezone.now()).first()
    if page is None:
        return LegalPageVersion.objects.none()
    return page.versions.filter(published_at__lte=timezone.now()).select_related("page")


def legal_version_current(*, kind: str, market_code: str) -> LegalPageVersion | None:
    """The version of a legal page that is in force for the market."""
    return _published(kind=kind, market_code=market_code).order_by("-number").first()


def legal_version_numbered(
    *, kind: str, market_code: str, number: int
) -> LegalPageVersion | None:
    """An earlier (or the current) published version, for reading what applied."""
    return _published(kind=kind, market_code=market_code).filter(number=number).first()


def legal_versions(*, kind: str, market_code: str) -> list[LegalPageVersion]:
    """Every published version of the page, newest first."""
    return list(_published(kind=kind, market_code=market_code).order_by("-number"))


_LEGAL_STATE_CACHE_SECONDS = 60


def legal_state() -> dict:
    """Which legal pages each market has, and the privacy notice's version number
    (the consent policy version). Every page asks (footer, banner), so one query
    answers both and the answer is cached for a minute (publishing clears it)."""
    state = cache.get(LEGAL_STATE_CACHE_KEY)
    if state is None:
        by_market: dict[str, set[str]] = {}
        policy = 0
        published = LegalPageVersion.objects.filter(published_at__lte=timezone.now())
        for code, kind, number in published.values_list(
            "page__market_code", "page__kind", "number"
        ):
            by_market.setdefault(code, set()).add(kind)
            if kind == LegalPageKind.PRIVACY:
                policy = max(policy, number)
        state = {"kinds": by_market, "policy": policy}
        cache.set(LEGAL_STATE_CACHE_KEY, state, _LEGAL_STATE_CACHE_SECONDS)
    return state


def legal_kinds_for(*, market_code: str) -> list[tuple[str, StrOrPromise]]:
    """The kinds of legal page the market has (published), in the footer's order."""
    by_market = legal_state()["kinds"]
    kinds = by_market.get(market_code, set()) | by_market.get("", set())
    kinds.add(LegalPageKind.PRIVACY)  # generated from the registry: always there
    return [(value, label) for value, label in LegalPageKind.choices if value in kinds]


@dataclass(frozen=True)
class NoticeRow:
    """One line of the privacy notice: one kind of record the shop keeps."""

    what: StrOrPromise
    fields: list[str]
    purpose: StrOrPromise
    legal_basis: StrOrPromise
    retention: StrOrPromise
    recipients: list[StrOrPromise]


def _field_label(field: Field | ForeignObjectRel) -> str:
    if isinstance(field, ForeignObjectRel):
        return str(field.name)
    return str(field.verbose_name)


def privacy_notice_rows() -> list[NoticeRow]:
    """What the shop keeps, why, on what basis, how long, and who receives it,
    straight from the personal-data registry."""
    rows = []
    for entry in registry_entries():
        meta = entry.model._meta
        rows.append(
            NoticeRow(
                what=entry.verbose_name,
                fields=[_field_label(meta.get_field(name)) for name in entry.fields],
                purpose=entry.purpose,
                legal_basis=entry.legal_basis.label,
                retention=entry.retention,
                recipients=list(entry.recipients),
            )
        )
    return rows


def privacy_notice_residency(*, market: Market) -> Residency:
    """Where this market's shoppers' data is stored, from the deployment settings."""
    return residency_for(market=market)
