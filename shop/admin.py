"""The staff admin: markets, tax rates, the catalog with its translations, prices
and accounts. Every catalog write goes through the shop's services, so prices keep
their history and cached storefront pages are invalidated."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from modeltranslation.utils import build_localized_fieldname

from shop.models import (
    Attribute,
    AttributeValue,
    CarrierWebhookDelivery,
    Category,
    Market,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PriceHistory,
    PrivacyRegime,
    Product,
    ProductImage,
    Review,
    ReviewStatus,
    SentimentAlert,
    Shipment,
    ShipmentAlert,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    Specification,
    TaxRate,
    TrackingEvent,
    User,
    Variant,
    VariantPrice,
)
from shop.services.cache import catalog_version_bump
from shop.services.catalog import (
    catalog_object_delete,
    catalog_object_save,
    catalog_queryset_delete,
    category_save,
    product_save,
    tax_rate_save,
    variant_save,
)
from shop.services.images import (
    image_file_check,
    product_image_delete,
    product_image_save,
)
from shop.services.markets import market_cache_clear
from shop.services.orders import OrderTransitionError, order_transition
from shop.services.pricing import price_set
from shop.services.reviews import (
    dashboard_weeks,
    reviews_delete,
    reviews_moderate,
    sentiment_alerts_acknowledge,
    sentiment_chart,
    sentiment_per_product_week,
)
from shop.services.shipments import (
    ShipmentError,
    shipment_alerts_acknowledge,
    shipment_create,
    shipment_key_clean,
    shipment_update,
    tracking_event_add,
    tracking_number_normalize,
)


def _translated(field: str) -> tuple[str, ...]:
    from django.conf import settings

    return tuple(
        build_localized_fieldname(field, code)
        for code in settings.MODELTRANSLATION_LANGUAGES
    )


def _tree_label(category: Category) -> str:
    return f"{'— ' * category.depth}{category.name}"


class CategoryChoiceField(forms.ModelChoiceField):
    """A category select that shows the tree by indentation."""

    def label_from_instance(self, obj: Category) -> str:
        return _tree_label(obj)


class CheckedImageField(forms.ImageField):
    """An image upload refused with a clear message when it is no image or too big."""

    def to_python(self, data: Any) -> Any:
        if data not in self.empty_values:
            image_file_check(file=data)
        return super().to_python(data)


class ServiceSavingAdmin(admin.ModelAdmin):
    """Saves and deletes rows, its own and its inlines', through the services."""

    def save_model(self, request, obj, form, change) -> None:
        _saver(obj)(obj)

    def delete_model(self, request, obj) -> None:
        _deleter(obj)(obj)

    def delete_queryset(self, request, queryset) -> None:
        catalog_queryset_delete(queryset=queryset)

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            _deleter(obj)(obj)
        for obj in instances:
            _saver(obj)(obj)
        formset.save_m2m()


def _saver(obj: models.Model) -> Callable[[models.Model], Any]:
    savers: dict[type, Callable[[Any], Any]] = {
        Category: lambda o: category_save(category=o),
        Product: lambda o: product_save(product=o),
        ProductImage: lambda o: product_image_save(image=o),
        Variant: lambda o: variant_save(variant=o),
        TaxRate: lambda o: tax_rate_save(tax_rate=o),
    }
    return savers.get(type(obj), lambda o: catalog_object_save(obj=o))


def _deleter(obj: models.Model) -> Callable[[models.Model], Any]:
    if isinstance(obj, ProductImage):
        return lambda o: product_image_delete(image=o)
    return lambda o: catalog_object_delete(obj=o)


# --- Markets and tax ------------------------------------------------------------


