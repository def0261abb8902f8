"""Shipping zones, methods and rates; shipments, tracking events, anomaly
alerts and the carrier webhook's delivery log."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.markets.models import Market
from shop.orders.models import Order


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
    sequence = models.PositiveBigIntegerField(
        _("carrier sequence"),
        null=True,
        blank=True,
        help_text=_("The carrier's running number of the parcel's events, if any."),
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
