"""Import duties are named only when a shipment crosses a customs border, with the
amount or the rule that decides it, and never contradict the amount to pay."""

from dataclasses import replace
from decimal import Decimal

import pytest

from shop.checkout.services.checkout import checkout_summary
from shop.models import DutiesMode
from shop.orders.access import order_link_path
from shop.shipping.customs import crosses_customs_border
from shop.tests.commerce_helpers import (
    AT_ADDRESS,
    BR_ADDRESS,
    CA_ADDRESS,
    ID_ADDRESS,
    cart_with,
    market,
    place,
    shipping_method,
)
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db

ON_DELIVERY = "collects them from you on delivery"
NOTHING_ELSE = "Nothing else is charged after this button."
SAO_PAULO = replace(BR_ADDRESS, region="SP")


@pytest.mark.parametrize(
    ("origin", "destination", "crosses"),
    [
        ("US", "US", False),
        ("DE", "DE", False),
        ("DE", "AT", False),  # one customs union
        ("DE", "LU", False),
        ("FR", "MC", False),  # Monaco is in the EU's customs territory
        ("DE", "BR", True),
        ("DE", "ID", True),
        ("US", "DE", True),
        ("DE", "CH", True),
        ("BR", "US", True),
    ],
)
def test_a_customs_border_lies_between_two_customs_territories(
    origin, destination, crosses
):
    assert crosses_customs_border(origin=origin, destination=destination) is crosses


def _review(client, *, market_code: str, product, address, method, language="en"):
    client.cookies["tw_market"] = market_code
    client.post(
        f"/{language}/cart/add/", {"variant": product.variants.get().pk, "quantity": 1}
    )
    data = {k: v for k, v in address.as_dict().items() if v}
    client.post(f"/{language}/checkout/", data)
    client.post(f"/{language}/checkout/shipping/", {"method": method.pk})
    return client.get(f"/{language}/checkout/review/")


