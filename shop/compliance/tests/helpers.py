"""Test data of product compliance, made through the services."""

from datetime import date

from shop.compliance.services import certificate_save, compliance_object_save
from shop.models import (
    Category,
    CertificateKind,
    CertificateRequirement,
    Market,
    Product,
    ProductCertificate,
)


def require(*, market_code: str, category: Category, kinds: tuple[str, ...]):
    """A requirement: products of the category need one of the kinds in the market."""
    requirement = CertificateRequirement(
        market=Market.objects.get(code=market_code), category=category
    )
    compliance_object_save(obj=requirement)
    requirement.kinds.set(CertificateKind.objects.filter(code__in=kinds))
    return requirement


def certify(
    *,
    product: Product,
    kind: str,
    market_code: str | None = None,
    expires_on: date | None = None,
    reference: str = "REF-1",
) -> ProductCertificate:
    return certificate_save(
        certificate=ProductCertificate(
            product=product,
            kind=CertificateKind.objects.get(code=kind),
            market=Market.objects.get(code=market_code) if market_code else None,
            reference=reference,
            expires_on=expires_on,
        )
    )
