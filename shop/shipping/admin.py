"""The staff admin of shipping: zones, methods and rates, shipments with their
tracking events, anomaly alerts and the carrier webhook's delivery log."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from shop.markets.admin import translated_fields
from shop.models import (
    CarrierWebhookDelivery,
    Shipment,
    ShipmentAlert,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    TrackingEvent,
)
from shop.shipping.services.anomalies import shipment_alerts_acknowledge
from shop.shipping.services.shipments import (
    ShipmentError,
    shipment_create,
    shipment_key_clean,
    shipment_update,
    tracking_event_add,
    tracking_event_time_check,
    tracking_number_normalize,
)

# --- Shipping ---------------------------------------------------------------------


class ShippingMethodInline(TranslationTabularInline):
    model = ShippingMethod
    fields = (
        "name",
        "carrier",
        "delivery_days_min",
        "delivery_days_max",
        "is_active",
        "position",
    )
    show_change_link = True
    extra = 0


@admin.register(ShippingZone)
class ShippingZoneAdmin(TabbedTranslationAdmin):
    list_display = ("name", "countries")
    search_fields = translated_fields("name")
    inlines = (ShippingMethodInline,)


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    fields = ("market", "amount", "free_above")
    extra = 0


@admin.register(ShippingMethod)
class ShippingMethodAdmin(TabbedTranslationAdmin):
    list_display = (
        "name",
        "zone",
        "carrier",
        "delivery_days_min",
        "delivery_days_max",
        "is_active",
    )
    list_filter = ("zone", "carrier", "is_active")
    list_select_related = ("zone",)
    inlines = (ShippingRateInline,)


# --- Shipments ----------------------------------------------------------------------


class ShipmentForm(forms.ModelForm):
    class Meta:
        model = Shipment
        fields = ("order", "carrier", "tracking_number", "promised_by")
        help_texts = {
            "promised_by": _("Empty: the last delivery day promised at checkout."),
        }

    def clean_carrier(self) -> str:
        return self.cleaned_data["carrier"].strip()

    def clean_tracking_number(self) -> str:
        return tracking_number_normalize(self.cleaned_data["tracking_number"])

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # the base clean() returns cleaned_data
        if data.get("carrier") and data.get("tracking_number"):
            try:
                shipment_key_clean(
                    carrier=data["carrier"],
                    tracking_number=data["tracking_number"],
                    other_than=self.instance.pk,
                )
            except ShipmentError as error:
                self.add_error("tracking_number", str(error))
        return data


class TrackingEventInline(admin.TabularInline):
    """The parcel's scans as recorded; a scan is never edited afterwards."""

    model = TrackingEvent
    fields = ("occurred_at", "code", "location", "description", "external_id")
    readonly_fields = fields
    ordering = ("-occurred_at", "-id")
    extra = 0
    can_delete = False
    verbose_name_plural = _("tracking events")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class TrackingEventAddForm(forms.ModelForm):
    external_id = forms.CharField(
        label=_("carrier event ID"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for an event you record yourself."),
    )

    class Meta:
        model = TrackingEvent
        fields = ("occurred_at", "code", "location", "description", "external_id")

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        shipment = getattr(self.instance, "shipment", None)
        order = getattr(shipment, "order", None) if shipment else None
        try:
            tracking_event_time_check(
                occurred_at=occurred_at, placed_at=order.placed_at if order else None
            )
        except ShipmentError as error:
            raise ValidationError(str(error)) from error
        return occurred_at


class TrackingEventAddInline(admin.TabularInline):
    """A scan staff record by hand (e.g. from the carrier's phone line)."""

    model = TrackingEvent
    form = TrackingEventAddForm
    extra = 1
    can_delete = False
    verbose_name = _("new tracking event")
    verbose_name_plural = _("record a tracking event")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).none()


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    """Parcels: staff record them and add scans by hand; carriers add scans through
    the webhook. Status and last scan follow from the scans."""

    form = ShipmentForm
    list_display = (
        "tracking_number",
        "carrier",
        "order",
        "status",
        "promised_by",
        "last_event_at",
    )
    list_filter = ("status", "carrier", "promised_by")
    list_select_related = ("order",)
    search_fields = ("=tracking_number", "=order__number")
    autocomplete_fields = ("order",)
    fields = (
        "order",
        "carrier",
        "tracking_number",
        "promised_by",
        "status",
        "last_event_at",
    )
    readonly_fields = ("status", "last_event_at")
    inlines = (TrackingEventInline, TrackingEventAddInline)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return self.readonly_fields
        return ("order", *self.readonly_fields)

    def get_inlines(self, request: HttpRequest, obj=None):
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        try:
            if change:
                shipment_update(
                    shipment=obj,
                    carrier=data["carrier"],
                    tracking_number=data["tracking_number"],
                    promised_by=data["promised_by"],
                )
                return
            created = shipment_create(
                order=data["order"],
                carrier=data["carrier"],
                tracking_number=data["tracking_number"],
                promised_by=data["promised_by"],
            )
        except ShipmentError as error:
            # The form checked uniqueness; only a concurrent edit gets here.
            raise ValidationError(str(error)) from error
        for field in Shipment._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False
        obj._state.db = created._state.db

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not TrackingEvent:
            super().save_formset(request, form, formset, change)
            return
        # Admin's change message reads these lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )
        for event_form in formset.forms:
            if not event_form.has_changed() or event_form.instance.pk is not None:
                continue
            data = event_form.cleaned_data
            event, created = tracking_event_add(
                shipment=form.instance,
                code=data["code"],
                occurred_at=data["occurred_at"],
                description=data.get("description", ""),
                location=data.get("location", ""),
                external_id=data.get("external_id", ""),
            )
            if created:
                formset.new_objects.append(event)


@admin.action(description=_("Mark as acknowledged"))
def shipment_alerts_acknowledge_action(modeladmin, request, queryset) -> None:
    count = shipment_alerts_acknowledge(alerts=queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d shipment alert acknowledged.",
            "%(count)d shipment alerts acknowledged.",
            count,
        )
        % {"count": count},
    )


@admin.register(ShipmentAlert)
class ShipmentAlertAdmin(admin.ModelAdmin):
    """Anomalies the periodic check found; each is raised once per parcel and kind."""

    list_display = (
        "shipment",
        "order_number",
        "kind",
        "created_at",
        "shopper_notified_at",
        "acknowledged_at",
    )
    list_filter = (
        "kind",
        ("acknowledged_at", admin.EmptyFieldListFilter),
        "created_at",
    )
    list_select_related = ("shipment__order",)
    search_fields = ("=shipment__tracking_number", "=shipment__order__number")
    date_hierarchy = "created_at"
    actions = (shipment_alerts_acknowledge_action,)
    fields = list_display
    readonly_fields = list_display

    @admin.display(description=_("order"), ordering="shipment__order__number")
    def order_number(self, obj: ShipmentAlert) -> str:
        return obj.shipment.order.number

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a deleted alert would be raised and sent again


@admin.register(CarrierWebhookDelivery)
class CarrierWebhookDeliveryAdmin(admin.ModelAdmin):
    """The carrier deliveries accepted, for tracing what a carrier sent and when."""

    list_display = ("delivery_id", "carrier", "received_at", "tracking_event")
    list_filter = ("carrier", "received_at")
    list_select_related = ("tracking_event__shipment",)
    search_fields = ("=delivery_id",)
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
