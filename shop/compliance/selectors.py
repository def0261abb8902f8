"""Whether a product may be offered in a market, and what it lacks: the one rule
that the storefront, search, checkout, live pins and the assistant all ask.

A product is offerable in a market when it is active, carries the EU GPSR safety
information and a picture where the market asks for them
(`Market.product_safety_required`), and
holds, for every certificate requirement of the market that covers its category,
a valid certificate of an accepted kind (for that market or for all, not expired).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from operator import and_

from django.conf import settings
from django.db.models import (
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from shop.models import (
    AccessibilityStatement,
    CertificateRequirement,
    ClaimRestriction,
    Market,
    Product,
    ProductCertificate,
    ProductImage,
    ProductSafety,
)
from shop.storefront.cache import versioned_get_many, versioned_set_many

# The member states under Reg. (EU) 2023/988: a manufacturer elsewhere needs an
# economic operator established in the Union (Art. 16, Reg. (EU) 2019/1020).
EU_COUNTRIES = frozenset(
    (
        "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
    ).split()
)

# The id of the product page's safety section, which live cards link to.
SAFETY_ANCHOR = "product-safety"

MANUFACTURER_FIELDS: tuple[tuple[str, Promise], ...] = (
    ("manufacturer_name", _("manufacturer name or trade mark")),
    ("manufacturer_address", _("manufacturer postal address")),
    ("manufacturer_contact", _("manufacturer electronic address")),
    ("manufacturer_country", _("manufacturer country")),
    ("model_number", _("type or model")),
)
# Art. 19(b) GPSR: the product is identified by its picture too, which the listing
# (and the safety section live cards link to) shows.
PICTURE_LABEL = _("product picture")
RESPONSIBLE_FIELDS: tuple[tuple[str, Promise], ...] = (
    ("responsible_name", _("EU responsible person")),
    ("responsible_address", _("EU responsible person's postal address")),
    ("responsible_contact", _("EU responsible person's electronic address")),
)


def today() -> date:
    """The date certificates are valid on: today in UTC."""
    return timezone.now().date()


def warnings_field(*, market: Market) -> str:
    """The translated warnings field in the market's language."""
    return build_localized_fieldname("warnings", market.language)


def _filled(field: str) -> Q:
    return ~Q(**{field: ""})


def _safety_complete_q(*, market: Market) -> Q:
    """On ProductSafety: everything Art. 19 asks for, in the market's language."""
    required = [field for field, _label in MANUFACTURER_FIELDS]
    required.append(warnings_field(market=market))
    responsible = reduce(and_, [_filled(field) for field, _ in RESPONSIBLE_FIELDS])
    return reduce(and_, [_filled(field) for field in required]) & (
        Q(manufacturer_country__in=EU_COUNTRIES) | responsible
    )


def _picture_exists() -> Exists:
    """On Product: it has a picture."""
    return Exists(ProductImage.objects.filter(product=OuterRef("pk")))


def certificate_valid_q(*, market: Market, on: date) -> Q:
    """On ProductCertificate: usable in the market on that day."""
    return (Q(market=None) | Q(market=market)) & (
        Q(expires_on=None) | Q(expires_on__gte=on)
    )


def _requirements_unmet(*, market: Market, on: date) -> QuerySet:
    """Requirements of the market covering the outer product's category that no
    valid certificate of the outer product meets."""
    valid = ProductCertificate.objects.filter(
        certificate_valid_q(market=market, on=on),
        product=OuterRef(OuterRef("pk")),
        kind__requirements=OuterRef("pk"),
    )
    return (
        CertificateRequirement.objects.filter(market=market)
        .alias(
            product_path=ExpressionWrapper(
                OuterRef("category__path"), output_field=CharField()
            ),
            subtree=Concat(F("category__path"), Value(".")),
        )
        .filter(
            Q(category__path=OuterRef("category__path"))
            | Q(product_path__startswith=F("subtree"))
        )
        .filter(~Exists(valid))
    )


