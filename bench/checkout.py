"""Checkout throughput: orders placed concurrently on PostgreSQL, against a bare
insert of the same rows in the same run, with no unit sold twice.

Creates a fresh benchmark database, prepares guest carts in the German market (each
holds one of many products with ample stock; every third also holds a product of
which only a few units are left), then places all orders at once from worker
threads, each with its own database connection: summary, atomic stock reservation,
the offline payment provider, order, lines and history. The baseline inserts the
very rows those orders produced (order number, order, lines, events) from the same
number of threads, one transaction per order, without any checkout logic.

    .venv/bin/python bench/checkout.py [--carts 400] [--concurrency 8]
"""

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "tradewind_bench_checkout"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")


def prepare_environment() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(["psql", PG + "/postgres", "-q", "-c", sql], check=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"{PG}/{DB_NAME}",
        REDIS_URL=REDIS,
        DEBUG="0",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
        CELERY_TASK_ALWAYS_EAGER="1",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


@dataclass
class Catalog:
    hot_variant_id: int
    hot_stock: int
    cold_variant_ids: list[int]
    method_id: int


def seed(*, cold_products: int, hot_stock: int) -> Catalog:
    from shop.catalog.services import category_save
    from shop.models import (
        Category,
        Market,
        Product,
        ShippingMethod,
        ShippingRate,
        ShippingZone,
        Variant,
    )
    from shop.pricing.services import price_set

    germany = Market.objects.get(code="DE")
    category = category_save(category=Category(name="Bench", slug="bench"))
    variants = []
    for index in range(cold_products + 1):
        product = Product.objects.create(
            category=category, name=f"Product {index}", slug=f"product-{index}"
        )
        stock = hot_stock if index == 0 else 1_000_000
        variant = Variant.objects.create(
            product=product, sku=f"BENCH-{index}", stock=stock
        )
        price_set(variant=variant, market=germany, amount=Decimal("19.90") + index)
        variants.append(variant.pk)
    zone = ShippingZone.objects.create(name="Germany", countries=["DE"])
    method = ShippingMethod.objects.create(
        zone=zone,
        name="Standard",
        carrier="DHL",
        delivery_days_min=1,
        delivery_days_max=3,
    )
    ShippingRate.objects.create(method=method, market=germany, amount=Decimal("4.90"))
    return Catalog(
        hot_variant_id=variants[0],
        hot_stock=hot_stock,
        cold_variant_ids=variants[1:],
        method_id=method.pk,
    )


def prepare_carts(*, catalog: Catalog, count: int) -> list:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    from shop.checkout.services.cart import cart_add, cart_get_or_create
    from shop.models import Market

    germany = Market.objects.get(code="DE")
    randomness = random.Random(7)  # noqa: S311 - benchmark data
    carts = []
    for index in range(count):
        session = SessionStore()
        session.create()
        cart = cart_get_or_create(user=AnonymousUser(), session=session, market=germany)
        cold = randomness.choice(catalog.cold_variant_ids)
        cart_add(cart=cart, variant_id=cold, quantity=randomness.randint(1, 3))
        if index % 3 == 0:
            cart_add(cart=cart, variant_id=catalog.hot_variant_id, quantity=1)
        carts.append(cart)
    return carts


def run_threads(jobs: list, concurrency: int) -> tuple[float, list]:
    """Run jobs from `concurrency` threads that start together: (seconds, results)."""
    from django.db import connection

    results: list = [None] * len(jobs)
    cursor = iter(range(len(jobs)))
    lock = threading.Lock()
    start = threading.Barrier(concurrency + 1)

    def worker() -> None:
        start.wait()
        try:
            while True:
                with lock:
                    index = next(cursor, None)
                if index is None:
                    return
                try:
                    results[index] = jobs[index]()
                except Exception as error:  # noqa: BLE001 - counted by the caller
                    results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, results


def place_all(*, carts: list, catalog: Catalog, concurrency: int):
    from shop.checkout.services.checkout import ShippingAddress, checkout_summary
    from shop.orders.services import order_place

    address = ShippingAddress(
        email="bench@example.com",
        full_name="Bench Shopper",
        line1="Hauptstraße 5",
        postal_code="10115",
        city="Berlin",
        country="DE",
    )
    # What the review page showed each shopper: the total they confirm.
    totals = [
        checkout_summary(
            cart=cart, address=address, shipping_method_id=catalog.method_id
        ).total
        for cart in carts
    ]

    def job(index: int):
        return order_place(
            cart=carts[index],
            address=address,
            shipping_method_id=catalog.method_id,
            card_number="4242424242424242",
            idempotency_key=f"bench-{index:08d}-{'k' * 16}",
            expected_total=totals[index],
            language="de",
        )

    return run_threads([lambda i=i: job(i) for i in range(len(carts))], concurrency)


def insert_same_rows(*, orders: list, concurrency: int) -> float:
    """Insert a copy of each placed order's rows, one transaction per order."""
    from django.db import transaction
    from django.forms.models import model_to_dict

    from shop.models import Order, OrderEvent, OrderLine, OrderNumber

    copies = []
    for order in Order.objects.filter(pk__in=[o.pk for o in orders]).prefetch_related(
        "lines", "events"
    ):
        fields = model_to_dict(order, exclude=["id", "number", "idempotency_key"])
        fields["market_id"] = fields.pop("market")
        fields["user_id"] = fields.pop("user")
        fields["shipping_method_id"] = fields.pop("shipping_method")
        lines = [
            model_to_dict(line, exclude=["id", "order", "variant"])
            | {"variant_id": line.variant_id}
            for line in order.lines.all()
        ]
        events = [
            model_to_dict(event, exclude=["id", "order"])
            for event in order.events.all()
        ]
        copies.append((order.number, fields, lines, events))

    def job(copy) -> None:
        number, fields, lines, events = copy
        with transaction.atomic():
            OrderNumber.objects.create()
            copied = Order.objects.create(
                number=f"B{number}", idempotency_key=f"bare-{number}", **fields
            )
            OrderLine.objects.bulk_create(
                OrderLine(order=copied, **line) for line in lines
            )
            OrderEvent.objects.bulk_create(
                OrderEvent(order=copied, **e) for e in events
            )

    seconds, results = run_threads([lambda c=c: job(c) for c in copies], concurrency)
    failures = [r for r in results if isinstance(r, Exception)]
    if failures:
        raise failures[0]
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carts", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--hot-stock", type=int, default=25)
    args = parser.parse_args()

    prepare_environment()
    from shop.models import Order, OrderLine, Variant
    from shop.orders.services import CheckoutChanged, OutOfStock

    # A shopper who reaches the button after the last unit went is told so: either
    # while reserving (OutOfStock) or already when the summary is checked again.
    refusals = (OutOfStock, CheckoutChanged)

    catalog = seed(cold_products=args.products, hot_stock=args.hot_stock)
    carts = prepare_carts(catalog=catalog, count=args.carts)
    stock_before = dict(Variant.objects.values_list("pk", "stock"))

    seconds, results = place_all(
        carts=carts, catalog=catalog, concurrency=args.concurrency
    )
    placed = [r for r in results if isinstance(r, Order)]
    sold_out = [r for r in results if isinstance(r, refusals)]
    errors = [
        r for r in results if isinstance(r, Exception) and not isinstance(r, refusals)
    ]

    # No oversell: every variant's stock fell by exactly what the orders hold.
    sold: dict[int, int] = {}
    for line in OrderLine.objects.filter(order__in=placed):
        assert line.variant_id is not None  # the variants were not deleted
        sold[line.variant_id] = sold.get(line.variant_id, 0) + line.quantity
    for pk, stock in Variant.objects.values_list("pk", "stock"):
        assert stock >= 0, f"variant {pk} oversold"
        assert stock == stock_before[pk] - sold.get(pk, 0), f"variant {pk} drifted"
    hot_wanted = len(range(0, args.carts, 3))
    assert sold.get(catalog.hot_variant_id, 0) == min(args.hot_stock, hot_wanted)
    assert not errors, errors[:3]

    bare_seconds = insert_same_rows(orders=placed, concurrency=args.concurrency)
    checkout_rate = len(placed) / seconds
    bare_rate = len(placed) / bare_seconds
    hot_left = Variant.objects.get(pk=catalog.hot_variant_id).stock

    print(
        f"\n{args.carts} carts, {args.concurrency} threads, PostgreSQL, "
        f"offline payment provider\n"
    )
    print("| run | orders | seconds | orders/s | ratio to bare insert |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(
        f"| checkout (order_place) | {len(placed)} | {seconds:.2f} | "
        f"{checkout_rate:.0f} | {checkout_rate / bare_rate:.2f} |"
    )
    print(
        f"| bare insert of the same rows | {len(placed)} | {bare_seconds:.2f} | "
        f"{bare_rate:.0f} | 1.00 |"
    )
    print(
        f"\nlast-units product: stock {args.hot_stock}, wanted by {hot_wanted} carts, "
        f"sold {sold.get(catalog.hot_variant_id, 0)}, refused {len(sold_out)}, "
        f"left {hot_left}; every variant's stock = before − sold (no oversell)."
    )


if __name__ == "__main__":
    main()
