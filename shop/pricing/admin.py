"""The staff admin of tax rates and the read-only price history."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shop.catalog.admin import ServiceSavingAdmin
from shop.models import PriceHistory, Product, TaxRate


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
