"""Legal pages: new versions are drafted and published, never rewritten."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from privacy.models import LegalPage, LegalPageVersion
from shop.storefront.cache import catalog_version_bump

LEGAL_STATE_CACHE_KEY = "privacy:legal-state"


class PublishedVersionError(Exception):
    """A published legal text cannot change: publish a new version instead."""


def legal_version_draft(
    *, page: LegalPage, title: str, body: str, **translations: str
) -> LegalPageVersion:
    """A new unpublished version, numbered after the page's last one."""
    with transaction.atomic():
        LegalPage.objects.select_for_update().get(pk=page.pk)
        last = page.versions.aggregate(last=Max("number"))["last"] or 0
        return LegalPageVersion.objects.create(
            page=page, number=last + 1, title=title, body=body, **translations
        )


def legal_version_publish(*, version: LegalPageVersion) -> LegalPageVersion:
    """Publish a drafted version; it becomes the page shoppers see."""
    if version.published_at is not None:
        raise PublishedVersionError(str(version))
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    transaction.on_commit(lambda: cache.delete(LEGAL_STATE_CACHE_KEY))
    catalog_version_bump()  # cached pages carry the footer's links
    return version


def legal_page_upsert(*, kind: str, market_code: str = "") -> LegalPage:
    """The page of a kind for a market (blank: every market), made when missing."""
    page, _ = LegalPage.objects.get_or_create(kind=kind, market_code=market_code)
    return page
