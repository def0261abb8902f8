from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.consent import OPTIONAL_CATEGORIES


class ConsentForm(forms.Form):
    """The banner's and the settings page's form: one decision and the categories."""

    decision = forms.ChoiceField(
        choices=[("accept_all", ""), ("reject_all", ""), ("save", "")]
    )
    categories = forms.MultipleChoiceField(
        choices=[(name, name) for name in OPTIONAL_CATEGORIES], required=False
    )
    source = forms.ChoiceField(
        choices=[("banner", ""), ("settings", "")], required=False
    )
    next = forms.CharField(max_length=500, required=False)

    def granted(self) -> list[str]:
        decision = self.cleaned_data["decision"]
        if decision == "accept_all":
            return list(OPTIONAL_CATEGORIES)
        if decision == "reject_all":
            return []
        return list(self.cleaned_data["categories"])


class OptOutForm(forms.Form):
    next = forms.CharField(max_length=500, required=False)


class BiometricConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_(
            "I have read this notice and consent in writing to the use of my camera "
            "as described."
        )
    )
    signed_name = forms.CharField(
        label=_("Your full name as signature"), max_length=150, min_length=2
    )
    next = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)
