"""Catalog publishing between regional deployments.

The catalog holds no personal data, so one deployment edits it and publishes it to
the others: a JSON document of the catalog tables, posted over HTTP with a token
signed by the shared `CATALOG_PUBLISH_SECRET` (bound to the document's digest and
valid for a few minutes), or written to a shared file and imported there. Rows keep
their primary keys, so a second publish updates what the first one created.
"""

import hashlib
import urllib.request
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core import serializers, signing
from django.db import transaction

from shop.storefront.cache import catalog_version_bump

# Parents before children, so that an import never points at a missing row.
CATALOG_MODELS = (
    "shop.Market",
    "shop.TaxRate",
    "shop.Category",
    "shop.Attribute",
    "shop.AttributeValue",
    "shop.Product",
    "shop.ProductImage",
    "shop.Specification",
    "shop.Variant",
    "shop.VariantPrice",
    "shop.PriceHistory",
)
_SALT = "privacy.catalog-publish"


class CatalogTokenError(Exception):
    """The import's token is missing, forged, expired or for another document."""


def _querysets() -> Iterable:
    for label in CATALOG_MODELS:
        model = apps.get_model(label)
        yield from model._default_manager.order_by("pk").iterator(chunk_size=500)


def catalog_export() -> bytes:
    """The catalog as a JSON document."""
    return serializers.serialize("json", _querysets()).encode()


def _secret() -> str:
    if not settings.CATALOG_PUBLISH_SECRET:
        raise CatalogTokenError("CATALOG_PUBLISH_SECRET is not set.")
    return settings.CATALOG_PUBLISH_SECRET


def catalog_token(*, document: bytes) -> str:
    """A short-lived token for one document, signed with the shared secret."""
    digest = hashlib.sha256(document).hexdigest()
    return signing.TimestampSigner(key=_secret(), salt=_SALT).sign(digest)


def catalog_token_check(*, token: str, document: bytes) -> None:
    """Refuse a token that is not ours, too old, or signed for another document."""
    signer = signing.TimestampSigner(key=_secret(), salt=_SALT)
    try:
        digest = signer.unsign(token, max_age=settings.CATALOG_PUBLISH_TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise CatalogTokenError(str(error)) from error
    if digest != hashlib.sha256(document).hexdigest():
        raise CatalogTokenError("The token was signed for another document.")


def catalog_import(*, document: bytes) -> int:
    """Write a published catalog into this deployment's database; returns the row
    count. Everything or nothing: one transaction."""
    count = 0
    allowed = {label.lower() for label in CATALOG_MODELS}
    with transaction.atomic():
        for item in serializers.deserialize("json", document):
            if item.object._meta.label_lower not in allowed:
                raise ValueError(f"{item.object._meta.label} is not catalog data.")
            item.save()
            count += 1
        catalog_version_bump()
    return count


def catalog_publish(*, url: str, timeout: float = 60.0) -> int:
    """Post the catalog to another deployment's import endpoint; returns the number
    of rows it reported."""
    document = catalog_export()
    request = urllib.request.Request(  # noqa: S310 - URLs come from settings
        url.rstrip("/") + "/privacy/catalog/import/",
        data=document,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {catalog_token(document=document)}",
        },
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return int(response.read().decode() or 0)


def catalog_publish_targets() -> list[str]:
    """The other regions' deployments (every configured URL but this region's)."""
    return [
        url
        for region, url in settings.DATA_REGION_URLS.items()
        if region != settings.DATA_REGION
    ]
