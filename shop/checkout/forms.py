"""Cart and checkout forms: lines, address, shipping method and card."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.checkout.services.checkout import country_name
from shop.markets.addresses import (
    address_rules,
    address_validate,
    postal_code_fits_country,
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


REGION_LABELS = {"state": _("State"), "province": _("Province")}
REGION_CHOOSE = {
    "state": _("Choose your state."),
    "province": _("Choose your province."),
}


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
        rules = {country: address_rules(country) for country in countries}
        first = rules.get(market.default_country) or rules[countries[0]]
        cast(forms.ChoiceField, self.fields["country"]).choices = [
            (c, country_name(c)) for c in countries
        ]
        self.fields["country"].initial = market.default_country
        with_regions = [c for c in countries if rules[c].uses_regions]
        self.needs_region = bool(with_regions)
        if with_regions:
            kind = rules[with_regions[0]].region_kind
            self.fields["region"].label = REGION_LABELS.get(kind, _("Province"))
            self.fields["region"].error_messages["required"] = REGION_CHOOSE.get(
                kind, _("Choose your province.")
            )
            choices: list = [("", _("Choose…"))]
            if len(with_regions) == 1:
                choices += list(rules[with_regions[0]].regions)
            else:
                choices += [
                    (country_name(c), list(rules[c].regions)) for c in with_regions
                ]
            cast(forms.ChoiceField, self.fields["region"]).choices = choices
        else:
            del self.fields["region"]
        if first.postal_code_kind == "zip":
            self.fields["postal_code"].label = _("ZIP code")
        examples = [
            (c, rules[c].postal_code_examples[0])
            for c in countries
            if rules[c].postal_code_examples
        ]
        if len(examples) == 1:
            self.fields["postal_code"].help_text = _("Format: %(examples)s") % {
                "examples": examples[0][1]
            }
        elif examples:
            self.fields["postal_code"].help_text = _("Format: %(examples)s") % {
                "examples": "; ".join(f"{country_name(c)}: {e}" for c, e in examples)
            }
        # A field is marked required when every country of the market needs it;
        # clean() asks the chosen country.
        for name in ("postal_code", "city", "region"):
            if name in self.fields:
                self.fields[name].required = all(
                    name in rules[c].required for c in countries
                )
        order = [f for f in first.field_order if f in self.fields]
        street = order.index("line1") + 1 if "line1" in order else len(order)
        order.insert(street, "line2")
        self.order_fields(["email", *order, "country"])

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # the base clean() returns cleaned_data
        country = data.get("country")
        if not country:
            return data
        rules = address_rules(country)
        if not rules.uses_regions:
            data["region"] = ""
        elif data.get("region") and data["region"] not in dict(rules.regions):
            self.add_error(
                "region",
                str(REGION_CHOOSE.get(rules.region_kind, _("Choose your province."))),
            )
            return data
        fields = ("full_name", "line1", "postal_code", "city", "region")
        if any(name in self.errors for name in fields):
            return data
        values = {name: data.get(name) or "" for name in fields}
        cleaned, errors = address_validate(country=country, values=values)
        for name, code in errors.items():
            self.add_error(name, self._address_error(name, code, country, values))
        if not errors:
            data.update({k: v for k, v in cleaned.items() if k in self.fields})
        return data

    def _address_error(
        self, name: str, code: str, country: str, values: dict[str, str]
    ) -> str:
        rules = address_rules(country)
        if code == "required":
            if name == "region":
                return str(
                    REGION_CHOOSE.get(rules.region_kind, _("Choose your province."))
                )
            return str(self.fields[name].error_messages["required"])
        if name == "postal_code":
            example = ", ".join(rules.postal_code_examples[:2])
            if values["region"] and postal_code_fits_country(
                country=country, postal_code=values["postal_code"]
            ):
                return _("This postal code is not in %(region)s.") % {
                    "region": dict(rules.regions).get(
                        values["region"], values["region"]
                    )
                }
            return _("This is not a postal code of %(country)s (e.g. %(example)s).") % {
                "country": country_name(country),
                "example": example,
            }
        return str(_("Please check this field."))


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
