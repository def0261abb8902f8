"""Admin forms that ask the compliance rules: claims in copy, and the safety
information an EU market needs before a product is published there."""

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
from shop.models import Market, Product, ProductCertificate, ProductSafety


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


class SafetyFormSet(forms.BaseInlineFormSet):
    """Refuses to publish an active product in a market that asks for safety
    information it lacks, naming the market and the fields."""

    def clean(self) -> None:
        super().clean()
        product = self.instance
        form = next(iter(self.forms), None)
        safety = form.instance if form is not None else None
        refusals = product_publication_refusals(product=product, safety=safety)
        if refusals:
            raise ValidationError(refusals, code="publication")


class ProductSafetyInline(TranslationStackedInline):
    model = ProductSafety
    formset = SafetyFormSet
    extra = 1
    max_num = 1
    can_delete = False
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
