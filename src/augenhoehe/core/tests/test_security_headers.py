"""Security headers on pages and the API: a strict CSP and friends."""

from __future__ import annotations

import pytest

from augenhoehe.core.tests.pages import NEUTRAL_PAGE, PUBLIC_PAGES


def directives(header: str) -> dict[str, list[str]]:
    result = {}
    for part in header.split(";"):
        name, *values = part.split()
        result[name] = values
    return result


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, NEUTRAL_PAGE, "/api/v1/crisis/resources"])
@pytest.mark.django_db
def test_csp_is_strict(client, path):
    response = client.get(path)
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert set(csp["img-src"]) <= {"'self'", "data:"}
    assert set(csp["connect-src"]) <= {"'self'"}
    header = response["Content-Security-Policy"]
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"):
        assert unsafe not in header.split(), unsafe


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, NEUTRAL_PAGE, "/api/v1/me"])
@pytest.mark.django_db
def test_other_security_headers(client, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_cookies_are_http_only_and_same_site(client, cast):
    client.post("/sprache/", {"language": "en", "next": "/"})
    response = client.post(
        "/konto/anmelden/", {"pseudonym": "Mira", "password": "ein-sicheres-passwort-42"}
    )
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    language = response.cookies["augenhoehe_language"]
    assert language["httponly"]
    assert language["samesite"] == "Lax"
