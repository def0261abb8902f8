"""Staff screens of product compliance: certificate kinds and the requirements
per market and category, product certificates with their expiry, restricted
claims, accessibility statements, and the report of products kept out of a market."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from shop.catalog.admin import CategoryChoiceField
from shop.compliance.forms import URL_HTTPS
from shop.compliance.selectors import compliance_gaps_report
from shop.compliance.services import (
    certificate_save,
    compliance_object_delete,
    compliance_object_save,
)
from shop.markets.services import markets_active
from shop.models import (
    AccessibilityStatement,
    CertificateKind,
    CertificateRequirement,
    ClaimRestriction,
    ProductCertificate,
)


class ComplianceSavingAdmin(admin.ModelAdmin):
    """Saves and deletes through the services, so cached pages never show a
    product that a change has gated."""

    def save_model(self, request, obj, form, change) -> None:
        if isinstance(obj, ProductCertificate):
            certificate_save(certificate=obj)
        else:
            compliance_object_save(obj=obj)

    def delete_model(self, request, obj) -> None:
        compliance_object_delete(obj=obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            compliance_object_delete(obj=obj)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # The accepted kinds are saved after the row: pages go stale again.
        compliance_object_save(obj=form.instance)


@admin.register(CertificateKind)
class CertificateKindAdmin(TabbedTranslationAdmin, ComplianceSavingAdmin):
    list_display = ("code", "name", "shown_on_listing")
    search_fields = ("code", "name")
    fields = ("code", "name", "shown_on_listing")


class RequirementForm(forms.ModelForm):
    category = CategoryChoiceField(queryset=None, label=_("category"))

    class Meta:
        model = CertificateRequirement
        fields = ("market", "category", "kinds", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from shop.models import Category

        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Category.objects.order_by("path")


@admin.register(CertificateRequirement)
class CertificateRequirementAdmin(ComplianceSavingAdmin):
    form = RequirementForm
    list_display = ("market", "category", "accepted", "note")
    list_filter = ("market", "kinds")
    list_select_related = ("market", "category")
    filter_horizontal = ("kinds",)

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("kinds")

    @admin.display(description=_("accepted certificates"))
    def accepted(self, obj: CertificateRequirement) -> str:
        return " / ".join(kind.code for kind in obj.kinds.all())

    def get_urls(self):
        return [
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="shop_compliance_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request: HttpRequest) -> HttpResponse:
        markets = sorted(markets_active().values(), key=lambda market: market.code)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Products kept out of a market"),
            "rows": compliance_gaps_report(markets=markets),
        }
        return TemplateResponse(request, "admin/shop/compliance_report.html", context)


@admin.register(ProductCertificate)
class ProductCertificateAdmin(ComplianceSavingAdmin):
    list_display = (
        "product",
        "kind",
        "market",
        "reference",
        "expires_on",
        "expiry_warned_on",
    )
    list_filter = ("kind", "market")
    list_select_related = ("product", "kind", "market")
    search_fields = ("reference", "product__name", "product__slug")
    autocomplete_fields = ("product",)
    date_hierarchy = "expires_on"
    fields = (
        "product",
        "kind",
        "market",
        "reference",
        "document_url",
        "issued_on",
        "expires_on",
        "expiry_warned_on",
    )
    readonly_fields = ("expiry_warned_on",)
    formfield_overrides = URL_HTTPS


@admin.register(ClaimRestriction)
class ClaimRestrictionAdmin(admin.ModelAdmin):
    list_display = ("phrase", "market", "reason")
    list_filter = ("market",)
    list_select_related = ("market",)
    search_fields = ("phrase", "reason")


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(TabbedTranslationAdmin):
    list_display = ("market", "contact", "reviewed_on")
    list_select_related = ("market",)
    fields = ("market", "body", "contact", "enforcement_body", "reviewed_on")
