"""The shopper's own account pages; allauth serves sign-in, sign-up and the rest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import gettext

from shop.accounts.forms import ProfileForm
from shop.accounts.requests import SignedInRequest
from shop.accounts.services import user_profile_update
from shop.markets.cookies import language_cookie_set, market_cookie_set


@login_required(login_url="account_login")
def profile(request: SignedInRequest) -> HttpResponse:
    """Show and save the signed-in shopper's name, language and market."""
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["preferred_language"]
            market = form.cleaned_data["preferred_market"]
            user_profile_update(
                user=user,
                full_name=form.cleaned_data["full_name"],
                language=language,
                market=market,
            )
            with translation.override(language):
                messages.success(request, gettext("Your profile has been saved."))
            response = redirect(translate_url(request.path, language))
            # The choice just made is the shopper's explicit one from now on.
            market_cookie_set(response, request=request, code=market.code)
            language_cookie_set(response, request=request, language=language)
            return response
    else:
        market = getattr(request, "market", None)
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "preferred_language": user.preferred_language
                or translation.get_language(),
                "preferred_market": user.preferred_market or market,
            }
        )
    return render(request, "account/profile.html", {"form": form})