def offerable_in_market_q(*, market: Market, on: date | None = None) -> Q:
    """On Product: may be shown, pinned and sold in the market (one SQL filter)."""
    on = on or today()
    condition = Q(is_active=True) & Q(
        ~Exists(_requirements_unmet(market=market, on=on))
    )
    if market.product_safety_required:
        condition &= Q(
            Exists(
                ProductSafety.objects.filter(
                    _safety_complete_q(market=market), product=OuterRef("pk")
                )
            )
        ) & Q(_picture_exists())
    return condition


def offerable_product_ids(*, market: Market) -> frozenset[int]:
    """The ids of the products `offerable_in_market_q` lets the market offer today,
    kept until the catalog version changes (every write that can change the answer
    bumps it) or the day ends."""
    on = today()
    key = f"offerable:{market.code}:{on.isoformat()}"
    version, found = versioned_get_many([key])
    if key in found:
        return found[key]
    ids = frozenset(
        Product.objects.filter(offerable_in_market_q(market=market, on=on))
        .values_list("pk", flat=True)
        .iterator()
    )
    # `today` is the UTC date: the answer holds until UTC midnight at the latest.
    now = timezone.now()
    midnight = datetime.combine(on + timedelta(days=1), time(), tzinfo=UTC)
    versioned_set_many(
        version=version,
        entries={key: ids},
        timeout=min(
            settings.CATALOG_FRAGMENT_SECONDS,
            int((midnight - now).total_seconds()),
        ),
    )
    return ids


def products_offerable_in_market(
    *, products: QuerySet[Product], market: Market, on: date | None = None
) -> QuerySet[Product]:
    """The products of a queryset that may be offered in the market."""
    return products.filter(offerable_in_market_q(market=market, on=on))


def product_offerable_in_market(
    *, product: Product, market: Market, on: date | None = None
) -> bool:
    """Whether the product may be shown, pinned, sold or recommended in the market."""
    return products_offerable_in_market(
        products=Product.objects.filter(pk=product.pk), market=market, on=on
    ).exists()


def markets_refusing_product(
    *, product: Product, markets: Iterable[Market]
) -> list[Market]:
    """The markets among `markets` in which the product may not be offered."""
    return [
        market
        for market in markets
        if not product_offerable_in_market(product=product, market=market)
    ]


# --- What is missing, in words --------------------------------------------------------


def safety_gaps(
    *, safety: ProductSafety | None, has_picture: bool, market: Market
) -> list[str]:
    """The GPSR details the market asks for that are missing, as labels."""
    if not market.product_safety_required:
        return []
    missing: list[str] = []
    values = safety or ProductSafety()
    for field, label in MANUFACTURER_FIELDS:
        if not getattr(values, field):
            missing.append(str(label))
    if not has_picture:
        missing.append(str(PICTURE_LABEL))
    if values.manufacturer_country not in EU_COUNTRIES:
        missing += [
            str(label)
            for field, label in RESPONSIBLE_FIELDS
            if not getattr(values, field)
        ]
    if not getattr(values, warnings_field(market=market)):
        missing.append(
            str(
                _("warnings in %(language)s")
                % {"language": get_language_info(market.language)["name_translated"]}
            )
        )
    return missing


def _covers(requirement: CertificateRequirement, product: Product) -> bool:
    own, path = product.category.path, requirement.category.path
    return own == path or own.startswith(f"{path}.")


def certificate_gaps(
    *,
    product: Product,
    market: Market,
    requirements: Iterable[CertificateRequirement],
    certificates: Iterable[ProductCertificate],
    on: date,
) -> list[str]:
    """The certificate requirements of the market the product does not meet."""
    usable = {
        certificate.kind_id
        for certificate in certificates
        if certificate.market_id in (None, market.pk)
        and (certificate.expires_on is None or certificate.expires_on >= on)
    }
    missing = []
    for requirement in requirements:
        if requirement.market_id != market.pk or not _covers(requirement, product):
            continue
        kinds = requirement.kind_list  # type: ignore[attr-defined]
        if not any(kind.pk in usable for kind in kinds):
            missing.append(" / ".join(kind.name for kind in kinds))
    return missing


def _requirements() -> list[CertificateRequirement]:
    return list(
        CertificateRequirement.objects.select_related("category", "market")
        .prefetch_related(Prefetch("kinds", to_attr="kind_list"))
        .order_by("market__code", "category__path", "pk")
    )


