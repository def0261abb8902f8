"""The staff admin of the catalog with its translations. Every catalog write goes
through the services, so prices keep their history and cached storefront pages
are invalidated."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from shop.catalog.images import (
    image_file_check,
    product_image_delete,
    product_image_save,
)
from shop.catalog.services import (
    catalog_object_delete,
    catalog_object_save,
    catalog_queryset_delete,
    category_save,
    product_save,
    tax_rate_save,
    variant_save,
)
from shop.compliance.forms import (
    PricePublicationFormSet,
    ProductCertificateInline,
    ProductCopyForm,
    ProductSafetyInline,
    safety_formset_link,
)
from shop.compliance.services import certificate_save
from shop.markets.admin import translated_fields
from shop.models import (
    Attribute,
    AttributeValue,
    Category,
    Product,
    ProductCertificate,
    ProductImage,
    Specification,
    TaxRate,
    Variant,
    VariantPrice,
)
from shop.pricing.services import variant_prices_save


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
        ProductCertificate: lambda o: certificate_save(certificate=o),
    }
    return savers.get(type(obj), lambda o: catalog_object_save(obj=o))


def _deleter(obj: models.Model) -> Callable[[models.Model], Any]:
    if isinstance(obj, ProductImage):
        return lambda o: product_image_delete(image=cast(ProductImage, o))
    return lambda o: catalog_object_delete(obj=o)


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
    search_fields = (*translated_fields("name"), "slug")
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
    search_fields = (*translated_fields("name"), "slug")
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
    form = ProductCopyForm
    list_display = ("name", "category", "brand", "is_active", "updated_at")
    list_filter = ("is_active", "category", "brand")
    list_select_related = ("category",)
    search_fields = (*translated_fields("name"), "brand", "slug", "=variants__sku")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("category", "name", "slug", "brand", "description", "is_active")
    inlines = (
        ProductImageInline,
        SpecificationInline,
        VariantInline,
        ProductSafetyInline,
        ProductCertificateInline,
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["form_class"] = CategoryChoiceField
            kwargs["queryset"] = Category.objects.order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        # Publishing in an EU market asks for a picture: the safety check reads
        # the images as submitted on the same page.
        safety_formset_link(formsets=formsets)
        return formsets, inline_instances


# --- Variants and prices ------------------------------------------------------------


class VariantPriceInline(admin.TabularInline):
    model = VariantPrice
    formset = PricePublicationFormSet
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
    search_fields = ("sku", *(f"product__{f}" for f in translated_fields("name")))
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
        variant_prices_save(prices=prices, deleted=formset.deleted_objects)
