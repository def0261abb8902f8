"""Cart and checkout forms: lines, address, shipping method and card."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.checkout.services.checkout import (
    POSTAL_CODE_FORMATS,
    REGION_COUNTRIES,
    country_name,
    postal_code_normalize,
    region_choices,
)
from shop.models import Market
from shop.orders.payments.base import card_digits, luhn_valid

# --- Cart and checkout ---------------------------------------------------------


class CartAddForm(forms.Form):
    variant = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=99,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "qty"}),
        error_messages={
            "min_value": _("Choose a quantity of at least 1."),
            "max_value": _("You can order at most 99 at once."),
        },
    )


class CartLineForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=0,
        max_value=99,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "qty"}),
        help_text=_("0 removes the item."),
    )


class CheckoutAddressForm(forms.Form):
    """A delivery address that fits its country; countries are the market's."""

    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("For your order confirmation."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    line1 = forms.CharField(
        label=_("Street and house number"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    line2 = forms.CharField(
        label=_("Address line 2 (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    region = forms.ChoiceField(
        label=_("State"),
        required=False,
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )

    def __init__(self, *args, market: Market, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.market = market
        countries = list(market.countries)
        cast(forms.ChoiceField, self.fields["country"]).choices = [
            (c, country_name(c)) for c in countries
        ]
        self.fields["country"].initial = market.default_country
        regions = [
            choice
            for country in countries
            for choice in region_choices(country=country)
        ]
        self.needs_region = bool(regions)
        if regions:
            cast(forms.ChoiceField, self.fields["region"]).choices = [
                ("", _("Choose a state")),
                *regions,
            ]
        else:
            del self.fields["region"]
        formats = [c for c in countries if c in POSTAL_CODE_FORMATS]
        if len(formats) == 1:
            example = POSTAL_CODE_FORMATS[formats[0]][1]
            self.fields["postal_code"].help_text = _("Format: %(examples)s") % {
                "examples": example
            }
        elif formats:
            examples = "; ".join(
                f"{country_name(c)}: {POSTAL_CODE_FORMATS[c][1]}" for c in formats
            )
            self.fields["postal_code"].help_text = _("Format: %(examples)s") % {
                "examples": examples
            }

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # the base clean() returns cleaned_data
        country = data.get("country")
        if not country:
            return data
        code = data.get("postal_code")
        if code:
            normalized = postal_code_normalize(country=country, postal_code=code)
            if normalized is None:
                example = POSTAL_CODE_FORMATS.get(country, ("", ""))[1]
                self.add_error(
                    "postal_code",
                    _("This is not a postal code of %(country)s (e.g. %(example)s).")
                    % {"country": country_name(country), "example": example},
                )
            else:
                data["postal_code"] = normalized
        if country in REGION_COUNTRIES:
            if not data.get("region"):
                self.add_error("region", _("Choose your state."))
        else:
            data["region"] = ""
        return data


class ShippingMethodForm(forms.Form):
    method = forms.TypedChoiceField(
        label=_("Shipping method"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a shipping method.")},
    )

    def __init__(self, *args, options: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        cast(forms.ChoiceField, self.fields["method"]).choices = [
            (o.method.pk, o.name) for o in options
        ]
        if len(options) == 1:
            self.fields["method"].initial = options[0].method.pk


class CardNumberInput(forms.TextInput):
    """A text input that never writes a typed card number back into the page."""

    def format_value(self, value) -> None:
        return None


class PaymentForm(forms.Form):
    """The card and the keys of the summary the shopper confirms.

    The card number is passed to the payment provider and never stored.
    """

    card_number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        min_length=12,
        widget=CardNumberInput(
            attrs={
                "autocomplete": "cc-number",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )
    idempotency_key = forms.RegexField(
        regex=r"^[A-Za-z0-9_-]{20,64}$", widget=forms.HiddenInput
    )
    expected_total = forms.DecimalField(
        max_digits=12, decimal_places=2, widget=forms.HiddenInput
    )

    def clean_card_number(self) -> str:
        digits = card_digits(self.cleaned_data["card_number"])
        if not luhn_valid(digits):
            raise forms.ValidationError(_("Please check the card number."))
        return digits