class MarketForm(forms.ModelForm):
    privacy_regimes = forms.MultipleChoiceField(
        label=_("privacy regimes"),
        choices=PrivacyRegime.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Market
        fields = (
            "code",
            "name",
            "is_active",
            "is_default",
            "countries",
            "default_country",
            "language",
            "currency",
            "prices_include_tax",
            "shows_prior_price",
            "privacy_regimes",
            "data_region",
            "measurement_system",
            "timezone",
            "support_opens",
            "support_closes",
            "support_weekdays",
            "tone_profile",
            "tone_notes",
            "delivery_days_min",
            "delivery_days_max",
            "duties_mode",
            "duty_rate",
            "duty_free_threshold",
            "withdrawal_days",
            "seller_name",
            "seller_address",
            "seller_tax_id",
        )


@admin.register(Market)
class MarketAdmin(TabbedTranslationAdmin):
    form = MarketForm
    list_display = (
        "code",
        "name",
        "currency",
        "prices_include_tax",
        "shows_prior_price",
        "is_default",
        "is_active",
    )
    list_display_links = ("code", "name")
    list_filter = ("is_active", "prices_include_tax", "data_region")
    search_fields = ("code", *_translated("name"), "currency")
    ordering = ("code",)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Markets are cached per process: this one forgets its copy at once.
        transaction.on_commit(market_cache_clear)
        catalog_version_bump()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(market_cache_clear)
        catalog_version_bump()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        transaction.on_commit(market_cache_clear)
        catalog_version_bump()


@admin.register(TaxRate)
class TaxRateAdmin(ServiceSavingAdmin):
    list_display = ("country", "region", "name", "rate")
    list_editable = ("rate",)
    list_filter = ("country",)
    search_fields = ("country", "region", "name")
    ordering = ("country", "region")


# --- Catalog ----------------------------------------------------------------------


class CategoryForm(forms.ModelForm):
    parent = CategoryChoiceField(
        queryset=Category.objects.order_by("path"),
        required=False,
        label=_("parent"),
    )

    class Meta:
        model = Category
        fields = ("parent", "name", "slug", "position")

    def clean_parent(self) -> Category | None:
        parent = self.cleaned_data.get("parent")
        own = self.instance
        if parent is not None and own.pk is not None:
            if parent.pk == own.pk or parent.path.startswith(f"{own.path}."):
                raise ValidationError(
                    _("A category cannot be placed under itself or its subcategories.")
                )
        return parent


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin, ServiceSavingAdmin):
    form = CategoryForm
    fields = ("parent", "name", "slug", "position")
    list_display = ("tree_name", "slug", "position")
    ordering = ("path",)
    search_fields = (*_translated("name"), "slug")
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description=_("name"), ordering="path")
    def tree_name(self, obj: Category) -> str:
        return _tree_label(obj)


class AttributeValueInline(TranslationTabularInline):
    model = AttributeValue
    fields = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
    extra = 0


@admin.register(Attribute)
class AttributeAdmin(TabbedTranslationAdmin, ServiceSavingAdmin):
    list_display = ("name", "slug")
    search_fields = (*_translated("name"), "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (AttributeValueInline,)


class ProductImageInline(TranslationTabularInline):
    model = ProductImage
    fields = ("preview", "image", "alt_text", "position")
    readonly_fields = ("preview",)
    formfield_overrides = {models.ImageField: {"form_class": CheckedImageField}}
    extra = 0

    @admin.display(description=_("Thumbnail"))
    def preview(self, obj: ProductImage) -> str:
        if not obj.thumbnail:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="80">', obj.thumbnail.url, obj.alt_text
        )


class SpecificationInline(TranslationTabularInline):
    model = Specification
    fields = ("kind", "label", "text_value", "value", "value_2", "value_3", "position")
    extra = 0


class VariantInline(admin.TabularInline):
    model = Variant
    fields = ("sku", "values", "stock", "position")
    show_change_link = True
    extra = 0

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "values":
            kwargs["queryset"] = AttributeValue.objects.select_related("attribute")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Product)
class ProductAdmin(TabbedTranslationAdmin, ServiceSavingAdmin):
    list_display = ("name", "category", "brand", "is_active", "updated_at")
    list_filter = ("is_active", "category", "brand")
    list_select_related = ("category",)
    search_fields = (*_translated("name"), "brand", "slug", "=variants__sku")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("category", "name", "slug", "brand", "description", "is_active")
    inlines = (ProductImageInline, SpecificationInline, VariantInline)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["form_class"] = CategoryChoiceField
            kwargs["queryset"] = Category.objects.order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Variants and prices ------------------------------------------------------------


class VariantPriceInline(admin.TabularInline):
    model = VariantPrice
    fields = (
        "market",
        "amount",
        "regular_amount",
        "prior_lowest_amount",
        "effective_from",
    )
    readonly_fields = ("prior_lowest_amount", "effective_from")
    extra = 0


