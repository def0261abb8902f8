"""Markets, the catalog, prices per market and the shop's accounts."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
        errors = {}
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


class TaxRate(models.Model):
    """A tax rate for a destination country, or a region (US state) within it."""

    country = models.CharField(
        _("country"), max_length=2, validators=[country_code_validator]
    )
    region = models.CharField(_("region"), max_length=8, blank=True)
    name = models.CharField(_("tax name"), max_length=40)
    rate = models.DecimalField(
        _("rate"),
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A fraction: 0.19 for 19 %."),
    )

    class Meta:
        ordering = ["country", "region"]
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "region"], name="shop_taxrate_unique"
            )
        ]

    def __str__(self) -> str:
        where = f"{self.country}-{self.region}" if self.region else self.country
        return f"{where}: {self.rate * 100:.2f} %"


class Category(models.Model):
    """A node of the category tree; `path` holds its ancestry for one-query subtrees."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["path"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:category", kwargs={"slug": self.slug})


class Attribute(models.Model):
    """A dimension along which variants differ: size, colour, …"""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")

    def __str__(self) -> str:
        return self.name


class AttributeValue(models.Model):
    attribute = models.ForeignKey(
        Attribute, on_delete=models.CASCADE, related_name="values"
    )
    name = models.CharField(_("value"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["attribute__slug", "position", "slug"]
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "slug"], name="shop_attrvalue_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attribute}: {self.name}"


class Product(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    brand = models.CharField(_("brand"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [models.Index(fields=["category", "is_active"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:product", kwargs={"slug": self.slug})


def product_image_path(instance: "ProductImage", filename: str) -> str:
    return f"products/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("image"), upload_to=product_image_path)
    thumbnail = models.ImageField(upload_to="thumbs/", blank=True, editable=False)
    thumbnail_large = models.ImageField(upload_to="thumbs/", blank=True, editable=False)
    alt_text = models.CharField(_("alternative text"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return f"{self.product} #{self.position}"


class SpecificationKind(models.TextChoices):
    """What a specification measures; numbers are stored in SI base units."""

    TEXT = "text", _("Text")
    DIMENSIONS = "dimensions", _("Dimensions (mm)")
    LENGTH = "length", _("Length (mm)")
    WEIGHT = "weight", _("Weight (g)")
    VOLUME = "volume", _("Volume (ml)")
    POWER = "power", _("Power (W)")


class Specification(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="specifications"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SpecificationKind)
    label = models.CharField(_("label"), max_length=80)
    text_value = models.CharField(_("text value"), max_length=200, blank=True)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    value_2 = models.DecimalField(
        _("second value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    value_3 = models.DecimalField(
        _("third value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("specification")
        verbose_name_plural = _("specifications")

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.kind == SpecificationKind.TEXT:
            if not self.text_value:
                raise ValidationError(
                    {"text_value": _("A text specification needs a text.")}
                )
        elif self.value is None:
            raise ValidationError(
                {"value": _("A measured specification needs a value.")}
            )
        elif self.kind == SpecificationKind.DIMENSIONS and (
            self.value_2 is None or self.value_3 is None
        ):
            raise ValidationError(
                {"value_3": _("Dimensions need width, height and depth.")}
            )


class Variant(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants"
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    values = models.ManyToManyField(
        AttributeValue,
        blank=True,
        related_name="variants",
        verbose_name=_("attributes"),
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")

    def __str__(self) -> str:
        return self.sku


class VariantPrice(models.Model):
    """The current price of a variant in a market, with what the Omnibus rule needs.

    `amount` is what the shopper pays; `regular_amount`, when above it, marks a
    discount. `prior_lowest_amount` is the lowest price in effect during the 30 days
    before the current price took effect; it is computed when the price is set.
    """

    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="prices"
    )
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="prices")
    amount = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    regular_amount = models.DecimalField(
        _("regular price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Set above the price to show a discount."),
    )
    prior_lowest_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    effective_from = models.DateTimeField(editable=False)

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "market"], name="shop_price_unique"
            ),
            models.CheckConstraint(
                condition=Q(regular_amount__isnull=True)
                | Q(regular_amount__gt=models.F("amount")),
                name="shop_price_regular_above_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant} @ {self.market.code}: {self.amount}"

    @property
    def is_discounted(self) -> bool:
        return self.regular_amount is not None and self.regular_amount > self.amount


class PriceHistory(models.Model):
    """Every price a variant has had in a market, from when it took effect."""

    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="price_history"
    )
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    effective_from = models.DateTimeField()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("price history entry")
        verbose_name_plural = _("price history")
        indexes = [models.Index(fields=["variant", "market", "-effective_from"])]

    def __str__(self) -> str:
        return f"{self.variant} @ {self.market_id}: {self.amount}"


class ShopUserManager(BaseUserManager):
    """Accounts are identified by their email address."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May sign in to the admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_host = models.BooleanField(
        _("host"), default=False, help_text=_("May go live with shows.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=SHOPPER_LANGUAGE_CHOICES,
        blank=True,
    )
    preferred_market = models.ForeignKey(
        Market,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred market"),
    )

    objects = ShopUserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email
