"""Reviews by verified buyers and the alerts their sentiment raises."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import Product
from shop.orders.models import OrderLine


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
