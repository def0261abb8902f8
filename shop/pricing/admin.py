"""The staff admin of tax rates, the read-only price history and promotions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shop.catalog.admin import ServiceSavingAdmin
from shop.models import LocalTaxRate, PriceHistory, Product, Promotion, TaxRate
from shop.pricing.services import promotions_end
from shop.pricing.tax_import import HEADER, MAX_BYTES, local_tax_rates_import


@admin.register(TaxRate)
class TaxRateAdmin(ServiceSavingAdmin):
    list_display = ("country", "region", "name", "rate")
    list_editable = ("rate",)
    list_filter = ("country",)
    search_fields = ("country", "region", "name")
    ordering = ("country", "region")


class TaxRateFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A tax-rate provider's ZIP code table (e.g. Avalara's), with the header "
            "%(header)s. It replaces the rates of every state it contains."
        )
        % {"header": ", ".join(HEADER)},
    )


@admin.register(LocalTaxRate)
class LocalTaxRateAdmin(admin.ModelAdmin):
    list_display = ("postal_code", "region", "name", "rate", "imported_at")
    list_filter = ("region",)
    search_fields = ("=postal_code", "name")
    ordering = ("country", "region", "postal_code")
    readonly_fields = (
        "country",
        "region",
        "postal_code",
        "name",
        "rate",
        "state_rate",
        "county_rate",
        "city_rate",
        "special_rate",
        "imported_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="shop_localtaxrate_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a provider's CSV; every bad row is listed and nothing is written."""
        if not request.user.has_perm("shop.add_localtaxrate"):
            raise PermissionDenied
        result = None
        form = TaxRateFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            # One byte past the limit is enough for the import to refuse the size.
            data = upload.read(MAX_BYTES + 1)
            result = local_tax_rates_import(data=data)
            if result.ok:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d ZIP code rate imported for %(states)s.",
                        "%(count)d ZIP code rates imported for %(states)s.",
                        result.imported,
                    )
                    % {"count": result.imported, "states": ", ".join(result.states)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:shop_localtaxrate_changelist")
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import ZIP code tax rates"),
            "opts": self.model._meta,
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/shop/localtaxrate/import.html", context)


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
