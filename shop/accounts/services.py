"""Writes to a shopper's account settings."""

from django.conf import settings
from django.db import transaction

from shop.models import Market, User


def user_preferences_update(
    *, user: User, language: str | None = None, market: Market | None = None
) -> User:
    """Remember a signed-in shopper's chosen language and/or market."""
    fields = []
    if language is not None:
        if language not in settings.SHOPPER_LANGUAGES:
            raise ValueError(f"Not a shopper language: {language}")
        if user.preferred_language != language:
            user.preferred_language = language
            fields.append("preferred_language")
    if market is not None and user.preferred_market_id != market.pk:
        user.preferred_market = market
        fields.append("preferred_market")
    if fields:
        user.save(update_fields=fields)
    return user


@transaction.atomic
def user_profile_update(
    *, user: User, full_name: str, language: str, market: Market
) -> User:
    """Save the shopper's name together with their language and market."""
    user.full_name = full_name.strip()
    user.save(update_fields=["full_name"])
    return user_preferences_update(user=user, language=language, market=market)
