"""Reads that the live pages and sockets share, with their joins done up front.

``shows`` presents shows and their products, ``comments`` the chat as clients receive
it, ``deals`` the price of a running deal and the pinned product's buy box.
"""

from live.selectors.comments import (
    comment_in_show,
    comment_payload,
    comments_recent,
    show_sync_state,
)
from live.selectors.deals import (
    Offer,
    OfferVariant,
    iso_utc,
    pinned_offer,
)
from live.selectors.shows import (
    PinMark,
    ProductCard,
    ShowListing,
    pin_timeline,
    pinned_product_id,
    product_cards,
    show_detail,
    show_for_socket,
    show_for_stream,
    show_get,
    show_listing,
    show_reminded_ids,
    start_time_text,
)

__all__ = [
    "Offer",
    "OfferVariant",
    "PinMark",
    "ProductCard",
    "ShowListing",
    "comment_in_show",
    "comment_payload",
    "comments_recent",
    "iso_utc",
    "pin_timeline",
    "pinned_offer",
    "pinned_product_id",
    "product_cards",
    "show_detail",
    "show_for_socket",
    "show_for_stream",
    "show_get",
    "show_listing",
    "show_reminded_ids",
    "show_sync_state",
    "start_time_text",
]
