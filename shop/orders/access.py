"""Who may see an order: the one place that decides it.

* An **account order** (one with a user) opens for its owner only, signed in, at
  ``/orders/<number>/`` and the invoice and tracking pages under it. Anyone else,
  staff included, gets 404 as for a number that does not exist; staff read orders in
  the admin.
* A **guest order** opens through its signed link, ``/order/<token>/`` (detail,
  invoice, tracking). The token is signed with ``SECRET_KEY`` and carries the order's
  number *and* its random ``access_key``: a public or leaked ``SECRET_KEY`` lets
  nobody mint a link, since the key is in no URL but the guest's own. A link never
  opens an account order, and expires after ``ORDER_LINK_MAX_AGE``.
"""

import hmac

from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from shop.models import Order, OrderEvent, OrderLine

# A new salt for links that carry the access key: links signed before it, with the
# order number alone, fail their signature check.
ORDER_LINK_SALT = "shop.guest-order-link"
ORDER_LINK_MAX_AGE = 400 * 24 * 3600  # guests keep their link beyond a year


def order_detail_queryset() -> QuerySet[Order]:
    """Orders with what their pages show: the market, lines and events in order."""
    return Order.objects.select_related("market").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
    )


def order_link_token(*, order: Order) -> str:
    """The signed token of a guest order's link; account orders have none."""
    if order.user_id is not None:
        raise ValueError("An account order opens from the account, not by a link.")
    return signing.dumps(
        [order.number, order.access_key], salt=ORDER_LINK_SALT, compress=True
    )


def order_link_path(*, order: Order) -> str:
    """The path of a guest order's signed link, in the order's language."""
    with translation.override(order.language):
        return reverse(
            "shop:order_link", kwargs={"token": order_link_token(order=order)}
        )


def access_order(*, user, number: str) -> Order:
    """The user's own order with its lines and events; 404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404
    order = order_detail_queryset().filter(number=number, user=user).first()
    if order is None:
        raise Http404
    return order


def access_guest_order_by_email(*, number: str, email: str) -> Order:
    """A guest order proven by its number and the email it was placed with; 404
    otherwise, and always for an account order (its owner signs in instead)."""
    order = (
        order_detail_queryset()
        .filter(number__iexact=number.strip(), user__isnull=True)
        .first()
    )
    given = email.strip().lower().encode()
    if order is None or not hmac.compare_digest(order.email.lower().encode(), given):
        raise Http404
    return order


def access_guest_order(*, token: str) -> Order:
    """The guest order a signed link opens; 404 if forged, expired or not a guest's."""
    try:
        payload = signing.loads(token, salt=ORDER_LINK_SALT, max_age=ORDER_LINK_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404 from error
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not all(isinstance(part, str) for part in payload)
    ):
        raise Http404
    number, key = payload
    order = order_detail_queryset().filter(number=number, user__isnull=True).first()
    if order is None or not hmac.compare_digest(order.access_key, key):
        raise Http404
    return order
