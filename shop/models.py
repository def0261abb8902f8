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
    seller_tax_id = models.CharField(_("seller tax ID"), max_length=40, blank=True)
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


# Commerce: carts, shipping, orders, shipments and reviews.


class Cart(models.Model):
    """A shopper's cart: an account's, or a guest's tied to the session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carts",
    )
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(user__isnull=False),
                name="shop_cart_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["session_key"],
                condition=Q(user__isnull=True) & ~Q(session_key=""),
                name="shop_cart_one_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"Cart {self.pk}"


class CartLine(models.Model):
    """A variant in a cart, with the unit price the shopper saw when adding it."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1)]
    )
    unit_amount = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "variant"], name="shop_cartline_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="shop_cartline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant}"


class ShippingZone(models.Model):
    """Countries that share shipping methods."""

    name = models.CharField(_("name"), max_length=80)
    countries = models.JSONField(
        _("countries"),
        default=list,
        help_text=_("ISO 3166 codes of the countries in this zone."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("shipping zone")
        verbose_name_plural = _("shipping zones")

    def __str__(self) -> str:
        return self.name


class ShippingMethod(models.Model):
    zone = models.ForeignKey(
        ShippingZone, on_delete=models.CASCADE, related_name="methods"
    )
    name = models.CharField(_("name"), max_length=80)
    carrier = models.CharField(_("carrier"), max_length=40)
    delivery_days_min = models.PositiveSmallIntegerField(_("delivery days (min)"))
    delivery_days_max = models.PositiveSmallIntegerField(_("delivery days (max)"))
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["zone", "position", "id"]
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        constraints = [
            models.CheckConstraint(
                condition=Q(delivery_days_min__lte=models.F("delivery_days_max")),
                name="shop_shippingmethod_days_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.zone}: {self.name}"


class ShippingRate(models.Model):
    """What a shipping method costs in a market's currency."""

    method = models.ForeignKey(
        ShippingMethod, on_delete=models.CASCADE, related_name="rates"
    )
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    free_above = models.DecimalField(
        _("free from"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Items subtotal from which shipping is free; empty: never."),
    )

    class Meta:
        ordering = ["method", "market"]
        verbose_name = _("shipping rate")
        verbose_name_plural = _("shipping rates")
        constraints = [
            models.UniqueConstraint(
                fields=["method", "market"], name="shop_shippingrate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} @ {self.market_id}: {self.amount}"


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    PROCESSING = "processing", _("Processing")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class OrderNumber(models.Model):
    """One row per allocated order number: the database's sequence keeps them unique."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order number")
        verbose_name_plural = _("order numbers")

    def __str__(self) -> str:
        return str(self.pk)


class Order(models.Model):
    """A placed order: every figure is a snapshot of what the shopper agreed to."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("account"),
    )
    email = models.EmailField(_("email address"))
    language = models.CharField(
        _("language"), max_length=8, choices=SHOPPER_LANGUAGE_CHOICES
    )
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="orders")
    currency = models.CharField(
        _("currency"), max_length=3, validators=[currency_code_validator]
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrderStatus,
        default=OrderStatus.PENDING_PAYMENT,
        db_index=True,
    )
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=150)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("state"), max_length=8, blank=True)
    country = models.CharField(
        _("country"), max_length=2, validators=[country_code_validator]
    )
    shipping_method = models.ForeignKey(
        ShippingMethod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    shipping_method_name = models.CharField(_("shipping method"), max_length=80)
    shipping_carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    delivery_days_min = models.PositiveSmallIntegerField(_("delivery days (min)"))
    delivery_days_max = models.PositiveSmallIntegerField(_("delivery days (max)"))
    subtotal = models.DecimalField(_("items"), max_digits=12, decimal_places=2)
    shipping = models.DecimalField(_("shipping"), max_digits=12, decimal_places=2)
    shipping_tax_rate = models.DecimalField(
        _("shipping tax rate"), max_digits=6, decimal_places=4, default=Decimal("0")
    )
    shipping_tax = models.DecimalField(
        _("tax on shipping"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    tax = models.DecimalField(
        _("tax"),
        max_digits=12,
        decimal_places=2,
        help_text=_("All tax: included in the prices or added on top, as agreed."),
    )
    duties = models.DecimalField(
        _("import duties"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    prices_include_tax = models.BooleanField(_("prices include tax"))
    duties_mode = models.CharField(_("import duties"), max_length=4, choices=DutiesMode)
    withdrawal_days = models.PositiveSmallIntegerField(
        _("withdrawal period (days)"), default=0
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    payment_provider = models.CharField(_("payment provider"), max_length=40)
    payment_reference = models.CharField(
        _("payment reference"), max_length=100, blank=True
    )
    card_last4 = models.CharField(_("card (last 4 digits)"), max_length=4, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["user", "-placed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=0), name="shop_order_total_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("shop:order_detail", kwargs={"number": self.number})


class OrderLine(models.Model):
    """A line of an order; names and prices are copied so later edits don't change it.

    In tax-inclusive markets `unit_amount` and `line_amount` are gross and
    `tax_amount` is the VAT they include; otherwise they are net and `tax_amount` is
    added on top.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        Variant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    product_name = models.CharField(_("product"), max_length=200)
    variant_name = models.CharField(_("variant"), max_length=200, blank=True)
    sku = models.CharField(_("SKU"), max_length=64)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1)]
    )
    unit_amount = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    line_amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    tax_rate = models.DecimalField(_("tax rate"), max_digits=6, decimal_places=4)
    tax_amount = models.DecimalField(_("tax"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class OrderEvent(models.Model):
    """A step in an order's history."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order}: {self.status}"


class ShipmentStatus(models.TextChoices):
    LABEL_CREATED = "label_created", _("Label created")
    IN_TRANSIT = "in_transit", _("In transit")
    IN_CUSTOMS = "in_customs", _("In customs")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Exception")


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(_("carrier"), max_length=40)
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    promised_by = models.DateField(_("promised by"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ShipmentStatus,
        default=ShipmentStatus.LABEL_CREATED,
        db_index=True,
    )
    last_event_at = models.DateTimeField(_("last scan"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="shop_shipment_tracking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="events"
    )
    code = models.CharField(_("code"), max_length=20, choices=ShipmentStatus)
    description = models.CharField(_("description"), max_length=255, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    occurred_at = models.DateTimeField(_("occurred"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    external_id = models.CharField(
        _("carrier event ID"),
        max_length=100,
        help_text=_("The carrier's own ID; a replayed event is ignored."),
    )

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "external_id"], name="shop_trackingevent_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment}: {self.code}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SentimentLabel(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class Review(models.Model):
    """A verified buyer's review of a product."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reviews"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("purchase"),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    text = models.TextField(_("review"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReviewStatus,
        default=ReviewStatus.PENDING,
        db_index=True,
    )
    sentiment_label = models.CharField(
        _("sentiment"), max_length=10, choices=SentimentLabel, blank=True
    )
    sentiment_score = models.FloatField(_("sentiment score"), null=True, blank=True)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [models.Index(fields=["product", "status", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "product"], name="shop_review_one_per_product"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="shop_review_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.rating}/5"


class SentimentAlert(models.Model):
    """Raised when negative reviews of one product pile up within a short window."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="sentiment_alerts"
    )
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    negative_count = models.PositiveIntegerField(_("negative reviews"))
    window_minutes = models.PositiveIntegerField(_("window (minutes)"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sentiment alert")
        verbose_name_plural = _("sentiment alerts")

    def __str__(self) -> str:
        return f"{self.product}: {self.negative_count} negative"


# Shipments: anomaly alerts and the carrier webhook's delivery log.


class ShipmentAlertKind(models.TextChoices):
    NO_SCAN = "no_scan", _("No scan for days")
    LATE = "late", _("Past the promised date")
    CUSTOMS = "customs", _("Stuck in customs")


class ShipmentAlert(models.Model):
    """An anomaly found in a shipment; one per kind, so staff are told only once."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(_("anomaly"), max_length=10, choices=ShipmentAlertKind)
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    shopper_notified_at = models.DateTimeField(
        _("shopper notified"), null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shipment alert")
        verbose_name_plural = _("shipment alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "kind"], name="shop_shipmentalert_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment}: {self.kind}"


class CarrierWebhookDelivery(models.Model):
    """A carrier webhook delivery that was accepted; its ID is never accepted again."""

    carrier = models.CharField(_("carrier"), max_length=40)
    delivery_id = models.CharField(_("delivery ID"), max_length=100)
    received_at = models.DateTimeField(
        _("received"), default=timezone.now, db_index=True
    )
    tracking_event = models.ForeignKey(
        TrackingEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tracking event"),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("carrier webhook delivery")
        verbose_name_plural = _("carrier webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "delivery_id"], name="shop_webhookdelivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.delivery_id}"
