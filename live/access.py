"""Who may do what to a live show: the one place that decides it.

Control (the studio side), ``access_show_for_control``:

* The show's **host** and **staff** (``is_staff``) may do every action on a show: open
  its studio and the studio's socket, go live, end it, pin and unpin products,
  moderate comments (delete, pin, ban, resolve reports), run flash deals, make a new
  stream key and see it, and publish its video (the publishing socket). Staff
  produce and rescue shows for hosts (a host's laptop dies mid-show, a key leaks), so
  they get the whole studio; there is nothing staff could do with the stream key
  that they cannot already do from the studio, so it is not held back from them.
* **Another host**, a **signed-in shopper** and **anonymous** visitors may do none of
  it. Views answer 403 (anonymous visitors are first sent to sign in), sockets close
  with 4403, services raise ``PermissionDenied``.
* An encoder publishing by WHIP proves itself with the stream key, which only the
  roles above can make; a WHIP or WHEP session's address (an unguessable id) is the
  capability that ends it.

Viewing (the shopper side), ``access_show_for_view``: a show limited to some markets
(``Show.markets``; none means every market) is served only to requests of those
markets, on every entry point (page, pinned and offer fragments, reminders, the
viewer socket, the video socket and WHEP); others get 404, as for a show that does
not exist, so the listing and direct links agree. Those who may control the show
see it from any market, to preview it.
"""

from __future__ import annotations

from collections.abc import Mapping
from http.cookies import SimpleCookie
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from live.models import Show
from shop.markets.services import MARKET_COOKIE, market_choose
from shop.models import Market, User


class ShowAction(models.TextChoices):
    """What someone may ask to do to a show from the studio side."""

    STUDIO_OPEN = "studio_open"  # the studio page and its comment socket
    GO_LIVE = "go_live"
    END = "end"
    PIN = "pin"  # pin and unpin products
    MODERATE = "moderate"  # delete, pin and unpin comments, ban, resolve reports
    RUN_DEALS = "run_deals"
    STREAM_KEY = "stream_key"  # make a new key and see it
    PUBLISH = "publish"  # the host's video: the publishing socket


class ShowRole(models.TextChoices):
    """Who someone is to a show."""

    HOST = "host"
    STAFF = "staff"
    OTHER_HOST = "other_host"
    SHOPPER = "shopper"
    ANONYMOUS = "anonymous"


_CONTROLLERS = frozenset({ShowRole.HOST, ShowRole.STAFF})

# One row per action: the roles allowed it. Every action is the host's and staff's.
ALLOWED: Mapping[ShowAction, frozenset[ShowRole]] = {
    action: _CONTROLLERS for action in ShowAction
}

_REFUSALS = {
    ShowAction.MODERATE: _("Only the host and staff can moderate this show."),
    ShowAction.RUN_DEALS: _("Only the host of this show and staff run its deals."),
}
_REFUSAL = _("Only the host and staff run this show.")


def show_role(*, user: User | AnonymousUser | None, show: Show) -> ShowRole:
    """The role a user has towards a show."""
    if user is None or not user.is_authenticated:
        return ShowRole.ANONYMOUS
    if user.pk == show.host_id:
        return ShowRole.HOST
    if user.is_staff:
        return ShowRole.STAFF
    if getattr(user, "is_host", False):
        return ShowRole.OTHER_HOST
    return ShowRole.SHOPPER


def show_may(
    *, user: User | AnonymousUser | None, show: Show, action: ShowAction
) -> bool:
    """Whether the user may do that to the show."""
    return show_role(user=user, show=show) in ALLOWED[action]


def access_show_for_control(
    *, user: User | AnonymousUser | None, show: Show, action: ShowAction
) -> Show:
    """The show, when the user may do that to it; PermissionDenied otherwise."""
    if not show_may(user=user, show=show, action=action):
        raise PermissionDenied(_REFUSALS.get(action, _REFUSAL))
    return show


def show_offered_in(*, show: Show, market: Market | None) -> bool:
    """Whether the show is offered to a market's shoppers (no markets: all of them)."""
    market_ids = set(show.markets.values_list("pk", flat=True))
    if not market_ids:
        return True
    return market is not None and market.pk in market_ids


def access_show_for_view(
    *, user: User | AnonymousUser | None, show: Show, market: Market | None
) -> Show:
    """The show, when it is offered in the market (or the user controls it); 404."""
    if show_role(user=user, show=show) in _CONTROLLERS:
        return show
    if not show_offered_in(show=show, market=market):
        raise Http404
    return show


def market_for_scope(*, scope: Mapping[str, Any]) -> Market | None:
    """A socket's market, resolved as for a page: cookie, account, Accept-Language."""
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers", ())
    }
    cookies = scope.get("cookies")
    if cookies is None:
        jar = SimpleCookie()
        jar.load(headers.get("cookie", ""))
        cookies = {name: morsel.value for name, morsel in jar.items()}
    return market_choose(
        chosen=cookies.get(MARKET_COOKIE, ""),
        user=scope.get("user"),
        accept_language=headers.get("accept-language", ""),
    )
