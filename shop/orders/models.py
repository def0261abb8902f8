"""Orders, their lines, numbers and history."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import Variant
from shop.markets.models import (
    SHOPPER_LANGUAGE_CHOICES,
    DutiesMode,
    Market,
    country_code_validator,
    currency_code_validator,
)


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    PROCESSING = "processing", _("Processing")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


def order_access_key_new() -> str:
    """A random secret that a guest's signed link to an order must carry."""
    return secrets.token_urlsafe(24)


class OrderNumber(models.Model):
    """One row per allocated order number: the database's sequence keeps them unique."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order number")
        verbose_name_plural = _("order numbers")

    def __str__(self) -> str:
        return str(self.pk)


class InvoiceSequence(models.Model):
    """The shop's one invoice counter: numbers without gaps, taken when an order is
    paid, under a row lock (tax law wants invoices numbered without holes)."""

    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice sequence")
        verbose_name_plural = _("invoice sequences")

    def __str__(self) -> str:
        return str(self.last_number)


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
    # A guest's link must carry it: a link signed with a leaked SECRET_KEY and an
    # order number alone opens nothing.
    access_key = models.CharField(
        max_length=32, default=order_access_key_new, editable=False
    )
    full_name = models.CharField(_("full name"), max_length=150)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("state"), max_length=80, blank=True)
    country = models.CharField(
        _("country"), max_length=2, validators=[country_code_validator]
    )
    shipping_method = models.ForeignKey(
        "shop.ShippingMethod",
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
    tax_jurisdiction = models.CharField(
        _("tax jurisdiction"),
        max_length=120,
        blank=True,
        help_text=_("Where an added sales tax's rate came from: San Francisco (CA)."),
    )
    duties = models.DecimalField(
        _("import duties"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    duties_estimate = models.DecimalField(
        _("import duties expected on delivery"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("DAP: what the carrier will likely collect; not charged here."),
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    prices_include_tax = models.BooleanField(_("prices include tax"))
    duties_mode = models.CharField(_("import duties"), max_length=4, choices=DutiesMode)
    withdrawal_days = models.PositiveSmallIntegerField(
        _("withdrawal period (days)"), default=0
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    invoice_number = models.PositiveIntegerField(
        _("invoice number"), null=True, blank=True, unique=True, editable=False
    )
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

    @property
    def invoice_label(self) -> str:
        """The invoice number as printed, INV-000042; empty until the order is paid."""
        if self.invoice_number is None:
            return ""
        return f"INV-{self.invoice_number:06d}"


class OrderLine(models.Model):
    """A line of an order; names and prices are copied so later edits don't change it.

    Every amount says whether it is net or gross: `line_net_amount` +
    `tax_amount` == `line_gross_amount` whatever the market; unit amounts are
    rounded to cents on their own. Which of them a page shows is the market's
    choice (`Order.prices_include_tax`), not a property of the stored amounts.
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
    unit_net_amount = models.DecimalField(
        _("unit price, net"), max_digits=12, decimal_places=2
    )
    unit_gross_amount = models.DecimalField(
        _("unit price, gross"), max_digits=12, decimal_places=2
    )
    line_net_amount = models.DecimalField(
        _("amount, net"), max_digits=12, decimal_places=2
    )
    line_gross_amount = models.DecimalField(
        _("amount, gross"), max_digits=12, decimal_places=2
    )
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
