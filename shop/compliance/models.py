"""Product compliance per market: safety information (EU GPSR), certificates that
gate a market, restricted claims, and the accessibility statement."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import Category, Product
from shop.markets.models import Market, country_code_validator


class ProductSafety(models.Model):
    """What Art. 19 GPSR asks a listing to show: who made the product, who answers
    for it in the EU, how to identify it, and its warnings."""

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, related_name="safety"
    )
    manufacturer_name = models.CharField(
        _("manufacturer name or trade mark"), max_length=200, blank=True
    )
    manufacturer_address = models.TextField(
        _("manufacturer postal address"), blank=True
    )
    manufacturer_country = models.CharField(
        _("manufacturer country"),
        max_length=2,
        blank=True,
        validators=[country_code_validator],
        help_text=_("ISO code; outside the EU an EU responsible person is required."),
    )
    manufacturer_contact = models.CharField(
        _("manufacturer electronic address"),
        max_length=200,
        blank=True,
        help_text=_("An email address or a web contact form."),
    )
    responsible_name = models.CharField(
        _("EU responsible person"), max_length=200, blank=True
    )
    responsible_address = models.TextField(
        _("EU responsible person's postal address"), blank=True
    )
    responsible_contact = models.CharField(
        _("EU responsible person's electronic address"), max_length=200, blank=True
    )
    model_number = models.CharField(_("type or model"), max_length=120, blank=True)
    identifiers = models.CharField(
        _("other identifiers"),
        max_length=200,
        blank=True,
        help_text=_("Batch or serial number, GTIN/EAN."),
    )
    warnings = models.TextField(_("warnings and safety information"), blank=True)

    class Meta:
        verbose_name = _("product safety information")
        verbose_name_plural = _("product safety information")

    def __str__(self) -> str:
        return str(self.product)


class CertificateKind(models.Model):
    """A mark or record a market's law asks for (CE, UKCA, FCC ID, CPC, SNI, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    shown_on_listing = models.BooleanField(
        _("shown on the product page"),
        default=False,
        help_text=_("The law asks for the reference to be shown (e.g. ANATEL)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("certificate kind")
        verbose_name_plural = _("certificate kinds")

    def __str__(self) -> str:
        return self.name


class CertificateRequirement(models.Model):
    """Products of a category (and its subcategories) need, to be offered in the
    market, a valid certificate of one of these kinds."""

    market = models.ForeignKey(
        Market,
        on_delete=models.CASCADE,
        related_name="certificate_requirements",
        verbose_name=_("market"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        related_name="certificate_requirements",
        verbose_name=_("category"),
    )
    kinds = models.ManyToManyField(
        CertificateKind,
        related_name="requirements",
        verbose_name=_("accepted certificates"),
        help_text=_("Any one of them is enough (e.g. UKCA or CE)."),
    )
    note = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        ordering = ["market__code", "category__path"]
        verbose_name = _("certificate requirement")
        verbose_name_plural = _("certificate requirements")

    def __str__(self) -> str:
        return f"{self.market.code}: {self.category}"


class ProductCertificate(models.Model):
    """A product's certificate or registration, for one market or for all."""

    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("product"),
    )
    kind = models.ForeignKey(
        CertificateKind,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("kind"),
    )
    market = models.ForeignKey(
        Market,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="product_certificates",
        verbose_name=_("market"),
        help_text=_("Empty: valid in every market that accepts this kind."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=120,
        help_text=_("Certificate, registration or homologation number."),
    )
    document_url = models.URLField(_("declaration or certificate document"), blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    expiry_warned_on = models.DateField(
        _("expiry warning sent"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["product_id", "kind__code"]
        verbose_name = _("product certificate")
        verbose_name_plural = _("product certificates")
        indexes = [models.Index(fields=["expires_on"])]

    def __str__(self) -> str:
        return f"{self.kind.code} {self.reference}"


class ClaimRestriction(models.Model):
    """A phrase that product copy and live-show titles must not use in a market."""

    market = models.ForeignKey(
        Market,
        on_delete=models.CASCADE,
        related_name="claim_restrictions",
        verbose_name=_("market"),
    )
    phrase = models.CharField(_("phrase"), max_length=200)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["market__code", "phrase"]
        verbose_name = _("restricted claim")
        verbose_name_plural = _("restricted claims")
        constraints = [
            models.UniqueConstraint(
                fields=["market", "phrase"], name="shop_claimrestriction_unique"
            )
        ]

    def __str__(self) -> str:
        return self.phrase


class AccessibilityStatement(models.Model):
    """The accessibility statement a market's shoppers read (EAA)."""

    market = models.OneToOneField(
        Market,
        on_delete=models.CASCADE,
        related_name="accessibility_statement",
        verbose_name=_("market"),
    )
    body = models.TextField(
        _("market notes"),
        blank=True,
        help_text=_("Shown below the standard statement: known gaps, alternatives."),
    )
    contact = models.CharField(_("feedback contact"), max_length=200)
    enforcement_body = models.CharField(
        _("enforcement authority"), max_length=300, blank=True
    )
    reviewed_on = models.DateField(_("last reviewed"))

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")

    def __str__(self) -> str:
        return str(self.market)
