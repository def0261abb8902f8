"""Export and erasure of one shopper with many orders and messages.

Creates a fresh benchmark database, then for each size runs a child process that
seeds one shopper (paid orders with one line each, invoice numbers, and messages:
half comments in a live show, half a support chat) and times the very services
the portal and the commands run: `export_build` (the ZIP streamed to storage) and
`erasure_execute` (orders minimized and held, comments anonymized and redacted,
the support chat's messages deleted, the account ended). Each child reports its
peak Python allocations (tracemalloc) during each phase and the growth of its
resident set (the peak RSS during the phase, reset at its start, minus the RSS
before it); the ratio of the full size to a quarter of it shows whether memory
grows with the rows. Both sizes must be larger than the batches the services
read (100 rows at a time to export, 200 to erase): below that, the smaller size
reads smaller batches and the ratio shows the batch, not the growth.

    .venv/bin/python bench/privacy.py [--orders 1000] [--messages 10000]
"""

import argparse
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "tradewind_bench_privacy"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")


def environment(media: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "MEDIA_ROOT": media,
    }


def prepare_database(media: str) -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(["psql", PG + "/postgres", "-q", "-c", sql], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=environment(media),
        check=True,
    )


def seed(*, orders: int, messages: int, tag: str):
    """One shopper with `orders` paid orders and `messages` messages: half
    comments in a show, half in a support conversation."""
    from django.utils import timezone

    from live.models import Comment, Show, ShowStatus
    from shop.models import (
        Category,
        Market,
        Order,
        OrderLine,
        OrderStatus,
        Product,
        User,
        Variant,
    )
    from support.models import Author, Conversation, ConversationOutcome, Message

    market = Market.objects.get(code="DE")
    email = f"bench-{tag}@example.org"
    user = User.objects.create_user(
        email=email,
        password="bench-only",
        full_name="Bea Benchmark",
        preferred_market=market,
        preferred_language="de",
    )
    host = User.objects.create_user(email=f"host-{tag}@example.org", is_host=True)
    category = Category.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    product = Product.objects.create(
        category=category, name="Bench jacket", slug=f"bench-jacket-{tag}"
    )
    variant = Variant.objects.create(product=product, sku=f"BENCH-{tag}", stock=10)
    now = timezone.now()
    first_invoice = (
        Order.objects.order_by("-invoice_number")
        .values_list("invoice_number", flat=True)
        .first()
        or 0
    ) + 1
    placed = Order.objects.bulk_create(
        [
            Order(
                number=f"B{tag}-{index:06d}",
                user=user,
                email=email,
                language="de",
                market=market,
                currency="EUR",
                status=OrderStatus.PAID,
                idempotency_key=f"bench-{tag}-{index}",
                full_name="Bea Benchmark",
                line1="Messweg 1",
                postal_code="10115",
                city="Berlin",
                country="DE",
                shipping_method_name="Standard",
                delivery_days_min=1,
                delivery_days_max=3,
                subtotal=Decimal("49.00"),
                shipping=Decimal("4.90"),
                tax=Decimal("8.61"),
                total=Decimal("53.90"),
                prices_include_tax=True,
                duties_mode="none",
                placed_at=now - timedelta(days=index % 300),
                paid_at=now - timedelta(days=index % 300),
                invoice_number=first_invoice + index,
                payment_provider="offline",
                card_last4="4242",
            )
            for index in range(orders)
        ],
        batch_size=500,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                variant=variant,
                product_name="Bench jacket",
                sku=variant.sku,
                quantity=1,
                unit_net_amount=Decimal("41.18"),
                unit_gross_amount=Decimal("49.00"),
                line_net_amount=Decimal("41.18"),
                line_gross_amount=Decimal("49.00"),
                tax_rate=Decimal("0.19"),
                tax_amount=Decimal("7.82"),
            )
            for order in placed
        ],
        batch_size=500,
    )
    show = Show.objects.create(
        title="Bench show",
        host=host,
        language="de",
        scheduled_start=now,
        status=ShowStatus.LIVE,
        started_at=now,
    )
    Comment.objects.bulk_create(
        [
            Comment(
                show=show,
                user=user,
                author_name="Bea",
                text=f"Message {index} from Bea about the jacket",
                created_at=now,
            )
            for index in range(messages // 2)
        ],
        batch_size=1000,
    )
    conversation = Conversation.objects.create(
        user=user, market=market, language="de", shopper_timezone="Europe/Berlin"
    )
    ConversationOutcome.objects.create(
        conversation=conversation, market=market, started_at=now
    )
    Message.objects.bulk_create(
        [
            Message(
                conversation=conversation,
                author=Author.SHOPPER,
                text=f"Question {index} from Bea Benchmark, Messweg 1, Berlin",
                language="de",
            )
            for index in range(messages - messages // 2)
        ],
        batch_size=1000,
    )
    return user


def _status_kib(name: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{name}:"):
                return int(line.split()[1])
    raise LookupError(name)


def _rss_peak_reset() -> int:
    """Start a new resident-set peak (Linux: "5" to clear_refs resets VmHWM), so
    that seeding, which allocates more than the services, does not hide the
    phase's own peak; return the resident set now, in KiB."""
    gc.collect()
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    return _status_kib("VmRSS")


def measure(phase, run) -> dict:
    rss_before = _rss_peak_reset()
    tracemalloc.start()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        f"{phase}_seconds": round(seconds, 2),
        f"{phase}_peak_kib": round(peak / 1024),
        f"{phase}_rss_growth_mib": round((_status_kib("VmHWM") - rss_before) / 1024, 1),
        f"{phase}_result": result,
    }


def child(orders: int, messages: int, tag: str) -> None:
    import django

    django.setup()
    from privacy.models import RequestKind
    from privacy.services.erasure import erasure_execute
    from privacy.services.export import export_build
    from privacy.services.requests import request_create

    user = seed(orders=orders, messages=messages, tag=tag)
    market = user.preferred_market
    export = request_create(
        kind=RequestKind.ACCESS, market=market, user=user, start=False
    )
    report = {"orders": orders, "messages": messages}
    report |= measure(
        "export",
        lambda: {
            "rows": export_build(request=export).progress_done,
            "zip_kib": export.export_file.size // 1024,
        },
    )
    erasure = request_create(
        kind=RequestKind.ERASURE, market=market, user=user, start=False
    )
    report |= measure(
        "erasure",
        lambda: {
            "held": erasure_execute(request=erasure).outcome["shop.Order"]["held"]
        },
    )
    print(json.dumps(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), int(args.child[1]), args.child[2])
        return
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    media = f"/tmp/{DB_NAME}-media"
    prepare_database(media)
    sizes = [
        (args.orders // 4, args.messages // 4, "small"),
        (args.orders, args.messages, "full"),
    ]
    reports = []
    for orders, messages, tag in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(orders), str(messages), tag],
            cwd=ROOT,
            env=environment(media),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        reports.append(json.loads(output.strip().splitlines()[-1]))
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average: before {load_before}, after {load_after}")
    header = (
        "| orders | messages | export s | export peak KiB | export RSS +MiB "
        "| ZIP KiB | erasure s | erasure peak KiB | erasure RSS +MiB |"
    )
    print(header)
    print("| ---: " * 9 + "|")
    for r in reports:
        print(
            f"| {r['orders']} | {r['messages']} | {r['export_seconds']} "
            f"| {r['export_peak_kib']} | {r['export_rss_growth_mib']} "
            f"| {r['export_result']['zip_kib']} | {r['erasure_seconds']} "
            f"| {r['erasure_peak_kib']} | {r['erasure_rss_growth_mib']} |"
        )
    small, full = reports
    for phase in ("export", "erasure"):
        ratio = full[f"{phase}_peak_kib"] / max(small[f"{phase}_peak_kib"], 1)
        print(f"{phase}: peak allocations full/small = {ratio:.2f} (rows × 4)")


if __name__ == "__main__":
    main()
