"""The staff admin of orders: their lines, history and status changes."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from shop.models import Order, OrderEvent, OrderLine, OrderStatus
from shop.orders.services import OrderTransitionError, order_transition

# --- Orders -------------------------------------------------------------------------


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = (
        "product_name",
        "variant_name",
        "sku",
        "quantity",
        "unit_net_amount",
        "unit_gross_amount",
        "line_net_amount",
        "line_gross_amount",
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


def _transition_action(status: str, description: StrOrPromise):
    def action(modeladmin, request: HttpRequest, queryset) -> None:
        assert request.user.is_authenticated  # the admin signs staff in first
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
                    "tax_jurisdiction",
                    "duties",
                    "duties_estimate",
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
