"""Demo compliance data: GPSR safety information for every product, the certificate
rules of each market, and certificates that keep the demo catalog visible, except
one audio product without its ANATEL code, which the Brazilian storefront hides."""

from datetime import date, timedelta

from django.utils.text import slugify
from modeltranslation.utils import build_localized_fieldname

from shop.compliance.services import (
    certificate_save,
    compliance_object_save,
    product_safety_save,
)
from shop.models import (
    Category,
    CertificateKind,
    CertificateRequirement,
    Market,
    Product,
    ProductCertificate,
    ProductSafety,
)

WARNINGS = {
    "en": "Read the instructions before first use and keep them. Use the product "
    "only as intended.",
    "de": "Lesen Sie vor dem ersten Gebrauch die Anleitung und bewahren Sie sie auf. "
    "Verwenden Sie das Produkt nur bestimmungsgemäß.",
    "fr": "Lisez la notice avant la première utilisation et conservez-la. N'utilisez "
    "le produit que conformément à sa destination.",
    "es": "Lea las instrucciones antes del primer uso y consérvelas. Use el producto "
    "solo para el fin previsto.",
    "pt-br": "Leia as instruções antes do primeiro uso e guarde-as. Use o produto "
    "somente para o fim a que se destina.",
    "id": "Baca petunjuk sebelum penggunaan pertama dan simpanlah. Gunakan produk "
    "hanya sesuai peruntukannya.",
}

# (market code, category slug, accepted kinds, legal basis)
RULES = [
    ("DE", "electronics", ("ce",), "Directives 2014/35/EU, 2014/30/EU, 2014/53/EU"),
    ("FR", "electronics", ("ce",), "Directives 2014/35/EU, 2014/30/EU, 2014/53/EU"),
    ("ES", "electronics", ("ce",), "Directives 2014/35/EU, 2014/30/EU, 2014/53/EU"),
    ("DE", "toys", ("ce",), "Directive 2009/48/EC"),
    ("FR", "toys", ("ce",), "Directive 2009/48/EC"),
    ("ES", "toys", ("ce",), "Directive 2009/48/EC"),
    ("US", "electronics", ("fcc-id", "fcc-sdoc"), "47 CFR Part 2 and Part 15"),
    ("US", "toys", ("cpc",), "CPSIA, 16 CFR 1110"),
    ("ID", "electronics", ("sni",), "SNI IEC 60335 / Permenperin"),
    ("ID", "toys", ("sni",), "SNI 8124 (toy safety)"),
    ("BR", "electronics", ("anatel",), "Anatel Resolution 715/2019"),
    ("BR", "toys", ("inmetro",), "Inmetro Portaria 302/2021"),
    # Great Britain accepts either mark (CE recognition is extended indefinitely).
    (
        "GB",
        "electronics",
        ("ukca", "ce"),
        "Electrical Equipment (Safety) Regulations 2016; Radio Equipment "
        "Regulations 2017",
    ),
    ("GB", "toys", ("ukca", "ce"), "Toys (Safety) Regulations 2011"),
]
# Which certificate each gated category's products get, and for which market.
CERTIFICATES = {
    "electronics": [("ce", None), ("fcc-sdoc", None), ("sni", "ID"), ("anatel", "BR")],
    "toys": [("ce", None), ("cpc", "US"), ("sni", "ID"), ("inmetro", "BR")],
}
# The demonstrative gap: this product has no ANATEL code, so Brazil hides it.
GATED_PRODUCT_POSITION = 0
RESPONSIBLE = {
    "responsible_name": "Tradewind EU Compliance GmbH",
    "responsible_address": "Am Sandtorkai 5, 20457 Hamburg, Germany",
    "responsible_contact": "gpsr@tradewind.example",
}


def _localized(field: str, texts: dict[str, str]) -> dict[str, str]:
    return {
        build_localized_fieldname(field, code): text for code, text in texts.items()
    }


def safety_seed(*, product: Product, index: int) -> None:
    """Manufacturer, EU responsible person where needed, model and warnings."""
    outside_eu = index % 2 == 1
    values = {
        "manufacturer_name": f"{product.brand or 'Tradewind'} Manufacturing",
        "manufacturer_address": (
            "88 Keji Road, Nanshan, Shenzhen 518057, China"
            if outside_eu
            else "Werftstraße 12, 24148 Kiel, Germany"
        ),
        "manufacturer_country": "CN" if outside_eu else "DE",
        "manufacturer_contact": f"safety@{slugify(product.brand or 'shop')}.example",
        "model_number": product.slug.upper()[:40],
        "identifiers": f"GTIN 0400{product.pk:09d}",
        **(RESPONSIBLE if outside_eu else {k: "" for k in RESPONSIBLE}),
        **_localized("warnings", WARNINGS),
    }
    safety = ProductSafety.objects.filter(product=product).first() or ProductSafety(
        product=product
    )
    changed = safety.pk is None
    for field, value in values.items():
        if getattr(safety, field) != value:
            setattr(safety, field, value)
            changed = True
    if changed:
        product_safety_save(safety=safety)


def rules_seed() -> int:
    """The certificate requirements of each market for its gated categories."""
    kinds = {kind.code: kind for kind in CertificateKind.objects.all()}
    markets = {market.code: market for market in Market.objects.all()}
    categories = {category.slug: category for category in Category.objects.all()}
    count = 0
    for code, slug, accepted, note in RULES:
        if code not in markets or slug not in categories:
            continue
        requirement = CertificateRequirement.objects.filter(
            market=markets[code], category=categories[slug]
        ).first() or CertificateRequirement(
            market=markets[code], category=categories[slug]
        )
        requirement.note = note
        compliance_object_save(obj=requirement)
        requirement.kinds.set([kinds[kind] for kind in accepted])
        count += 1
    return count


def certificates_seed(*, today: date) -> int:
    """Certificates for the products of the gated categories, but one."""
    kinds = {kind.code: kind for kind in CertificateKind.objects.all()}
    markets = {market.code: market for market in Market.objects.all()}
    count = 0
    for slug, wanted in CERTIFICATES.items():
        root = Category.objects.filter(slug=slug).first()
        if root is None:
            continue
        products = Product.objects.filter(
            category__path__startswith=root.path
        ).order_by("slug")
        for position, product in enumerate(products):
            for kind_code, market_code in wanted:
                if slug == "electronics" and kind_code == "anatel":
                    if position == GATED_PRODUCT_POSITION:
                        continue
                market = markets.get(market_code) if market_code else None
                reference = f"{kind_code.upper()}-{product.pk:05d}"
                if kind_code == "anatel":
                    reference = f"{product.pk:05d}-26-{7000 + product.pk:05d}"
                # One certificate lapses within the warning window, for the demo.
                expires = today + timedelta(days=20 if position == 1 else 700)
                certificate = ProductCertificate.objects.filter(
                    product=product, kind=kinds[kind_code], market=market
                ).first() or ProductCertificate(
                    product=product, kind=kinds[kind_code], market=market
                )
                if certificate.pk is None or certificate.reference != reference:
                    certificate.reference = reference
                    certificate.document_url = (
                        f"https://docs.tradewind.example/{reference.lower()}.pdf"
                    )
                    certificate.issued_on = today - timedelta(days=30)
                    certificate.expires_on = expires
                    certificate_save(certificate=certificate)
                count += 1
    return count
