import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import translate_url

from shop.accounts.requests import SignedInRequest
from shop.checkout.services.cart import cart_merge
from shop.markets.services import shopper_language


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

    def send_account_already_exists_mail(self, email: str) -> None:
        """Hash a password as a new account's signup does, then tell the owner.

        Without the hash this answer came ten times sooner than a new account's,
        which told anyone whether an address has an account here.
        """
        make_password(secrets.token_urlsafe(16))
        super().send_account_already_exists_mail(email)

    def login(self, request: HttpRequest, user) -> None:
        """Sign in, then add what the guest put in the cart to the account's cart."""
        super().login(request, user)
        for notice in cart_merge(user=user, session=request.session).notices:
            messages.warning(request, notice)

    def get_login_redirect_url(self, request: SignedInRequest) -> str:
        """Home, in the account's own language when it has chosen one."""
        url = super().get_login_redirect_url(request)
        language = request.user.preferred_language
        if language in settings.SHOPPER_LANGUAGES:
            return translate_url(url, language)
        return url

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        """Refuse a login over the failed-attempts limit with 429, not a form error."""
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as error:
            response = render(
                request,
                "account/login_refused.html",
                {"reason": error.messages[0]},
                status=429,
            )
            raise ImmediateHttpResponse(response) from error
