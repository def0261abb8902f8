"""What the assistant knows besides the catalog and orders: staff-written policy
articles (translated in the admin) and product vectors per language."""

from array import array

from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.models import SHOPPER_LANGUAGE_CHOICES, Market, Product


class ArticleTopic(models.TextChoices):
    RETURNS = "returns", _("Returns and withdrawal")
    SHIPPING = "shipping", _("Shipping and delivery")
    PAYMENT = "payment", _("Payment methods")
    WARRANTY = "warranty", _("Warranty")
    DISCOUNTS = "discounts", _("Discounts and promotions")
    GENERAL = "general", _("General")


class PolicyArticle(models.Model):
    """A policy or FAQ article that the assistant cites with a link."""

    topic = models.CharField(_("topic"), max_length=16, choices=ArticleTopic)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"),
        help_text=_("One or two sentences the assistant quotes in its answer."),
    )
    body = models.TextField(_("body"), blank=True)
    markets = models.ManyToManyField(
        Market,
        blank=True,
        related_name="+",
        verbose_name=_("markets"),
        help_text=_("Leave empty for every market."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("topic", "slug")
        verbose_name = _("policy article")
        verbose_name_plural = _("policy articles")

    def __str__(self) -> str:
        return self.title


class ProductVector(models.Model):
    """A product's embedding in one language, as little-endian float32 bytes."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=SHOPPER_LANGUAGE_CHOICES
    )
    # What the vector was computed from: a refresh skips unchanged products.
    source_hash = models.CharField(_("source hash"), max_length=64)
    vector = models.BinaryField(_("vector"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("product vector")
        verbose_name_plural = _("product vectors")
        constraints = [
            models.UniqueConstraint(
                fields=("product", "language"), name="support_vector_product_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.language}"

    def values(self) -> array:
        """The vector as float32 numbers."""
        numbers = array("f")
        numbers.frombytes(bytes(self.vector))
        return numbers
