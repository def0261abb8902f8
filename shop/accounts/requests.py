"""The request type of pages only a signed-in user reaches."""

from shop.accounts.models import User
from shop.markets.requests import MarketRequest


class SignedInRequest(MarketRequest):
    """A request behind `login_required` or the admin site: `request.user` is a
    `User`, never `AnonymousUser`."""

    user: User
