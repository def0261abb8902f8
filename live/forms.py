"""Forms of the live pages that post to the server."""

from django import forms
from django.utils.translation import gettext_lazy as _

from live.services.deals import (
    DEAL_MINUTES_MAX,
    DEAL_MINUTES_MIN,
    PERCENT_OFF_MAX,
    PERCENT_OFF_MIN,
)


class FlashDealStartForm(forms.Form):
    """The studio's flash deal: which product, how much off, for how long."""

    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    percent_off = forms.IntegerField(
        label=_("Percent off"),
        min_value=PERCENT_OFF_MIN,
        max_value=PERCENT_OFF_MAX,
        initial=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": _("Take at least %(limit_value)s percent off."),
            "max_value": _("Take at most %(limit_value)s percent off."),
        },
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=DEAL_MINUTES_MIN,
        max_value=DEAL_MINUTES_MAX,
        initial=5,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": _("A deal lasts at least %(limit_value)s minute."),
            "max_value": _("A deal lasts at most %(limit_value)s minutes."),
        },
    )
