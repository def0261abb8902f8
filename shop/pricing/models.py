"""Prices per market with their history, and the tax rate table."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import Variant
from shop.markets.models import Market, country_code_validator


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


class LocalTaxRate(models.Model):
    """The combined sales tax rate of one postal code (a US ZIP code): state,
    county, city and special districts, as tax-rate providers publish them."""

    country = models.CharField(
        _("country"), max_length=2, validators=[country_code_validator]
    )
    region = models.CharField(_("state"), max_length=8)
    postal_code = models.CharField(_("postal code"), max_length=10)
    name = models.CharField(_("tax region"), max_length=80)
    rate = models.DecimalField(
        _("combined rate"),
        max_digits=7,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A fraction: 0.08625 for 8.625 %."),
    )
    state_rate = models.DecimalField(_("state rate"), max_digits=7, decimal_places=6)
    county_rate = models.DecimalField(_("county rate"), max_digits=7, decimal_places=6)
    city_rate = models.DecimalField(_("city rate"), max_digits=7, decimal_places=6)
    special_rate = models.DecimalField(
        _("special district rate"), max_digits=7, decimal_places=6
    )
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        ordering = ["country", "region", "postal_code"]
        verbose_name = _("local tax rate")
        verbose_name_plural = _("local tax rates")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "postal_code"], name="shop_localtaxrate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country}-{self.region} {self.postal_code}: {self.name}"


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


class Promotion(models.Model):
    """A time-limited lower price of one variant in one market (a flash deal).

    In effect from `starts_at` (inclusive) to `ends_at` (exclusive), both UTC;
    ending it early moves `ends_at` to that moment. `prior_lowest_amount` is the
    lowest price of the 30 days before it began, kept for the EU prior-price rule.
    On PostgreSQL an exclusion constraint (migration 0008) refuses two promotions of
    a variant in a market whose times overlap.
    """

    variant = models.ForeignKey(
        Variant,
        on_delete=models.CASCADE,
        related_name="promotions",
        verbose_name=_("variant"),
    )
    market = models.ForeignKey(
        Market, on_delete=models.CASCADE, related_name="+", verbose_name=_("market")
    )
    amount = models.DecimalField(_("promotion price"), max_digits=12, decimal_places=2)
    prior_lowest_amount = models.DecimalField(
        _("lowest price in the 30 days before"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    label = models.CharField(
        _("source"),
        max_length=80,
        blank=True,
        help_text=_("Where the promotion comes from, e.g. a live show."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        indexes = [
            models.Index(
                fields=["variant", "market", "ends_at"], name="shop_promotion_lookup"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="shop_promotion_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="shop_promotion_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} @ {self.market_id}: {self.amount}"

    def is_active_at(self, moment) -> bool:
        return self.starts_at <= moment < self.ends_at
