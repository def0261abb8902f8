"""Admin forms that ask the compliance rules: claims in copy, and the safety
information and picture an EU market needs before a product is published there
(on the product's page and on a variant's prices)."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from modeltranslation.admin import TranslationStackedInline
from modeltranslation.utils import build_localized_fieldname

from shop.compliance.services import claims_check, product_publication_refusals
from shop.models import (
    Market,
    Product,
    ProductCertificate,
    ProductImage,
    ProductSafety,
)


def translated_names(*fields: str) -> list[str]:
    """`name_en`, `name_de`, … for each field, in every shopper language."""
    return [
        build_localized_fieldname(field, language)
        for field in fields
        for language in settings.MODELTRANSLATION_LANGUAGES
    ]


def claims_validate(
    *, form: forms.BaseForm, fields: Iterable[str], markets: Iterable[Market] | None
) -> None:
    """Add a form error naming each restricted phrase in the fields and its market."""
    data = form.cleaned_data
    texts = [str(data.get(field) or "") for field in fields]
    try:
        claims_check(texts=texts, markets=markets)
    except ValidationError as error:
        form.add_error(None, error)


class ProductCopyForm(forms.ModelForm):
    """The product form: its copy in every language must make no restricted claim
    of any market (the same copy is shown wherever the product is sold)."""

    class Meta:
        model = Product
        fields = ("category", "name", "slug", "brand", "description", "is_active")

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None
        claims_validate(
            form=self, fields=translated_names("name", "description"), markets=None
        )
        return data


def pictures_kept(*, formset: forms.BaseFormSet) -> bool:
    """Whether a product's submitted image formset leaves it at least one picture."""
    formset.is_valid()  # cleaned_data, whichever formset was validated first
    deleted = set(formset.deleted_forms) if formset.can_delete else set()
    return any(
        getattr(form, "cleaned_data", {}).get("image")
        for form in formset.forms
        if form not in deleted
    )


class SafetyFormSet(forms.BaseInlineFormSet):
    """Refuses to publish an active product in a market that asks for safety
    information or a picture it lacks, naming the market and what is missing."""

    # The product page's image formset, when it is submitted with this one.
    picture_formset: forms.BaseFormSet | None = None

    def clean(self) -> None:
        super().clean()
        product = self.instance
        form = next(iter(self.forms), None)
        safety = form.instance if form is not None else None
        if self.picture_formset is not None:
            has_picture = pictures_kept(formset=self.picture_formset)
        else:
            has_picture = product.pk is not None and product.images.exists()
        refusals = product_publication_refusals(
            product=product, safety=safety, has_picture=has_picture
        )
        if refusals:
            raise ValidationError(refusals, code="publication")


def safety_formset_link(*, formsets: Iterable[forms.BaseFormSet]) -> None:
    """Let the product page's safety formset see the pictures submitted with it."""
    formsets = list(formsets)
    pictures = next(
        (f for f in formsets if getattr(f, "model", None) is ProductImage), None
    )
    for formset in formsets:
        if isinstance(formset, SafetyFormSet):
            formset.picture_formset = pictures


class PricePublicationFormSet(forms.BaseInlineFormSet):
    """A variant's prices: a price added or changed in a market that asks for
    safety information the product lacks is refused, naming the market and what
    is missing (the same rule as the product page)."""

    def clean(self) -> None:
        super().clean()
        variant = self.instance
        if variant.product_id is None:
            return
        deleted = set(self.deleted_forms) if self.can_delete else set()
        markets = [
            form.cleaned_data["market"]
            for form in self.forms
            if form not in deleted
            and form.has_changed()
            and getattr(form, "cleaned_data", {}).get("market") is not None
        ]
        if not markets:
            return
        product = variant.product
        refusals = product_publication_refusals(
            product=product,
            safety=ProductSafety.objects.filter(product=product).first(),
            has_picture=product.images.exists(),
            markets=markets,
        )
        if refusals:
            raise ValidationError(refusals, code="publication")


class ProductSafetyInline(TranslationStackedInline):
    model = ProductSafety
    formset = SafetyFormSet
    extra = 1
    max_num = 1
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        # Whoever may change a product sees its safety information (read-only
        # without the permission to change it), so that the publishing refusal
        # is asked on every save of the product page.
        return super().has_view_permission(request, obj) or request.user.has_perm(
            "shop.change_product"
        )

    fieldsets = (
        (
            None,
            {
                "fields": (
                    "manufacturer_name",
                    "manufacturer_address",
                    "manufacturer_country",
                    "manufacturer_contact",
                )
            },
        ),
        (
            None,
            {
                "fields": (
                    "responsible_name",
                    "responsible_address",
                    "responsible_contact",
                )
            },
        ),
        (None, {"fields": ("model_number", "identifiers", "warnings")}),
    )


URL_HTTPS: "Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]" = {
    models.URLField: {"assume_scheme": "https"}
}


class ProductCertificateInline(admin.TabularInline):
    model = ProductCertificate
    formfield_overrides = URL_HTTPS
    fields = (
        "kind",
        "market",
        "reference",
        "document_url",
        "issued_on",
        "expires_on",
    )
    extra = 0
