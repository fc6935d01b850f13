"""The account endpoints of /api/v1/: tokens, /me, errors in one shape, the OpenAPI schema."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, Api
from django.test import Client

from augenhoehe.accounts.models import ApiToken, User


@pytest.mark.django_db
def test_me_without_credentials_is_401_json(anon_api):
    response = anon_api.get("me")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "Bitte melde dich an."}


@pytest.mark.parametrize(
    "header", ["Bearer ah_not-a-token", "Bearer ", "Token abc", "Basic Zm9vOmJhcg=="]
)
@pytest.mark.django_db
def test_me_with_an_invalid_token_is_401(cast, client, header):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.django_db
def test_me_returns_the_account_and_no_secrets(cast):
    response = cast.api("peer").get("me")
    assert response.status_code == 200
    body = response.json()
    assert body["pseudonym"] == "Sam"
    assert body["roles"] == ["peer"]
    assert "password" not in body


@pytest.mark.django_db
def test_only_a_digest_of_the_token_is_stored(cast):
    api = cast.api("mira")
    stored = ApiToken.objects.get(user=cast.mira)
    assert stored.digest != api.token
    assert stored.digest == ApiToken.digest_of(api.token)


@pytest.mark.django_db
def test_logout_revokes_the_token(cast):
    api = cast.api("mira")
    other = cast.api("mira")
    assert api.post("auth/logout").status_code == 204
    assert api.get("me").status_code == 401
    # Only the token that logged out is revoked; another device stays signed in.
    assert other.get("me").status_code == 200


@pytest.mark.django_db
def test_logout_without_credentials_is_401(anon_api):
    assert anon_api.post("auth/logout").status_code == 401


@pytest.mark.django_db
def test_a_deactivated_account_loses_its_tokens(cast):
    api = cast.api("mira")
    User.objects.filter(pk=cast.mira.pk).update(is_active=False)
    assert api.get("me").status_code == 401


@pytest.mark.django_db
def test_the_browser_session_also_authenticates(cast, client):
    client.force_login(cast.helga)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["pseudonym"] == "Helga"


@pytest.mark.django_db
def test_session_writes_need_the_csrf_token(cast):
    """A cookie alone must not let another site act for the person (CSRF)."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.helga)
    response = Api(browser).patch("me", {"language": "en"})
    assert response.status_code == 403
    cast.helga.refresh_from_db()
    assert cast.helga.language == "de"


@pytest.mark.django_db
def test_patch_me_changes_language_and_perspective(cast):
    api = cast.api("mira")
    response = api.patch("me", {"language": "en", "perspective": "unspecified"})
    assert response.status_code == 200
    assert response.json()["language"] == "en"
    cast.mira.refresh_from_db()
    assert (cast.mira.language, cast.mira.perspective) == ("en", "unspecified")


@pytest.mark.django_db
def test_patch_me_cannot_grant_roles_or_staff(cast):
    api = cast.api("mira")
    response = api.patch("me", {"roles": ["moderator"], "is_staff": True})
    assert response.status_code == 200
    cast.mira.refresh_from_db()
    assert not cast.mira.is_staff
    assert not cast.mira.role_grants.exists()


@pytest.mark.django_db
def test_patch_me_with_an_unknown_language_is_422(cast):
    response = cast.api("mira").patch("me", {"language": "tlh"})
    assert response.status_code == 422
    assert "language" in response.json()["errors"]


@pytest.mark.django_db
def test_export_me_has_the_account_and_no_password(cast):
    response = cast.api("mira").get("me/export")
    assert response.status_code == 200
    body = response.json()
    assert body["account"]["pseudonym"] == "Mira"
    assert "password" not in response.content.decode()
    assert cast.mira.password not in response.content.decode()


@pytest.mark.django_db
def test_delete_me_removes_the_account_and_its_tokens(cast):
    api = cast.api("mira")
    assert api.delete("me").status_code == 204
    assert not User.objects.filter(pseudonym="Mira").exists()
    assert not ApiToken.objects.filter(user_id=cast.mira.pk).exists()
    assert api.get("me").status_code == 401


@pytest.mark.django_db
def test_register_then_login_then_logout_round_trip(anon_api):
    created = anon_api.post("auth/register", {"pseudonym": "Kranich", "password": PASSWORD})
    assert created.status_code == 201
    logged_in = anon_api.post("auth/login", {"pseudonym": "kranich", "password": PASSWORD})
    assert logged_in.status_code == 200
    api = Api(Client(), logged_in.json()["token"])
    assert api.get("me").json()["pseudonym"] == "Kranich"
    User.objects.get(pseudonym="Kranich").refresh_from_db()
    assert User.objects.get(pseudonym="Kranich").last_login is not None
    assert api.post("auth/logout").status_code == 204
    assert api.get("me").status_code == 401


@pytest.mark.django_db
def test_openapi_schema_describes_the_auth_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
    ):
        assert path in paths, path
    assert "201" in paths["/api/v1/auth/register"]["post"]["responses"]


@pytest.mark.django_db
def test_no_interactive_docs_that_would_load_a_cdn(client):
    assert client.get("/api/v1/docs").status_code == 404
