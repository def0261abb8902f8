"""The shopper's profile form."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from shop.models import Market


def shopper_language_choices() -> list[tuple[str, str]]:
    """Each shopper language in its own name, so a lost shopper still finds theirs."""
    return [
        (code, get_language_info(code)["name_local"])
        for code in settings.SHOPPER_LANGUAGES
    ]


class MarketChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Market) -> str:
        return f"{obj.name} ({obj.currency})"


class ProfileForm(forms.Form):
    """The shopper's name, language and market; only active markets are offered."""

    full_name = forms.CharField(
        label=capfirst(_("full name")),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_language = forms.ChoiceField(
        label=capfirst(_("preferred language")), choices=shopper_language_choices
    )
    preferred_market = MarketChoiceField(
        label=capfirst(_("preferred market")),
        queryset=Market.objects.filter(is_active=True).order_by("code"),
        to_field_name="code",
        empty_label=None,
        help_text=_("Sets your currency, prices, taxes and delivery country."),
    )