def product_compliance_gaps(
    *, product: Product, market: Market, on: date | None = None
) -> list[str]:
    """What keeps the product out of the market, in words; empty when nothing does."""
    on = on or today()
    safety = ProductSafety.objects.filter(product=product).first()
    has_picture = product.images.exists()
    return safety_gaps(
        safety=safety, has_picture=has_picture, market=market
    ) + certificate_gaps(
        product=product,
        market=market,
        requirements=[r for r in _requirements() if r.market_id == market.pk],
        certificates=list(product.certificates.all()),
        on=on,
    )


@dataclass(frozen=True)
class GapRow:
    """One product kept out of one market, with what it lacks."""

    product: Product
    market: Market
    missing: list[str]


def compliance_gaps_report(
    *, markets: Iterable[Market], on: date | None = None
) -> list[GapRow]:
    """Every active product priced in a market that it may not be offered in."""
    on = on or today()
    requirements = _requirements()
    products = list(
        Product.objects.filter(is_active=True)
        .annotate(has_picture=_picture_exists())
        .select_related("category", "safety")
        .prefetch_related("certificates")
        .order_by("pk")
    )
    priced = set(
        Product.objects.filter(variants__prices__isnull=False)
        .values_list("pk", "variants__prices__market")
        .distinct()
    )
    rows = []
    for market in markets:
        for product in products:
            if (product.pk, market.pk) not in priced:
                continue
            safety = getattr(product, "safety", None)
            missing = safety_gaps(
                safety=safety,
                has_picture=product.has_picture,  # type: ignore[attr-defined]
                market=market,
            ) + certificate_gaps(
                product=product,
                market=market,
                requirements=requirements,
                certificates=product.certificates.all(),
                on=on,
            )
            if missing:
                rows.append(GapRow(product=product, market=market, missing=missing))
    return rows


# --- What pages show ------------------------------------------------------------------


def certificates_shown(
    *, product: Product, market: Market, on: date | None = None
) -> list[ProductCertificate]:
    """The product's valid certificates in the market whose reference the law asks
    the listing to show (e.g. the ANATEL code)."""
    return list(
        ProductCertificate.objects.filter(
            certificate_valid_q(market=market, on=on or today()),
            product=product,
            kind__shown_on_listing=True,
        )
        .select_related("kind")
        .order_by("kind__code", "pk")
    )


def product_safety_of(*, product: Product) -> ProductSafety | None:
    """The safety information of a product read with `select_related("safety")`."""
    return getattr(product, "safety", None)


def certificates_expiring(*, on: date, days: int) -> QuerySet[ProductCertificate]:
    """Certificates that lapse within `days` of `on` (or lapsed) and were not warned
    about since their expiry date was last set."""
    return (
        ProductCertificate.objects.filter(
            expires_on__isnull=False,
            expires_on__lte=on + timedelta(days=days),
            expiry_warned_on=None,
        )
        .select_related("product", "kind", "market")
        .order_by("expires_on", "pk")
    )


def claim_restrictions(
    *, markets: Iterable[Market] | None = None
) -> list[ClaimRestriction]:
    """The restricted phrases of the markets (all markets when None)."""
    found = ClaimRestriction.objects.select_related("market").order_by(
        "market__code", "phrase"
    )
    if markets is not None:
        found = found.filter(market__in=list(markets))
    return list(found)


def accessibility_statement_for(*, market: Market) -> AccessibilityStatement | None:
    """The market's accessibility statement, or None."""
    return AccessibilityStatement.objects.filter(market=market).first()


def variant_offerable_annotation(*, market: Market) -> Exists:
    """On Variant: whether its product may be offered in the market (for carts)."""
    return Exists(
        Product.objects.filter(
            offerable_in_market_q(market=market), pk=OuterRef("product_id")
        )
    )


def variant_offerable(variant: object) -> bool:
    """Whether a variant read with `variant_offerable_annotation` may be sold."""
    return bool(getattr(variant, "product_offerable", False))


def gated_notice(*, product: Product, market: Market) -> str:
    """What a shopper is told when a product may not be sold in their market."""
    return gettext(
        "%(product)s cannot be sold in %(market)s: a required safety record or "
        "certificate is missing."
    ) % {"product": product.name, "market": market.name}
