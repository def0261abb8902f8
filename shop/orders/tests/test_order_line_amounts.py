"""Order lines store net and gross amounts, each named for what it is, and the
migration that split the old single amount fills them the same way."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shop.orders.services import order_line_amounts
from shop.tests.commerce_helpers import (
    CA_ADDRESS,
    DE_ADDRESS,
    cart_with,
    place,
    shipping_method,
)
from shop.tests.factories import make_product


def _assert_consistent(order) -> None:
    lines = list(order.lines.all())
    for line in lines:
        assert line.line_net_amount + line.tax_amount == line.line_gross_amount
    gross = sum(line.line_gross_amount for line in lines)
    line_tax = sum(line.tax_amount for line in lines)
    assert line_tax + order.shipping_tax == order.tax
    assert gross + order.shipping + order.duties == order.total


@pytest.mark.django_db
def test_a_german_line_stores_net_gross_and_the_vat_between_them():
    jacket = make_product(name="Rain jacket", prices={"DE": "119.00"})
    scarf = make_product(name="Scarf", prices={"DE": "19.99"})
    method = shipping_method(market_code="DE", countries=["DE"], amount="5.95")
    cart = cart_with([(jacket, 2), (scarf, 3)], market_code="DE")

    order = place(cart, DE_ADDRESS, method)

    jacket_line, scarf_line = order.lines.order_by("product_name")
    assert (
        jacket_line.unit_net_amount,
        jacket_line.unit_gross_amount,
        jacket_line.line_net_amount,
        jacket_line.line_gross_amount,
        jacket_line.tax_amount,
    ) == (
        Decimal("100.00"),
        Decimal("119.00"),
        Decimal("200.00"),
        Decimal("238.00"),
        Decimal("38.00"),
    )
    assert (scarf_line.unit_net_amount, scarf_line.unit_gross_amount) == (
        Decimal("16.80"),
        Decimal("19.99"),
    )
    assert scarf_line.line_gross_amount == Decimal("59.97")
    _assert_consistent(order)
    assert order.subtotal == Decimal("297.97")


@pytest.mark.django_db
def test_a_us_line_stores_net_gross_and_the_sales_tax_between_them():
    lamp = make_product(name="Lamp", prices={"US": "100.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="6.00")
    cart = cart_with([(lamp, 1)], market_code="US")

    order = place(cart, CA_ADDRESS, method)

    line = order.lines.get()
    assert (
        line.unit_net_amount,
        line.unit_gross_amount,
        line.line_net_amount,
        line.line_gross_amount,
        line.tax_rate,
        line.tax_amount,
    ) == (
        Decimal("100.00"),
        Decimal("107.25"),
        Decimal("100.00"),
        Decimal("107.25"),
        Decimal("0.0725"),
        Decimal("7.25"),
    )
    _assert_consistent(order)
    assert order.subtotal == line.line_net_amount


def test_line_amounts_from_gross_keep_net_plus_tax_equal_to_gross():
    amounts = order_line_amounts(
        unit=Decimal("19.99"),
        line=Decimal("59.97"),
        tax=Decimal("9.58"),
        rate=Decimal("0.19"),
        gross=True,
    )
    assert amounts == {
        "unit_net_amount": Decimal("16.80"),
        "unit_gross_amount": Decimal("19.99"),
        "line_net_amount": Decimal("50.39"),
        "line_gross_amount": Decimal("59.97"),
    }


@pytest.fixture
def _back_to_the_latest_migrations():
    """Migrating back unapplies every later migration of the app: put the schema
    back to the latest state for the tests that follow, whatever this one did."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_back_to_the_latest_migrations")
def test_migration_fills_net_and_gross_of_existing_lines_exactly():
    executor = MigrationExecutor(connection)
    before = [("shop", "0009_order_access_key")]
    after = [("shop", "0010_order_line_net_gross")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Market = apps.get_model("shop", "Market")
    Order = apps.get_model("shop", "Order")
    OrderLine = apps.get_model("shop", "OrderLine")

    def order(number: str, market_code: str, gross: bool):
        return Order.objects.create(
            number=number,
            idempotency_key=number,
            market=Market.objects.get(code=market_code),
            email="kunde@example.com",
            full_name="Erika Mustermann",
            line1="Hauptstraße 5",
            postal_code="10115",
            city="Berlin",
            country="DE" if gross else "US",
            language="en",
            currency="EUR" if gross else "USD",
            shipping_method_name="Standard",
            delivery_days_min=1,
            delivery_days_max=3,
            subtotal=Decimal("0"),
            shipping=Decimal("0"),
            tax=Decimal("0"),
            total=Decimal("0"),
            prices_include_tax=gross,
            duties_mode="none",
            payment_provider="offline",
        )

    def line(order, unit: str, quantity: int, rate: str, tax: str):
        return OrderLine.objects.create(
            order=order,
            product_name="Scarf",
            sku="SKU-1",
            quantity=quantity,
            unit_amount=Decimal(unit),
            line_amount=Decimal(unit) * quantity,
            tax_rate=Decimal(rate),
            tax_amount=Decimal(tax),
        ).pk

    de = line(order("TW-M1", "DE", True), "19.99", 3, "0.19", "9.58")
    us = line(order("TW-M2", "US", False), "19.99", 3, "0.0725", "4.35")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    OrderLine = apps.get_model("shop", "OrderLine")
    fields = (
        "unit_net_amount",
        "unit_gross_amount",
        "line_net_amount",
        "line_gross_amount",
        "tax_amount",
    )

    assert OrderLine.objects.values_list(*fields).get(pk=de) == (
        Decimal("16.80"),
        Decimal("19.99"),
        Decimal("50.39"),
        Decimal("59.97"),
        Decimal("9.58"),
    )
    assert OrderLine.objects.values_list(*fields).get(pk=us) == (
        Decimal("19.99"),
        Decimal("21.44"),
        Decimal("59.97"),
        Decimal("64.32"),
        Decimal("4.35"),
    )
