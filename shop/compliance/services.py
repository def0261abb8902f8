"""Writes of product compliance, the claims check and the certificate expiry
warning. Every write that can change what a market may be offered bumps the
catalog version, so no cached page keeps showing a gated product."""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from shop.compliance.selectors import (
    certificates_expiring,
    claim_restrictions,
    safety_gaps,
    today,
)
from shop.models import Market, Product, ProductCertificate, ProductSafety
from shop.orders.mail import site_url, staff_alert_recipients, templated_email_send
from shop.storefront.cache import catalog_version_bump

logger = logging.getLogger(__name__)

EXPIRY_WARNING_DAYS = 30


# --- Writes ---------------------------------------------------------------------------


def compliance_object_save(*, obj: models.Model) -> models.Model:
    """Save a compliance row (safety information, requirement, certificate kind);
    which products a market may be offered changes, so cached pages go stale."""
    obj.save()
    catalog_version_bump()
    return obj


def compliance_object_delete(*, obj: models.Model) -> None:
    """Delete a compliance row and let cached pages go stale."""
    obj.delete()
    catalog_version_bump()


def certificate_save(*, certificate: ProductCertificate) -> ProductCertificate:
    """Save a certificate; a new expiry date earns a new warning before it."""
    if certificate.pk is not None:
        before = (
            ProductCertificate.objects.filter(pk=certificate.pk)
            .values_list("expires_on", flat=True)
            .first()
        )
        if before != certificate.expires_on:
            certificate.expiry_warned_on = None
    certificate.save()
    catalog_version_bump()
    return certificate


def product_safety_save(*, safety: ProductSafety) -> ProductSafety:
    """Save a product's safety information."""
    safety.save()
    catalog_version_bump()
    return safety


# --- Publishing -----------------------------------------------------------------------


def product_publication_refusals(
    *,
    product: Product,
    safety: ProductSafety | None,
    has_picture: bool,
    markets: Iterable[Market] | None = None,
) -> list[str]:
    """Why an active product may not be published, one line per market that asks
    for safety information or a picture it lacks; empty when it may. The markets
    are those it is priced in unless given (e.g. the prices a form adds)."""
    if not product.is_active or product.pk is None:
        return []
    if markets is None:
        markets = Market.objects.filter(prices__variant__product=product).distinct()
    refusals = []
    for market in sorted(set(markets), key=lambda market: market.code):
        missing = safety_gaps(safety=safety, has_picture=has_picture, market=market)
        if missing:
            refusals.append(
                _("Cannot be published in %(market)s (%(code)s): missing %(fields)s.")
                % {
                    "market": market.name,
                    "code": market.code,
                    "fields": ", ".join(missing),
                }
            )
    return refusals


# --- Claims ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimFound:
    """A restricted phrase found in a text, and the market that restricts it."""

    phrase: str
    market: Market

    def message(self) -> str:
        return _("“%(phrase)s” may not be claimed in %(market)s (%(code)s).") % {
            "phrase": self.phrase,
            "market": self.market.name,
            "code": self.market.code,
        }


def _normalized(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def claims_found(
    *, texts: Iterable[str], markets: Iterable[Market] | None = None
) -> list[ClaimFound]:
    """The restricted phrases of the markets (all when None) that the texts use,
    matched on whole words, ignoring case, punctuation and spacing."""
    haystacks = [f" {_normalized(text)} " for text in texts if text]
    found = []
    for restriction in claim_restrictions(markets=markets):
        needle = f" {_normalized(restriction.phrase)} "
        if needle.strip() and any(needle in haystack for haystack in haystacks):
            found.append(
                ClaimFound(phrase=restriction.phrase, market=restriction.market)
            )
    return found


def claims_check(
    *, texts: Iterable[str], markets: Iterable[Market] | None = None
) -> None:
    """Raise ValidationError naming each restricted phrase and its market."""
    found = claims_found(texts=texts, markets=markets)
    if found:
        raise ValidationError([claim.message() for claim in found], code="claim")


# --- Expiry ---------------------------------------------------------------------------


def certificates_expiry_warn(*, on: date | None = None) -> list[int]:
    """Email staff once about each certificate lapsing within the warning window
    (or lapsed); returns their ids. Run daily: it also lets cached pages go stale,
    since a certificate that lapsed at midnight gates its product from today on."""
    on = on or today()
    catalog_version_bump()
    with transaction.atomic():
        certificates = list(
            certificates_expiring(on=on, days=EXPIRY_WARNING_DAYS).select_for_update(
                of=("self",)
            )
        )
        if not certificates:
            return []
        ids = [certificate.pk for certificate in certificates]
        ProductCertificate.objects.filter(pk__in=ids).update(expiry_warned_on=on)
        transaction.on_commit(
            lambda: certificates_expiry_staff_notify(certificate_ids=ids, on=on),
            robust=True,
        )
    return ids


def certificates_expiry_staff_notify(*, certificate_ids: list[int], on: date) -> None:
    """Email staff the certificates that lapse soon, with the admin's link."""
    recipients = staff_alert_recipients()
    certificates = list(
        ProductCertificate.objects.filter(pk__in=certificate_ids)
        .select_related("product", "kind", "market")
        .order_by("expires_on", "pk")
    )
    if not certificates or not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "certificates": certificates,
            "on": on,
            "admin_url": site_url(reverse("admin:shop_productcertificate_changelist")),
        }
    templated_email_send(
        template="shop/emails/certificate_expiry_staff",
        context=context,
        to=recipients,
        language=settings.LANGUAGE_CODE,
    )
    logger.info("Certificate expiry warning %s sent to staff.", certificate_ids)
