"""The shop's pages: catalog, cart, checkout and orders."""

from shop.views.cart import cart_add, cart_detail, cart_line_remove, cart_line_update
from shop.views.catalog import (
    category,
    healthz,
    home,
    language_switch,
    market_switch,
    product,
    search,
)
from shop.views.checkout import (
    checkout_address,
    checkout_place,
    checkout_review,
    checkout_shipping,
)
from shop.views.orders import (
    order_detail,
    order_history,
    order_invoice,
    order_link,
    order_link_invoice,
    withdrawal,
)

__all__ = [
    "cart_add",
    "cart_detail",
    "cart_line_remove",
    "cart_line_update",
    "category",
    "checkout_address",
    "checkout_place",
    "checkout_review",
    "checkout_shipping",
    "healthz",
    "home",
    "language_switch",
    "market_switch",
    "order_detail",
    "order_history",
    "order_invoice",
    "order_link",
    "order_link_invoice",
    "product",
    "search",
    "withdrawal",
]
