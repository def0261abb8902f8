"""Storefront throughput beside django-oscar: Tradewind on both tiers, one run.

Prepares a benchmark database with the demo data, then measures, one server process
each, with the same load generator (wrk when installed, else bench/httpload.py):

- Tradewind on daphne (`config.asgi`, the embedded default's server) and on gunicorn
  (`config.wsgi`, one sync worker: the production pages tier), each with the page
  cache on (cached pages) and off (every page rendered);
- django-oscar 4.2 on gunicorn (one sync worker), installed by this script into a
  virtualenv outside the repository (`--oscar-dir`), on the same PostgreSQL with the
  same categories and products, measured on its bare view, product and category
  pages (Oscar has no page cache).

Every figure is also given as a ratio to the same server's bare view (`/healthz`)
measured in the same run, and to Oscar's figure for the same page.

    .venv/bin/python bench/storefront.py [--seconds 5] [--rounds 3] [--connections 16]

All servers run at once, idle but for their turn: each page is measured on every
server in turn, several rounds, so load from the rest of a shared machine that
changes during the run weighs on all of them alike.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpload import load  # noqa: E402
from oscar_sandbox import oscar_sandbox_prepare  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB_NAME", "tradewind_bench_storefront")
OSCAR_DB_NAME = os.environ.get("BENCH_OSCAR_DB_NAME", "oscar_bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
OSCAR_DIR = Path(
    os.environ.get(
        "BENCH_OSCAR_DIR", Path.home() / ".cache" / "tradewind-bench" / "oscar"
    )
)
PAGES = ("bare view", "product", "category")
WARMUP_REQUESTS = 20


@dataclass
class Figure:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def server_env(cache_seconds: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        # Production refuses console email; the benchmarks send none that matter.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"{PG}/{DB_NAME}",
        REDIS_URL=REDIS,
        CACHE_KEY_PREFIX="bench-storefront",
        STOREFRONT_CACHE_SECONDS=str(cache_seconds),
        LOG_LEVEL="WARNING",
    )
    return env


def oscar_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "VIRTUAL_ENV", "PYTHON"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="oscar_bench.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        OSCAR_DB_NAME=OSCAR_DB_NAME,
        OSCAR_REDIS_URL=REDIS,
        PYTHONPATH=str(OSCAR_DIR),
    )
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(env: dict[str, str], products: int | None) -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(["psql", PG + "/postgres", "-q", "-c", sql], check=True)
    import redis

    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(match="bench-storefront:*"):
        client.delete(key)
    manage("migrate", "--no-input", "-v0", env=env)
    count = ["--products", str(products)] if products else []
    manage("seed_demo", *count, "--force", env=env)
    manage("collectstatic", "--no-input", "-v0", env=env)


def catalog_read(env: dict[str, str]) -> tuple[dict[str, str], dict]:
    """Tradewind's URLs to measure, and its catalog for Oscar's database."""
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DATABASE_URL",
                "REDIS_URL",
                "SECRET_KEY",
                "DEBUG",
                "EMAIL_BACKEND",
            )
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import translation

    from shop.models import Category, Market, Product, VariantPrice

    with translation.override("en"):
        category = Category.objects.filter(parent=None).order_by("path").first()
        us = Market.objects.get(code="US")
        product = Product.objects.filter(
            is_active=True, variants__prices__market=us
        ).first()
        if category is None or product is None:
            raise SystemExit("No catalog: run seed_demo first.")
        by_id = {c.pk: c for c in Category.objects.all()}

        def trail(c: Category) -> list[str]:
            ids = [int(part) for part in c.path.split(".") if part]
            return [by_id[pk].name for pk in ids]

        prices = {
            price.variant.product_id: str(price.amount)
            for price in VariantPrice.objects.filter(market=us)
            .select_related("variant")
            .order_by("-amount")
        }
        catalog = {
            "categories": [trail(c) for c in by_id.values()],
            "products": [
                {
                    "title": p.name,
                    "slug": p.slug,
                    "description": p.description,
                    "category": trail(by_id[p.category_id]),
                    "price": prices[p.pk],
                }
                for p in Product.objects.filter(is_active=True, pk__in=prices)
            ],
            "measured_product": product.slug,
            "measured_category": trail(category),
        }
        paths = {
            "bare view": "/healthz",
            "product": product.get_absolute_url(),
            "category": category.get_absolute_url(),
        }
    return paths, catalog


def listening_socket() -> socket.socket:
    """A bound, listening socket the server inherits: requests wait in its backlog
    until the server takes them, so no readiness polling is needed."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def start_server(kind: str, env: dict[str, str], sock: socket.socket):
    fd = sock.fileno()
    if kind == "daphne":
        env = {**env, "DB_POOL_MAX_SIZE": "8"}
        command = [sys.executable, "-m", "daphne", "--access-log", os.devnull,
                   "--fd", str(fd), "config.asgi:application"]  # fmt: skip
        cwd = ROOT
    elif kind == "gunicorn":
        env = {**env, "DB_CONN_MAX_AGE": "60"}
        command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py",
                   "--workers", "1", "--bind", f"fd://{fd}", "config.wsgi"]  # fmt: skip
        cwd = ROOT
    else:
        command = [str(OSCAR_DIR / "venv" / "bin" / "python"), "-m", "gunicorn",
                   "--workers", "1", "--bind", f"fd://{fd}", "--no-control-socket",
                   "oscar_bench.wsgi_app:application"]  # fmt: skip
        cwd = OSCAR_DIR
    return subprocess.Popen(command, cwd=cwd, env=env, pass_fds=(fd,))


