"""The staff admin of markets."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from shop.markets.services import market_save, markets_delete
from shop.models import Market, PrivacyRegime


def translated_fields(field: str) -> tuple[str, ...]:
    from django.conf import settings

    return tuple(
        build_localized_fieldname(field, code)
        for code in settings.MODELTRANSLATION_LANGUAGES
    )


# --- Markets ----------------------------------------------------------------------


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
            "product_safety_required",
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
            "seller_country",
            "seller_vat_id",
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
    search_fields = ("code", *translated_fields("name"), "currency")
    ordering = ("code",)

    def save_model(self, request, obj, form, change) -> None:
        market_save(market=obj)

    def delete_model(self, request, obj) -> None:
        markets_delete(markets=Market.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        markets_delete(markets=queryset)
