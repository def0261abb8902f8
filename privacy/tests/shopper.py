"""A shopper who uses everything the shop offers, made through each app's services."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from live.models import Comment, Show
from live.services.comments import comment_post, comment_report, show_ban_add
from live.services.shows import show_reminder_add, show_start
from live.services.stream_keys import stream_key_rotate
from live.tests.factories import make_host, make_show, make_user
from privacy.models import RequestKind
from privacy.services.export import export_build
from privacy.services.requests import request_create
from shop.checkout.services.checkout import ShippingAddress
from shop.models import Market, Order, Review, ShipmentAlert, ShipmentAlertKind, User
from shop.reviews.services import review_submit
from shop.shipping.services.shipments import shipment_create, tracking_event_add
from shop.tests.commerce_helpers import cart_with, place, shipping_method
from shop.tests.factories import make_product

# Strings that identify the shopper and appear nowhere else in the data.
EMAIL = "zelda.quastenbrink@example.org"
FULL_NAME = "Zelda Quastenbrink"
FIRST_NAME = "Zelda"
STREET = "Quittenweg 77"
CITY = "Quastenhausen"
COMMENT_TEXT = "Love the blue one, Zelda here from the north"
IDENTIFYING = (EMAIL, "Quastenbrink", STREET, CITY)


@dataclass
class Shopper:
    user: User
    paid_order: Order
    unpaid_order: Order
    show: Show
    hosted_show: Show


def shopper_who_uses_everything() -> Shopper:
    """Account, email address, session, cart, two orders (one with an invoice),
    shipment, tracking and alert, a review, comments, a report, a ban, a reminder,
    a show they host with a stream key, an admin log entry and an earlier export."""
    market = Market.objects.get(code="DE")
    user = User.objects.create_user(
        email=EMAIL,
        password="pw-for-tests-only",
        full_name=FULL_NAME,
        preferred_market=market,
        preferred_language="de",
        is_host=True,
    )
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()

    address = ShippingAddress(
        email=EMAIL,
        full_name=FULL_NAME,
        line1=STREET,
        postal_code="10115",
        city=CITY,
        country="DE",
    )
    method = shipping_method(market_code="DE", countries=["DE"])
    product = make_product(prices={"DE": "49.00"}, stock=10)
    paid = place(
        cart_with([(product, 1)], market_code="DE", user=user),
        address,
        method,
        user=user,
    )
    unpaid = place(
        cart_with([(product, 1)], market_code="DE", user=user),
        address,
        method,
        user=user,
    )
    Order.objects.filter(pk=unpaid.pk).update(
        status="pending_payment", invoice_number=None, paid_at=None
    )
    unpaid.refresh_from_db()
    cart_with([(make_product(prices={"DE": "9.00"}), 1)], market_code="DE", user=user)

    shipment = shipment_create(order=paid, carrier="DHL", tracking_number="00340434")
    tracking_event_add(
        shipment=shipment,
        code="in_transit",
        occurred_at=timezone.now(),
        location=CITY,
        external_id="ev-1",
    )
    ShipmentAlert.objects.create(shipment=shipment, kind=ShipmentAlertKind.LATE)

    review_submit(
        user=user,
        product=product,
        rating=5,
        title="Great",
        text=f"Fits well. Signed, {FULL_NAME}",
    )

    host = make_host()
    show = make_show(host=host)
    show_start(show=show, host=host)
    comment = comment_post(show=show, user=user, text=COMMENT_TEXT)
    other = make_user(full_name="Olaf Other")
    other_comment = comment_post(show=show, user=other, text="Hello all")
    comment_report(comment=other_comment, reporter=user)
    comment_report(comment=comment, reporter=other)
    show_ban_add(show=show, user=user, by=host, reason=f"Spam by {FULL_NAME}")
    later = make_show(host=host)
    show_reminder_add(show=later, user=user)

    hosted = make_show(host=user, title="Zelda's studio")
    stream_key_rotate(show=hosted, by=user)

    LogEntry.objects.log_actions(
        user_id=host.pk,
        queryset=User.objects.filter(pk=user.pk),
        action_flag=CHANGE,
        change_message=f"Changed full name to {FULL_NAME}.",
        single_object=True,
    )
    export = request_create(
        kind=RequestKind.ACCESS, market=market, user=user, start=False
    )
    export_build(request=export)
    assert Comment.objects.filter(user=user).count() == 1
    assert Review.objects.filter(user=user).count() == 1
    return Shopper(
        user=user, paid_order=paid, unpaid_order=unpaid, show=show, hosted_show=hosted
    )
