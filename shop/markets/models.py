"""Markets: the unit of localization and compliance."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

SHOPPER_LANGUAGE_CHOICES = [
    (code, name)
    for code, name in settings.LANGUAGES
    if code in settings.SHOPPER_LANGUAGES
]

country_code_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Use a two-letter ISO 3166 country code, e.g. DE.")
)
currency_code_validator = RegexValidator(
    r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 currency code, e.g. EUR.")
)


class PrivacyRegime(models.TextChoices):
    GDPR = "gdpr", _("EU GDPR")
    UK_GDPR = "uk-gdpr", _("UK GDPR")
    CCPA = "ccpa", _("California CCPA/CPRA")
    BIPA = "bipa", _("Illinois BIPA")
    TDPSA = "tdpsa", _("Texas TDPSA")
    LGPD = "lgpd", _("Brazil LGPD")
    PDP = "pdp", _("Indonesia PDP law")


class DataRegion(models.TextChoices):
    EU = "eu", _("European Union")
    US = "us", _("United States")
    SA = "sa", _("South America")
    APAC = "apac", _("Asia-Pacific")


class MeasurementSystem(models.TextChoices):
    METRIC = "metric", _("Metric")
    IMPERIAL = "imperial", _("Imperial (US)")


class ToneProfile(models.TextChoices):
    PRECISE = "precise", _("Precise: specifications first")
    DIRECT = "direct", _("Direct: value first")
    AESTHETIC = "aesthetic", _("Aesthetic: look and feel first")
    WARM = "warm", _("Warm: friendly and personal")


class DutiesMode(models.TextChoices):
    NONE = "none", _("None: shipped without import")
    DDP = "ddp", _("DDP: the shop pays duties, charged at checkout")
    DAP = "dap", _("DAP: the buyer pays duties on delivery")


class Market(models.Model):
    """The unit of localization and compliance; staff edit it in the admin."""

    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z]{2,8}$", _("Use capital letters, e.g. DE."))
        ],
    )
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default market"),
        default=False,
        help_text=_("Used when nothing tells which market a visitor belongs to."),
    )
    countries = models.JSONField(
        _("countries"),
        default=list,
        help_text=_("ISO 3166 codes of the countries this market sells to."),
    )
    default_country = models.CharField(
        _("default country"), max_length=2, validators=[country_code_validator]
    )
    language = models.CharField(
        _("default language"), max_length=8, choices=SHOPPER_LANGUAGE_CHOICES
    )
    currency = models.CharField(
        _("currency"), max_length=3, validators=[currency_code_validator]
    )
    prices_include_tax = models.BooleanField(
        _("prices include tax"),
        help_text=_(
            "On: prices are entered and shown gross (EU VAT). "
            "Off: prices are net and tax is added at checkout (US sales tax)."
        ),
    )
    shows_prior_price = models.BooleanField(
        _("show lowest prior price on discounts"),
        default=False,
        help_text=_(
            "EU Omnibus rule: the lowest price of the 30 days before a discount."
        ),
    )
    product_safety_required = models.BooleanField(
        _("product safety information required"),
        default=False,
        help_text=_(
            "EU GPSR (Art. 19): a product is offered only with its manufacturer, "
            "EU responsible person, identification and warnings."
        ),
    )
    privacy_regimes = models.JSONField(_("privacy regimes"), default=list, blank=True)
    data_region = models.CharField(_("data region"), max_length=8, choices=DataRegion)
    measurement_system = models.CharField(
        _("units"),
        max_length=8,
        choices=MeasurementSystem,
        default=MeasurementSystem.METRIC,
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    support_opens = models.TimeField(_("support opens"), null=True, blank=True)
    support_closes = models.TimeField(_("support closes"), null=True, blank=True)
    support_weekdays = models.CharField(
        _("support weekdays"),
        max_length=7,
        default="01234",
        validators=[
            RegexValidator(r"^[0-6]{0,7}$", _("Digits 0 (Monday) to 6 (Sunday)."))
        ],
        help_text=_(
            "Digits 0 (Monday) to 6 (Sunday), e.g. 01234 for Monday to Friday."
        ),
    )
    tone_profile = models.CharField(_("tone"), max_length=16, choices=ToneProfile)
    tone_notes = models.TextField(_("tone notes"), blank=True)
    delivery_days_min = models.PositiveSmallIntegerField(
        _("delivery days (min)"), default=2
    )
    delivery_days_max = models.PositiveSmallIntegerField(
        _("delivery days (max)"), default=5
    )
    duties_mode = models.CharField(
        _("import duties"), max_length=4, choices=DutiesMode, default=DutiesMode.DAP
    )
    duty_rate = models.DecimalField(
        _("duty rate"),
        max_digits=6,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A fraction of the goods value: 0.075 for 7.5 %."),
    )
    duty_free_threshold = models.DecimalField(
        _("duty-free up to"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Goods value (market currency) up to which no duty is due."),
    )
    seller_name = models.CharField(_("seller name"), max_length=120, blank=True)
    seller_address = models.TextField(_("seller address"), blank=True)
    seller_country = models.CharField(
        _("seller country"),
        max_length=2,
        blank=True,
        validators=[country_code_validator],
        help_text=_("Where the seller is registered: it names its tax IDs."),
    )
    seller_vat_id = models.CharField(
        _("seller VAT ID"),
        max_length=40,
        blank=True,
        help_text=_("The VAT identification number, e.g. DE312345678."),
    )
    seller_tax_id = models.CharField(
        _("seller tax number"),
        max_length=40,
        blank=True,
        help_text=_("The national tax number (Steuernummer, EIN, CNPJ, NPWP)."),
    )
    withdrawal_days = models.PositiveSmallIntegerField(
        _("withdrawal period (days)"),
        default=0,
        help_text=_("14 in EU markets: buyers may withdraw without giving a reason."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="shop_market_single_default",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        bad = [
            c
            for c in self.countries
            if not isinstance(c, str) or len(c) != 2 or not c.isupper()
        ]
        if bad or not isinstance(self.countries, list):
            errors["countries"] = _(
                'A list of two-letter country codes, e.g. ["DE", "AT"].'
            )
        elif self.default_country and self.default_country not in self.countries:
            errors["default_country"] = _(
                "The default country must be one of the countries."
            )
        unknown = set(self.privacy_regimes or []) - set(PrivacyRegime.values)
        if unknown:
            errors["privacy_regimes"] = _("Unknown regimes: %(codes)s") % {
                "codes": ", ".join(sorted(unknown))
            }
        if self.delivery_days_min > self.delivery_days_max:
            errors["delivery_days_max"] = _("Must not be below the minimum.")
        if errors:
            raise ValidationError(errors)