def test_a_us_seller_shipping_inside_the_us_names_no_duties(client):
    us = market("US")
    assert (us.seller_country, us.duties_mode) == ("US", DutiesMode.DAP)
    lamp = make_product(name="Desk lamp", prices={"US": "300.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")

    response = _review(
        client, market_code="US", product=lamp, address=CA_ADDRESS, method=method
    )

    page = response.content.decode()
    summary = response.context["summary"]
    assert summary.duties_mode == DutiesMode.NONE
    assert summary.duties_on_delivery is False
    assert "duties" not in page.lower()
    assert ON_DELIVERY not in page
    assert f"You pay ${summary.total:,}. {NOTHING_ELSE}" in page


def test_a_us_order_inside_the_us_stores_and_shows_no_duties(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    lamp = make_product(name="Desk lamp", prices={"US": "300.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    cart = cart_with([(lamp, 1)], market_code="US")

    with django_capture_on_commit_callbacks(execute=True):
        order = place(cart, CA_ADDRESS, method)

    assert order.duties_mode == DutiesMode.NONE
    page = client.get(order_link_path(order=order)).content.decode()
    assert "Desk lamp" in page
    assert "duties" not in page.lower()
    assert [m.to for m in mailoutbox] == [["buyer@example.com"]]
    assert "duties" not in mailoutbox[0].body.lower()


def test_a_dap_shipment_across_a_border_says_who_collects_and_pays_now(client):
    brazil = market("BR")
    assert (brazil.seller_country, brazil.duties_mode) == ("DE", DutiesMode.DAP)
    rede = make_product(name="Rede", prices={"BR": "299.90"})
    method = shipping_method(market_code="BR", countries=["BR"], amount="24.90")

    response = _review(
        client, market_code="BR", product=rede, address=SAO_PAULO, method=method
    )

    page = response.content.decode()
    summary = response.context["summary"]
    assert summary.duties_on_delivery is True
    assert summary.duties_estimate is None  # no rate known: the rule is named
    assert (
        "Import duties and taxes of your country are not included: "
        "the carrier collects them from you on delivery."
    ) in page
    assert NOTHING_ELSE not in page
    assert (
        "You pay R$324.80 now. The carrier collects the import duties on delivery; "
        "we charge nothing else."
    ) in page


def test_a_dap_shipment_with_a_duty_rate_shows_the_estimate(client):
    brazil = market("BR")
    brazil.duty_rate = Decimal("0.6")
    brazil.duty_free_threshold = Decimal("100")
    brazil.save()
    rede = make_product(name="Rede", prices={"BR": "299.90"})
    method = shipping_method(market_code="BR", countries=["BR"], amount="24.90")

    response = _review(
        client, market_code="BR", product=rede, address=SAO_PAULO, method=method
    )

    page = response.content.decode()
    summary = response.context["summary"]
    assert summary.duties_estimate == Decimal("179.94")  # 60 % of 299.90
    assert summary.total == Decimal("324.80")  # not charged here
    assert (
        "Import duties of about R$179.94 (60% of the goods above R$100.00) are not "
        "included: the carrier collects them from you on delivery."
    ) in page
    assert NOTHING_ELSE not in page


def test_ddp_duties_are_charged_only_across_a_customs_border():
    indonesia = market("ID")
    assert indonesia.duties_mode == DutiesMode.DDP
    batik = make_product(prices={"ID": "555000"})
    method = shipping_method(market_code="ID", countries=["ID"], amount="25000")
    cart = cart_with([(batik, 1)], market_code="ID")

    crossing = checkout_summary(
        cart=cart, address=ID_ADDRESS, shipping_method_id=method.pk
    )
    indonesia.seller_country = "ID"
    indonesia.save()
    cart.market.refresh_from_db()
    domestic = checkout_summary(
        cart=cart, address=ID_ADDRESS, shipping_method_id=method.pk
    )

    assert crossing.duties == Decimal("41625.00")
    assert [c.kind for c in crossing.charges] == ["items", "shipping", "duties"]
    assert domestic.duties == Decimal("0.00")
    assert [c.kind for c in domestic.charges] == ["items", "shipping"]
    assert domestic.duties_mode == DutiesMode.NONE
    assert domestic.total == Decimal("580000.00")


def test_no_duties_inside_the_eu_customs_union_whatever_the_market_says():
    germany = market("DE")
    germany.duties_mode = DutiesMode.DDP
    germany.duty_rate = Decimal("0.1")
    germany.save()
    jacket = make_product(prices={"DE": "144.99"})
    method = shipping_method(market_code="DE", countries=["AT"], amount="4.90")
    cart = cart_with([(jacket, 1)], market_code="DE")

    summary = checkout_summary(
        cart=cart, address=AT_ADDRESS, shipping_method_id=method.pk
    )

    assert summary.duties_mode == DutiesMode.NONE
    assert summary.total == Decimal("149.89")
    assert [c.kind for c in summary.charges] == ["items", "shipping"]


def test_a_dap_order_keeps_the_estimate_for_its_page_and_email(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    brazil = market("BR")
    brazil.duty_rate = Decimal("0.6")
    brazil.duty_free_threshold = Decimal("100")
    brazil.save()
    rede = make_product(name="Rede", prices={"BR": "299.90"})
    method = shipping_method(market_code="BR", countries=["BR"], amount="24.90")
    cart = cart_with([(rede, 1)], market_code="BR")

    with django_capture_on_commit_callbacks(execute=True):
        order = place(cart, SAO_PAULO, method)

    assert (order.duties_mode, order.duties, order.duties_estimate) == (
        DutiesMode.DAP,
        Decimal("0.00"),
        Decimal("179.94"),
    )
    assert order.total == Decimal("324.80")
    notice = (
        "Import duties of about R$179.94 are not included: "
        "the carrier collects them from you on delivery."
    )
    assert notice in client.get(order_link_path(order=order)).content.decode()
    assert notice in mailoutbox[0].body
