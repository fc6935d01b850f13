"""Settings come only from the environment, with safe local defaults and a loud refusal.

Each case starts a fresh Python process, because settings are read once at import.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest

CONFIG_VARS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "FAST_PASSWORD_HASHER",
    "PLAIN_STATIC_STORAGE",
    "BEHIND_TLS_PROXY",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_COOLOFF_MINUTES",
    "SITE_NAME",
    "DJANGO_SETTINGS_MODULE",
    "AUGENHOEHE_HOME",
    "SQLITE_PATH",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(45)[:60],
    "ALLOWED_HOSTS": "example.org",
}

SHOW_SETTINGS = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "augenhoehe.settings")
import django
django.setup()
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "OPTIONS": {k: str(v) for k, v in db.get("OPTIONS", {}).items()},
    "LAYER": s.CHANNEL_LAYERS["default"]["BACKEND"],
    "LAYER_CONFIG": s.CHANNEL_LAYERS["default"].get("CONFIG", {}),
    "HASHER": s.PASSWORD_HASHERS[0],
    "AXES_FAILURE_LIMIT": s.AXES_FAILURE_LIMIT,
    "AXES_COOLOFF_MINUTES": round(s.AXES_COOLOFF_TIME * 60),
    "AXES_LOCKOUT_PARAMETERS": s.AXES_LOCKOUT_PARAMETERS,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "SITE_NAME": s.AUGENHOEHE["SITE_NAME"],
    "LANGUAGE_CODE": s.LANGUAGE_CODE,
}))
"""


def run(args: list[str], env: dict[str, str], cwd) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], env=clean, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def show_settings(env: dict[str, str], cwd) -> dict:
    result = run(["-c", SHOW_SETTINGS], env, cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_passes_with_debug_off(tmp_path):
    """``check --deploy`` has nothing to warn about in a production configuration."""
    result = run(
        ["-m", "augenhoehe", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY is not set"),
        ({}, "SECRET_KEY is not set"),  # DEBUG is off unless asked for
        ({"DEBUG": "false", "SECRET_KEY": "dev-insecure-augenhoehe-change-me"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "too-short"}, "at least 50 characters"),
    ],
)
def test_refuses_to_start_without_a_real_secret_key(tmp_path, env, message):
    result = run(["-m", "augenhoehe", "check"], env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr.strip().splitlines()[-1]


def test_debug_runs_without_a_secret_key(tmp_path):
    result = run(["-m", "augenhoehe", "check"], {"DEBUG": "true"}, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("LOGIN_FAILURE_LIMIT", "0")])
def test_malformed_values_fail_loudly(tmp_path, name, value):
    result = run(["-m", "augenhoehe", "check"], {"DEBUG": "true", name: value}, tmp_path)
    assert result.returncode != 0
    assert name in result.stderr.strip().splitlines()[-1]


def test_local_defaults_are_sqlite_in_wal_mode_and_the_in_memory_layer(tmp_path):
    values = show_settings({"DEBUG": "true"}, tmp_path)
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"] == str(tmp_path / "var" / "augenhoehe.sqlite3")
    assert "journal_mode=WAL" in values["OPTIONS"]["init_command"]
    # Channels' in-memory layer, with a cheaper expiry sweep (core/lib/layers.py)
    assert values["LAYER"] == "augenhoehe.core.lib.layers.EmbeddedChannelLayer"
    assert values["LANGUAGE_CODE"] == "de"
    assert values["SITE_NAME"] == "Augenhöhe"


def test_database_url_switches_to_postgresql_and_redis_url_to_channels_redis(tmp_path):
    values = show_settings(
        {
            "DEBUG": "true",
            "DATABASE_URL": "postgres://augenhoehe@db.internal:5432/augenhoehe",
            "REDIS_URL": "redis://cache.internal:6379/0",
        },
        tmp_path,
    )
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "augenhoehe"
    assert values["LAYER"].startswith("channels_redis.")
    assert values["LAYER_CONFIG"]["hosts"] == ["redis://cache.internal:6379/0"]
    assert not (tmp_path / "var").exists()


def test_production_uses_argon2_and_secure_cookies(tmp_path):
    values = show_settings(PRODUCTION, tmp_path)
    assert values["DEBUG"] is False
    assert values["HASHER"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_login_lock_is_configurable_and_keyed_by_account_only(tmp_path):
    values = show_settings(
        {"DEBUG": "true", "LOGIN_FAILURE_LIMIT": "3", "LOGIN_COOLOFF_MINUTES": "30"}, tmp_path
    )
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["AXES_COOLOFF_MINUTES"] == 30
    assert values["AXES_LOCKOUT_PARAMETERS"] == ["username"]


def test_site_name_comes_from_the_environment(tmp_path):
    assert show_settings({"DEBUG": "true", "SITE_NAME": "Mitnander"}, tmp_path)["SITE_NAME"] == (
        "Mitnander"
    )


def test_the_embedded_layer_is_channels_in_memory_layer_with_expiry_kept():
    import asyncio

    from channels.layers import InMemoryChannelLayer

    from augenhoehe.core.lib.layers import EmbeddedChannelLayer

    layer = EmbeddedChannelLayer(expiry=60)
    assert isinstance(layer, InMemoryChannelLayer)

    async def roundtrip():
        await layer.group_add("room", "hub.a")
        await layer.group_send("room", {"type": "x", "n": 1})
        return await layer.receive("hub.a")

    assert asyncio.run(roundtrip())["n"] == 1
    layer.channels["gone"] = asyncio.Queue()
    layer.channels["gone"].put_nowait((0, {"type": "expired"}))  # expired long ago
    layer._last_sweep = 0.0
    layer._clean_expired()
    assert "gone" not in layer.channels
