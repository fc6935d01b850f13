"""Shared test set-up: environment, the cast of people, and API helpers.

The cast (STYLE.md habit 11): two members (``mira`` affected, ``helga`` relative), an
``outsider``, a ``peer``, a ``professional`` and a ``moderator``.
"""

from __future__ import annotations

import json
import os
import socket

import pytest

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("FAST_PASSWORD_HASHER", "true")
os.environ.setdefault("PLAIN_STATIC_STORAGE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "ein-sicheres-passwort-42"


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip with a clear reason when a real service is missing; fail instead in CI."""
    if reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if IN_CI:
        pytest.fail(message + " (required when CI=true)")
    pytest.skip(message)


class Api:
    """A thin JSON client for /api/v1/ that speaks as one person (bearer token)."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def _headers(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def _call(self, method: str, path: str, data=None):
        url = path if path.startswith("/") else "/api/v1/" + path
        kwargs = self._headers()
        if data is not None:
            kwargs["data"] = data if isinstance(data, str) else json.dumps(data)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path, data=None):
        url = path if path.startswith("/") else "/api/v1/" + path
        return self.client.get(url, data or {}, **self._headers())

    def post(self, path, data=None):
        return self._call("post", path, {} if data is None else data)

    def patch(self, path, data=None):
        return self._call("patch", path, {} if data is None else data)

    def delete(self, path, data=None):
        return self._call("delete", path, data)


def make_person(pseudonym: str, *, perspective: str = "affected", roles=()):
    from augenhoehe.accounts import actions

    user = actions.register_user(pseudonym=pseudonym, password=PASSWORD, perspective=perspective)
    for role in roles:
        actions.grant_role(user, role)
    user.__dict__.pop("_role_cache", None)
    return user


@pytest.fixture
def cast(db):
    from augenhoehe.accounts.actions import issue_token

    people = {
        "mira": make_person("Mira", perspective="affected"),
        "helga": make_person("Helga", perspective="relative"),
        "outsider": make_person("Olli", perspective="unspecified"),
        "peer": make_person("Sam", perspective="affected", roles=["peer"]),
        "professional": make_person("Krause", perspective="unspecified", roles=["professional"]),
        "moderator": make_person("Lena", perspective="affected", roles=["moderator"]),
    }

    class Cast(dict):
        def api(self, name, client_factory=None):
            from django.test import Client

            return Api(Client(), issue_token(self[name]))

        def __getattr__(self, name):
            return self[name]

    return Cast(people)


@pytest.fixture
def anon_api(client):
    return Api(client)


@pytest.fixture(autouse=True)
def fresh_send_limiter():
    """The chat rate limiter is per process; SQLite reuses user ids after each flush."""
    from augenhoehe.chat import ratelimit

    ratelimit._limiter = None
    yield
    ratelimit._limiter = None