def warm(port: int, path: str, requests: int = WARMUP_REQUESTS) -> None:
    for _ in range(requests):
        request = Request(
            f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": "en-US"}
        )
        with urlopen(request, timeout=120) as response:  # noqa: S310 (loopback)
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            response.read()


WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_load(port: int, path: str, seconds: float, connections: int) -> Figure:
    if shutil.which("wrk"):
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--latency",
             "--timeout", "30s", "-H", "Accept-Language: en-US", f"http://127.0.0.1:{port}{path}"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        found = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if found is None:
            raise RuntimeError(f"wrk printed no rate:\n{out}")
        rps = float(found.group(1))
        latency = {
            q: float(v) * UNIT_MS[unit] for q, v, unit in WRK_LATENCY.findall(out)
        }
        non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
        errors = sum(int(m.group(1)) for m in (non_2xx, timeouts) if m)
        return Figure(rps, latency.get("50", 0.0), latency.get("99", 0.0), errors)
    result = load(
        host="127.0.0.1",
        port=port,
        path=path,
        concurrency=connections,
        seconds=seconds,
        headers={"Accept-Language": "en-US"},
    )
    return Figure(result.rps, result.p50, result.percentile(0.99), result.errors)


def measure(
    servers: dict[str, tuple[str, dict[str, str], dict[str, str]]],
    seconds: float,
    connections: int,
    rounds: int,
) -> dict[str, dict[str, Figure]]:
    """Every server started at once, then each page measured on the servers in
    turn, `rounds` times: load from the rest of the machine that changes during
    the run falls on all servers alike, instead of on whichever ran last."""
    started = {}
    try:
        for name, (kind, env, paths) in servers.items():
            sock = listening_socket()
            started[name] = (start_server(kind, env, sock), sock, paths)
        for _server, sock, paths in started.values():
            for page in PAGES:
                warm(sock.getsockname()[1], paths[page])
        runs: dict[str, dict[str, list[Figure]]] = {
            name: {page: [] for page in PAGES} for name in servers
        }
        for page in PAGES:
            for _ in range(rounds):
                for name, (_server, sock, paths) in started.items():
                    port = sock.getsockname()[1]
                    runs[name][page].append(
                        run_load(port, paths[page], seconds, connections)
                    )
                    # The requests wrk left in the server's backlog are served
                    # before the next server's turn.
                    warm(port, paths[page], requests=1)
        return {
            name: {page: combined(parts) for page, parts in pages.items()}
            for name, pages in runs.items()
        }
    finally:
        for server, sock, _paths in started.values():
            stop(server)
            sock.close()


def combined(parts: list[Figure]) -> Figure:
    """Rounds of equal length: the mean rate, the median p50, the worst p99."""
    p50s = sorted(part.p50_ms for part in parts)
    return Figure(
        rps=sum(part.rps for part in parts) / len(parts),
        p50_ms=p50s[len(p50s) // 2],
        p99_ms=max(part.p99_ms for part in parts),
        errors=sum(part.errors for part in parts),
    )


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per round")
    parser.add_argument(
        "--rounds", type=int, default=3, help="turns of every server per page"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--products", type=int, default=None, help="default: the demo data's"
    )
    args = parser.parse_args()

    load_before = os.getloadavg()
    started = datetime.now(UTC)
    prepare_database(server_env(600), args.products)
    paths, catalog = catalog_read(server_env(600))
    oscar_paths = {"bare view": "/healthz"}
    oscar_paths.update(
        oscar_sandbox_prepare(
            directory=OSCAR_DIR, env=oscar_env(), pg=PG, catalog=catalog
        )
    )

    servers = {
        "oscar": ("oscar", oscar_env(), oscar_paths),
        **{
            f"{kind} {label}": (kind, server_env(cache), paths)
            for kind in ("gunicorn", "daphne")
            for label, cache in (("cached", 600), ("uncached", 0))
        },
    }
    runs = measure(servers, args.seconds, args.connections, args.rounds)
    load_after = os.getloadavg()
    oscar = runs["oscar"]
    generator = "wrk -t2" if shutil.which("wrk") else "bench/httpload.py"
    print(
        f"\n{started:%Y-%m-%d %H:%M} UTC, {len(catalog['products'])} products, "
        f"{generator}, {args.connections} connections, {args.rounds} rounds of "
        f"{args.seconds:.0f} s per URL and server, servers in turn; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after\n"
    )
    print(
        "| server | page | req/s | p50 ms | p99 ms | errors | to bare view | to Oscar |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    labels = {
        "oscar": "django-oscar 4.2.1, gunicorn",
        "gunicorn cached": "Tradewind, gunicorn, cache on",
        "gunicorn uncached": "Tradewind, gunicorn, cache off",
        "daphne cached": "Tradewind, daphne, cache on",
        "daphne uncached": "Tradewind, daphne, cache off",
    }
    for run, figures in runs.items():
        bare = figures["bare view"].rps
        for page in PAGES:
            figure = figures[page]
            print(
                f"| {labels[run]} | {page} | {figure.rps:,.0f} | {figure.p50_ms:.1f} "
                f"| {figure.p99_ms:.1f} | {figure.errors} | "
                f"{figure.rps / bare if bare else 0:.2f} | "
                f"{figure.rps / oscar[page].rps if oscar[page].rps else 0:.2f} |"
            )


if __name__ == "__main__":
    main()
