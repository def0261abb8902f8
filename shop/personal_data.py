"""The shop's personal data, declared in the privacy registry."""

import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.registry import ErasureAction, LegalBasis, LegalHold, register
from shop.models import (
    Cart,
    Order,
    OrderEvent,
    Review,
    SentimentAlert,
    Shipment,
    ShipmentAlert,
    TrackingEvent,
    User,
)

register(
    User,
    fields=(
        "email",
        "full_name",
        "preferred_language",
        "preferred_market",
        "date_joined",
        "last_login",
    ),
    purpose=_("Your account: signing in, orders, reviews and comments."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("Until you close the account or ask for its erasure."),
    user_path="pk",
    # The row stays, emptied and unable to sign in, so that comments and reviews
    # can stay as "deleted user" without pointing at a person.
    erasure=ErasureAction.ANONYMIZE,
    anonymize={
        "email": lambda user: f"erased-{user.pk}@erased.invalid",
        "full_name": "",
        "password": lambda user: make_password(None),
        "is_active": False,
        "is_staff": False,
        "is_host": False,
        "preferred_language": "",
        "preferred_market": None,
        "last_login": None,
    },
    order=100,
)

register(
    Cart,
    fields=("user", "session_key", "market", "updated_at"),
    purpose=_("Keeping the products you chose until you order them."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("Until the order is placed or the cart is emptied."),
    user_path="user",
    erasure=ErasureAction.DELETE,
)

register(
    Order,
    fields=(
        "number",
        "email",
        "full_name",
        "line1",
        "line2",
        "postal_code",
        "city",
        "region",
        "country",
        "language",
        "placed_at",
        "paid_at",
        "status",
        "currency",
        "total",
        "invoice_number",
        "card_last4",
    ),
    purpose=_("Taking, paying, shipping and invoicing your orders."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_(
        "Invoices are kept as long as tax and commercial law of the market "
        "requires; other order data until you ask for its erasure."
    ),
    recipients=(_("payment provider"), _("carriers"), _("tax authorities")),
    user_path="user",
    email_path="email",
    erasure=ErasureAction.HOLD,
    legal_hold=LegalHold(
        reason=_(
            "Invoice: tax and commercial law require the seller to keep it, with "
            "the buyer's name and address."
        ),
        years=settings.PRIVACY_RECORD_RETENTION_YEARS,
        starts_from="paid_at",
        market_path="market__code",
        applies=Q(invoice_number__isnull=False),
        clear={
            "user": None,
            "email": "",
            "card_last4": "",
            "access_key": lambda order: secrets.token_urlsafe(24),
        },
        keeps=(
            "full_name",
            "line1",
            "line2",
            "postal_code",
            "city",
            "region",
            "country",
        ),
    ),
    order=60,
)

register(
    OrderEvent,
    fields=("status", "note", "created_at"),
    purpose=_("The history of your orders."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("As long as the order."),
    user_path="order__user",
    email_path="order__email",
    erasure=ErasureAction.DELETE,
    order=40,
)

register(
    Shipment,
    fields=("carrier", "tracking_number", "status", "promised_by"),
    purpose=_("Delivering your orders."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("As long as the order."),
    recipients=(_("carriers"),),
    user_path="order__user",
    email_path="order__email",
    erasure=ErasureAction.DELETE,
    order=30,
)

register(
    TrackingEvent,
    fields=("code", "description", "location", "occurred_at"),
    purpose=_("Telling you where your parcel is."),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("As long as the order."),
    user_path="shipment__order__user",
    email_path="shipment__order__email",
    erasure=ErasureAction.DELETE,
    order=20,
)

register(
    ShipmentAlert,
    fields=("kind", "created_at", "shopper_notified_at"),
    purpose=_("Warning you and our staff of late or stuck parcels."),
    legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
    retention=_("As long as the order."),
    user_path="shipment__order__user",
    email_path="shipment__order__email",
    erasure=ErasureAction.DELETE,
    order=10,
)

register(
    Review,
    fields=("product", "rating", "title", "text", "language", "created_at"),
    purpose=_("Publishing your reviews of products you bought."),
    legal_basis=LegalBasis.CONSENT,
    retention=_(
        "Until you delete it; after an erasure it stays as a deleted user's review."
    ),
    user_path="user",
    # The review stays, written by the emptied account, no longer tied to the
    # purchase (whose invoice may be held with a name and address).
    erasure=ErasureAction.ANONYMIZE,
    anonymize={"order_line": None},
    scrub=("title", "text"),
)


def _no_rows(subject):
    return SentimentAlert.objects.none()


register(
    SentimentAlert,
    fields=("product", "negative_count", "created_at"),
    purpose=_(
        "Counting negative reviews of a product; holds counts, no one's identity."
    ),
    legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
    retention=_("Until staff have dealt with it."),
    rows=_no_rows,
    erasure=ErasureAction.DELETE,
)
