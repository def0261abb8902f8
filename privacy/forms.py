"""Forms of the data-subject request pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import RequestKind


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like to do?"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Details"),
        help_text=_("For a correction: what is wrong and what it should say."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_erasure = forms.BooleanField(
        label=_("I understand that erasure closes my account and cannot be undone."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == RequestKind.ERASURE and not data.get("confirm_erasure"):
            self.add_error(
                "confirm_erasure", _("Please confirm that you want your data erased.")
            )
        if data.get("kind") == RequestKind.CORRECTION and not data.get("details"):
            self.add_error("details", _("Please tell us what to correct."))
        return data


class GuestRequestForm(RequestForm):
    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        help_text=_(
            "We send a link to this address to make sure it is yours; opting out "
            "needs no address."
        ),
    )

    def clean(self):
        data = super().clean()
        needs_proof = data.get("kind") not in (RequestKind.OPT_OUT, RequestKind.LIMIT)
        if needs_proof and not data.get("email"):
            self.add_error("email", _("Please enter your email address."))
        return data
