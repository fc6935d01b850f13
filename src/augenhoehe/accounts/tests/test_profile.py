"""The profile page: perspective and language, download my data, delete my account."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from augenhoehe.accounts.models import User

PROFILE = reverse("accounts:profile")
DELETE = reverse("accounts:delete")
EXPORT = reverse("accounts:export")


@pytest.mark.parametrize("url", [PROFILE, DELETE, EXPORT])
@pytest.mark.django_db
def test_profile_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_profile_shows_pseudonym_roles_and_the_data_actions(cast, client):
    client.force_login(cast.peer)
    html = client.get(PROFILE).content.decode()
    assert "<strong>Sam</strong>" in html
    assert "Peer / Genesungsbegleiter:in" in html
    assert f'href="{EXPORT}"' in html
    assert f'href="{DELETE}"' in html


@pytest.mark.django_db
def test_profile_saves_perspective_and_language(cast, client):
    client.force_login(cast.mira)
    response = client.post(PROFILE, {"perspective": "unspecified", "language": "en"})
    assert response.status_code == 302
    assert response.cookies["augenhoehe_language"].value == "en"
    cast.mira.refresh_from_db()
    assert (cast.mira.perspective, cast.mira.language) == ("unspecified", "en")
    assert "Your profile is saved." in client.get(PROFILE).content.decode()


@pytest.mark.django_db
def test_profile_offers_no_trusted_role(cast, client):
    client.force_login(cast.mira)
    client.post(PROFILE, {"perspective": "affected", "language": "de", "role": "moderator"})
    assert not cast.mira.role_grants.exists()
    html = client.get(PROFILE).content.decode()
    assert 'value="moderator"' not in html


@pytest.mark.django_db
def test_delete_asks_for_confirmation_first(cast, client):
    client.force_login(cast.mira)
    response = client.get(DELETE)
    assert response.status_code == 200
    assert 'name="confirm"' in response.content.decode()
    assert User.objects.filter(pk=cast.mira.pk).exists()


@pytest.mark.parametrize("confirm", ["", "Helga", "Mir"])
@pytest.mark.django_db
def test_delete_without_the_right_confirmation_keeps_the_account(cast, client, confirm):
    client.force_login(cast.mira)
    response = client.post(DELETE, {"confirm": confirm})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    assert User.objects.filter(pk=cast.mira.pk).exists()


@pytest.mark.django_db
def test_delete_with_confirmation_removes_the_account_and_logs_out(cast, client):
    client.force_login(cast.mira)
    response = client.post(DELETE, {"confirm": " mira "})
    assert response.status_code == 302
    assert not User.objects.filter(pk=cast.mira.pk).exists()
    assert client.get(PROFILE).status_code == 302
    assert "Dein Konto und deine Daten sind gelöscht." in client.get("/").content.decode()


@pytest.mark.django_db
def test_export_is_a_json_download_of_my_account_without_the_password(cast, client):
    client.force_login(cast.peer)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="augenhoehe-daten-')
    data = json.loads(response.content)
    assert data["account"]["pseudonym"] == "Sam"
    assert data["account"]["perspective"] == "affected"
    assert data["account"]["roles"] == ["peer"]
    assert "exported_at" in data
    text = response.content.decode()
    assert "password" not in text
    assert cast.peer.password not in text
    assert "Mira" not in text


@pytest.mark.django_db
def test_export_keeps_umlauts_readable(client):
    from augenhoehe.accounts.actions import register_user

    user = register_user(pseudonym="Jürgen", password="kaffee-am-morgen-17")
    client.force_login(user)
    assert "Jürgen" in client.get(EXPORT).content.decode()


# --- Language switch -------------------------------------------------------------------


@pytest.mark.django_db
def test_language_switch_sets_the_cookie_and_the_profile(cast, client):
    client.force_login(cast.mira)
    response = client.post(reverse("core:set_language"), {"language": "en", "next": PROFILE})
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    cookie = response.cookies["augenhoehe_language"]
    assert cookie.value == "en"
    assert cookie["httponly"]
    cast.mira.refresh_from_db()
    assert cast.mira.language == "en"
    assert "My profile" in client.get(PROFILE).content.decode()


@pytest.mark.django_db
def test_language_switch_works_without_an_account(client):
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    assert response.cookies["augenhoehe_language"].value == "en"
    assert "Peer support as equals" in client.get("/").content.decode()
    client.post(reverse("core:set_language"), {"language": "de", "next": "/"})
    assert "Peer-Unterstützung auf Augenhöhe" in client.get("/").content.decode()


@pytest.mark.django_db
def test_language_switch_ignores_unknown_languages_and_foreign_next(cast, client):
    client.force_login(cast.mira)
    response = client.post(
        reverse("core:set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert "augenhoehe_language" not in response.cookies
    cast.mira.refresh_from_db()
    assert cast.mira.language == "de"


@pytest.mark.django_db
def test_language_switch_needs_post(client):
    assert client.get(reverse("core:set_language")).status_code == 405