@admin.register(Variant)
class VariantAdmin(ServiceSavingAdmin):
    list_display = ("sku", "product", "stock", "position")
    list_editable = ("stock",)
    list_filter = ("product__category",)
    list_select_related = ("product",)
    search_fields = ("sku", *(f"product__{f}" for f in _translated("name")))
    autocomplete_fields = ("product",)
    filter_horizontal = ("values",)
    inlines = (VariantPriceInline,)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "values":
            kwargs["queryset"] = AttributeValue.objects.select_related("attribute")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not VariantPrice:
            super().save_formset(request, form, formset, change)
            return
        prices = formset.save(commit=False)
        for price in formset.deleted_objects:
            catalog_object_delete(obj=price)
        moved = {
            price.pk for price, fields in formset.changed_objects if "market" in fields
        }
        for price in prices:
            if price.pk in moved:
                # The row now prices another market: the old market's price goes.
                catalog_object_delete(obj=VariantPrice.objects.get(pk=price.pk))
            # price_set is the one writer of prices: history and prior price.
            price_set(
                variant=price.variant,
                market=price.market,
                amount=price.amount,
                regular_amount=price.regular_amount,
            )


@admin.register(PriceHistory)
class PriceHistoryAdmin(admin.ModelAdmin):
    list_display = ("variant", "product", "market", "amount", "effective_from")
    list_filter = ("market",)
    list_select_related = ("variant__product", "market")
    search_fields = ("=variant__sku",)
    ordering = ("-effective_from",)

    @admin.display(description=_("product"), ordering="variant__product")
    def product(self, obj: PriceHistory) -> Product:
        return obj.variant.product

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# --- Accounts -------------------------------------------------------------------------


class ShopUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class ShopUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# Django's own section titles, with the translations Django ships for them.
_PERSONAL, _PERMISSIONS, _DATES = (
    title for title, _opts in DjangoUserAdmin.fieldsets[1:]
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = ShopUserChangeForm
    add_form = ShopUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _PERSONAL,
            {"fields": ("full_name", "preferred_language", "preferred_market")},
        ),
        (
            _PERMISSIONS,
            {
                "fields": (
                    "is_active",
                    "is_host",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_DATES, {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = (
        "email",
        "full_name",
        "is_staff",
        "is_host",
        "preferred_market",
        "is_active",
    )
    list_filter = ("is_staff", "is_superuser", "is_host", "is_active", "groups")
    list_select_related = ("preferred_market",)
    search_fields = ("email", "full_name")
    ordering = ("email",)


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
    search_fields = _translated("name")
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


# --- Orders -------------------------------------------------------------------------


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = (
        "product_name",
        "variant_name",
        "sku",
        "quantity",
        "unit_amount",
        "line_amount",
        "tax_rate",
        "tax_amount",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    fields = ("created_at", "status", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _transition_action(status: str, description: str):
    def action(modeladmin, request: HttpRequest, queryset) -> None:
        done, refused = 0, []
        for order in queryset:
            try:
                order_transition(order=order, status=status, note=request.user.email)
            except OrderTransitionError as error:
                refused.append(f"{order.number}: {error}")
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request,
                _("%(count)d order(s) changed to “%(status)s”.")
                % {"count": done, "status": OrderStatus(status).label},
            )
        for message in refused:
            modeladmin.message_user(request, message, level="error")

    action.__name__ = f"mark_{status}"
    return admin.action(description=description)(action)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are records of what shoppers agreed to: staff change only the status,
    and only through the lifecycle's actions."""

    list_display = (
        "number",
        "placed_at",
        "email",
        "market",
        "status",
        "total",
        "currency",
    )
    list_filter = ("status", "market", "placed_at")
    list_select_related = ("market",)
    search_fields = ("=number", "email", "full_name", "payment_reference")
    date_hierarchy = "placed_at"
    ordering = ("-placed_at",)
    inlines = (OrderLineInline, OrderEventInline)
    actions = (
        _transition_action(OrderStatus.PROCESSING, _("Mark as processing")),
        _transition_action(OrderStatus.SHIPPED, _("Mark as shipped")),
        _transition_action(OrderStatus.DELIVERED, _("Mark as delivered")),
        _transition_action(OrderStatus.CANCELLED, _("Cancel (restock and refund)")),
        _transition_action(OrderStatus.REFUNDED, _("Refund")),
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "status",
                    "market",
                    "language",
                    "user",
                    "email",
                    "placed_at",
                    "paid_at",
                )
            },
        ),
        (
            _("Delivery"),
            {
                "fields": (
                    "full_name",
                    "line1",
                    "line2",
                    "postal_code",
                    "city",
                    "region",
                    "country",
                    "shipping_method_name",
                    "shipping_carrier",
                    "delivery_days_min",
                    "delivery_days_max",
                )
            },
        ),
        (
            _("Amounts"),
            {
                "fields": (
                    "currency",
                    "subtotal",
                    "shipping",
                    "shipping_tax",
                    "tax",
                    "duties",
                    "total",
                    "prices_include_tax",
                    "duties_mode",
                    "withdrawal_days",
                )
            },
        ),
        (
            _("Payment"),
            {"fields": ("payment_provider", "payment_reference", "card_last4")},
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


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


# --- Reviews and sentiment alerts ---------------------------------------------------


def _moderate_action(status: str, description: str):
    def action(modeladmin, request: HttpRequest, queryset) -> None:
        changed = reviews_moderate(reviews=queryset, status=status)
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d review changed to “%(status)s”.",
                "%(count)d reviews changed to “%(status)s”.",
                changed,
            )
            % {"count": changed, "status": ReviewStatus(status).label},
        )

    action.__name__ = f"reviews_{status}"
    return admin.action(description=description, permissions=["change"])(action)


class ReviewModerationForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ("status",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewModerationForm
    list_display = (
        "product",
        "rating",
        "excerpt",
        "status",
        "sentiment_label",
        "sentiment_score",
        "language",
        "created_at",
    )
    list_filter = ("status", "sentiment_label", "rating", "language")
    list_select_related = ("product",)
    search_fields = (
        *(f"product__{f}" for f in _translated("name")),
        "title",
        "user__email",
    )
    ordering = ("-created_at", "-id")
    fields = (
        "product",
        "user",
        "order_line",
        "rating",
        "title",
        "text",
        "language",
        "status",
        "sentiment_label",
        "sentiment_score",
        "scored_at",
        "created_at",
    )
    readonly_fields = tuple(name for name in fields if name != "status")
    actions = (
        _moderate_action(ReviewStatus.APPROVED, _("Approve the selected reviews")),
        _moderate_action(ReviewStatus.REJECTED, _("Reject the selected reviews")),
    )

    @admin.display(description=_("review"))
    def excerpt(self, obj: Review) -> str:
        text = " ".join(part for part in (obj.title, obj.text) if part)
        return text if len(text) <= 80 else f"{text[:79]}…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        # Moderation is the one change staff make here, through the service.
        if "status" in form.changed_data:
            reviews_moderate(
                reviews=Review.objects.filter(pk=obj.pk), status=obj.status
            )

    def delete_model(self, request, obj) -> None:
        reviews_delete(reviews=Review.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        reviews_delete(reviews=queryset)


@admin.register(SentimentAlert)
class SentimentAlertAdmin(admin.ModelAdmin):
    list_display = (
        "product",
        "negative_count",
        "window_minutes",
        "created_at",
        "acknowledged_at",
    )
    list_filter = (("acknowledged_at", admin.EmptyFieldListFilter),)
    list_select_related = ("product",)
    search_fields = tuple(f"product__{f}" for f in _translated("name"))
    ordering = ("-created_at", "-id")
    fields = (
        "product",
        "negative_count",
        "window_minutes",
        "created_at",
        "acknowledged_at",
    )
    readonly_fields = fields
    actions = ("acknowledge",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(
        description=_("Acknowledge the selected alerts"), permissions=["change"]
    )
    def acknowledge(self, request: HttpRequest, queryset) -> None:
        count = sentiment_alerts_acknowledge(alerts=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d alert acknowledged.",
                "%(count)d alerts acknowledged.",
                count,
            )
            % {"count": count},
        )

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="shop_sentiment_dashboard",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request: HttpRequest) -> TemplateResponse:
        """Review sentiment per product and week: a chart and a table for each."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review sentiment per product and week"),
            "opts": self.model._meta,
            "weeks": dashboard_weeks(),
            "panels": sentiment_chart(series=sentiment_per_product_week()),
        }
        return TemplateResponse(request, "admin/shop/sentiment_dashboard.html", context)
