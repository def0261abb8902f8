"""Storefront throughput and latency against a bare Django view, cached and uncached.

Starts daphne (DEBUG off, PostgreSQL and Redis as in production) on a fresh benchmark
database with the demo data, then loads home, category, product and search pages and
the bare view `/healthz` from a separate process, once with the page cache on and once
with it off. Every figure is also given as a ratio to the bare view measured by the
same server in the same run.

    .venv/bin/python bench/storefront.py [--seconds 5] [--concurrency 16]
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpload import load  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "tradewind_bench"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")


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
        DB_POOL_MAX_SIZE="8",
        REDIS_URL=REDIS,
        STOREFRONT_CACHE_SECONDS=str(cache_seconds),
        LOG_LEVEL="WARNING",
    )
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(env: dict[str, str], products: int) -> None:
    subprocess.run(
        ["psql", PG + "/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {DB_NAME}"],
        check=True,
    )
    subprocess.run(
        ["psql", PG + "/postgres", "-q", "-c", f"CREATE DATABASE {DB_NAME}"], check=True
    )
    manage("migrate", "--no-input", "-v0", env=env)
    manage("seed_demo", "--products", str(products), "--force", env=env)
    manage("collectstatic", "--no-input", "-v0", env=env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "--access-log",
            os.devnull,
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("daphne did not start")


def page_paths(env: dict[str, str]) -> dict[str, str]:
    """One URL for each page kind, taken from the demo data."""
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import translation

    from shop.models import Category, Product

    with translation.override("en"):
        category = Category.objects.filter(parent=None).order_by("path").first()
        product = Product.objects.filter(
            is_active=True, variants__prices__market__code="US"
        ).first()
        if category is None or product is None:
            raise SystemExit("No catalog: run seed_demo first.")
        word = product.name_en.split()[-1]  # type: ignore[attr-defined]  # modeltranslation
        return {
            "bare view": "/healthz",
            "home": "/en/",
            "category": category.get_absolute_url(),
            "product": product.get_absolute_url(),
            "search": f"/en/search/?q={word}",
        }


def measure(port: int, paths: dict[str, str], seconds: float, concurrency: int) -> dict:
    results = {}
    for name, path in paths.items():
        results[name] = load(
            host="127.0.0.1",
            port=port,
            path=path,
            concurrency=concurrency,
            seconds=seconds,
            headers={"Accept-Language": "en-US"},
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--products", type=int, default=60)
    args = parser.parse_args()

    prepare_database(server_env(600), args.products)
    paths = page_paths(server_env(600))
    rows = []
    for label, cache_seconds in (("cached", 600), ("uncached", 0)):
        port = free_port()
        server = start_server(server_env(cache_seconds), port)
        try:
            results = measure(port, paths, args.seconds, args.concurrency)
        finally:
            server.terminate()
            server.wait(timeout=10)
        bare = results["bare view"].rps
        for name, result in results.items():
            rows.append((label, name, result, result.rps / bare if bare else 0))

    print(
        f"\nconcurrency {args.concurrency}, {args.seconds:.0f} s per URL, "
        f"{args.products} products, daphne single process, PostgreSQL + Redis\n"
    )
    print("| cache | page | req/s | p50 ms | p95 ms | errors | ratio to bare view |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for label, name, result, ratio in rows:
        print(
            f"| {label} | {name} | {result.rps:.0f} | {result.p50:.1f} | "
            f"{result.p95:.1f} | {result.errors} | {ratio:.2f} |"
        )


if __name__ == "__main__":
    main()
