"""The staff admin of tax rates, the read-only price history and promotions."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shop.catalog.admin import ServiceSavingAdmin
from shop.models import PriceHistory, Product, Promotion, TaxRate
from shop.pricing.services import promotions_end


@admin.register(TaxRate)
class TaxRateAdmin(ServiceSavingAdmin):
    list_display = ("country", "region", "name", "rate")
    list_editable = ("rate",)
    list_filter = ("country",)
    search_fields = ("country", "region", "name")
    ordering = ("country", "region")


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


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    """Promotions are started by their sources (a live show's flash deal); staff see
    them all here and can end running ones early."""

    list_display = (
        "variant",
        "market",
        "amount",
        "prior_lowest_amount",
        "starts_at",
        "ends_at",
        "label",
    )
    list_filter = ("market",)
    list_select_related = ("variant__product", "market")
    search_fields = ("=variant__sku", "label")
    ordering = ("-starts_at",)
    actions = ("end_now",)

    @admin.action(description=_("End the selected promotions now"))
    def end_now(self, request: HttpRequest, queryset: QuerySet[Promotion]) -> None:
        ended = promotions_end(promotions=queryset)
        self.message_user(
            request,
            ngettext("%(count)d promotion ended.", "%(count)d promotions ended.", ended)
            % {"count": ended},
            messages.SUCCESS,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
