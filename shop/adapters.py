from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from shop.services.markets import shopper_language


class AccountAdapter(DefaultAccountAdapter):
    """New accounts start with the language and market they were browsing in."""

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        user.preferred_language = shopper_language(
            getattr(request, "LANGUAGE_CODE", None)
        )
        market = getattr(request, "market", None)
        if market is not None:
            user.preferred_market = market
        return super().save_user(request, user, form, commit=commit)
