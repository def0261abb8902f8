"""Settings come from the environment: the embedded default and production."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "cache": settings.CACHES["default"]["BACKEND"],
    "debug": settings.DEBUG,
}))
"""


def _environment(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "SECRET_KEY",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(overrides)
    return env


def _settings_under(**overrides: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=settings.BASE_DIR,
        env=_environment(**overrides),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_uses_sqlite_in_memory_channels_and_eager_celery():
    assert _settings_under() == {
        "engine": "django.db.backends.sqlite3",
        "layer": "channels.layers.InMemoryChannelLayer",
        "eager": True,
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "debug": True,
    }


def test_production_environment_uses_postgres_and_redis():
    assert _settings_under(
        DATABASE_URL="postgres://shop@db.internal:5432/tradewind",
        REDIS_URL="redis://cache.internal:6379/0",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        EMAIL_HOST="smtp.internal",
    ) == {
        "engine": "django.db.backends.postgresql",
        "layer": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "eager": False,
        "cache": "config.redis_cache.SharedPoolRedisCache",
        "debug": False,
    }


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=settings.BASE_DIR,
        env=_environment(DEBUG="0"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=_environment(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="shop.example.com",
            EMAIL_HOST="smtp.internal",
        ),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_pool_replaces_persistent_connections_when_sized():
    script = (
        "import json, django\n"
        "from django.conf import settings\n"
        "django.setup()\n"
        "db = settings.DATABASES['default']\n"
        "print(json.dumps([db['CONN_MAX_AGE'], db['OPTIONS'].get('pool')]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=_environment(
            DATABASE_URL="postgres://shop@db.internal:5432/tradewind",
            DB_CONN_MAX_AGE="600",
            DB_POOL_MAX_SIZE="8",
        ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        0,
        {"min_size": 2, "max_size": 8, "timeout": 10},
    ]
