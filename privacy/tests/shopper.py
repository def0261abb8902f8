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
from privacy.consent import ConsentState
from privacy.models import ConsentMethod, RequestKind
from privacy.services.biometric import biometric_consent_record
from privacy.services.consent import consent_policy_version, consent_record
from privacy.services.export import export_build
from privacy.services.requests import request_create
from shop.checkout.services.checkout import ShippingAddress
from shop.models import Market, Order, Review, ShipmentAlert, ShipmentAlertKind, User
from shop.reviews.services import review_submit
from shop.shipping.services.shipments import shipment_create, tracking_event_add
from shop.tests.commerce_helpers import cart_with, place, shipping_method
from shop.tests.factories import make_product
from support.models import Author, Call, Conversation
from support.services.calls import call_end, call_recording_consent, call_start
from support.services.conversations import (
    agent_reply_post,
    conversation_start,
    csat_record,
    message_post,
)
from support.tests.factories import make_agent, make_session_key

# Strings that identify the shopper and appear nowhere else in the data.
EMAIL = "zelda.quastenbrink@example.org"
FULL_NAME = "Zelda Quastenbrink"
FIRST_NAME = "Zelda"
STREET = "Quittenweg 77"
CITY = "Quastenhausen"
COMMENT_TEXT = "Love the blue one, Zelda here from the north"
IDENTIFYING = (EMAIL, "Quastenbrink", STREET, CITY)
SUPPORT_TEXT = f"Where is my parcel? {FULL_NAME}, {STREET}, {CITY}"
AGENT_TEXT = f"Hello {FIRST_NAME}, it leaves {CITY} today."
# Written signed out about an order placed as a guest: the chat is the browser
# session's, found by the address the order proves.
GUEST_TEXT = f"Hi, {FULL_NAME} here, {STREET}. Where is {{number}}? {EMAIL}"


@dataclass
class Shopper:
    user: User
    paid_order: Order
    unpaid_order: Order
    show: Show
    hosted_show: Show
    conversation: Conversation
    call: Call
    guest_conversation: Conversation
    guest_order: Order
    guest_text: str


def shopper_who_uses_everything() -> Shopper:
    """Account, email address, session, cart, two orders (one with an invoice),
    shipment, tracking and alert, a review, comments, a report, a ban, a reminder,
    a show they host with a stream key, a support chat with an agent's reply, a
    rating and a video call whose recording they agreed to, a guest order and a
    chat written signed out that proves it, cookie and biometric consent, an admin log
    entry and an earlier export."""
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

    conversation = conversation_start(
        user=user,
        session_key="",
        market=market,
        language="de",
        shopper_timezone="Europe/Berlin",
    )
    message_post(conversation=conversation, text=SUPPORT_TEXT, client_id="c-1")
    # A call the shopper starts puts the chat in the agents' queue.
    call = call_start(conversation=conversation, started_by=Author.SHOPPER)
    agent_reply_post(conversation=conversation, agent=make_agent(), text=AGENT_TEXT)
    call_recording_consent(
        conversation=conversation, call_id=call.pk, role=Author.SHOPPER
    )
    call = call_end(conversation=conversation, call_id=call.pk)
    csat_record(conversation=conversation, value="up")
    guest_conversation = conversation_start(
        user=None,
        session_key=make_session_key(),
        market=market,
        language="de",
        shopper_timezone="Europe/Berlin",
    )
    guest_order = place(
        cart_with([(product, 1)], market_code="DE"), address, method, user=None
    )
    guest_text = GUEST_TEXT.format(number=guest_order.number)
    message_post(conversation=guest_conversation, text=guest_text, client_id="g-1")
    csat_record(conversation=guest_conversation, value="down")

    version = consent_policy_version()
    consent_record(
        state=ConsentState(policy_version=version, current_version=version),
        user=user,
        granted=["analytics"],
        method=ConsentMethod.BANNER,
        market_code="DE",
    )
    biometric_consent_record(user=user, market=market, signed_name=FULL_NAME)

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
        user=user,
        paid_order=paid,
        unpaid_order=unpaid,
        show=show,
        hosted_show=hosted,
        conversation=conversation,
        call=call,
        guest_conversation=guest_conversation,
        guest_order=guest_order,
        guest_text=guest_text,
    )
