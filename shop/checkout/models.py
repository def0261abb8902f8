"""Carts: an account's, or a guest's tied to the session."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import Variant
from shop.markets.models import Market


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
