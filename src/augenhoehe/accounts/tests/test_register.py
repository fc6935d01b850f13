"""Registration: a pseudonym and a password, nothing else; through the API and the web form."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from augenhoehe.accounts.models import Perspective, User
from augenhoehe.accounts.validators import validate_pseudonym

GOOD_PASSWORD = "kaffee-am-morgen-17"


def register(anon_api, pseudonym="Regenbogen", password=GOOD_PASSWORD, **extra):
    return anon_api.post("auth/register", {"pseudonym": pseudonym, "password": password, **extra})


@pytest.mark.django_db
def test_register_returns_the_account_and_a_working_token(anon_api):
    """201 with the user and a bearer token that opens /me."""
    response = register(anon_api, perspective="relative", language="en")
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["pseudonym"] == "Regenbogen"
    assert body["user"]["perspective"] == "relative"
    assert body["user"]["language"] == "en"
    assert body["user"]["roles"] == []
    me = anon_api.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200
    assert me.json()["pseudonym"] == "Regenbogen"


@pytest.mark.django_db
def test_perspective_defaults_to_prefer_not_to_say(anon_api):
    response = register(anon_api)
    assert response.json()["user"]["perspective"] == Perspective.UNSPECIFIED


@pytest.mark.django_db
def test_the_account_holds_no_contact_data():
    """The model has no e-mail, phone or real-name field at all."""
    names = {field.name for field in User._meta.get_fields()}
    assert not names & {"email", "phone", "first_name", "last_name", "name"}


@pytest.mark.django_db
def test_same_pseudonym_in_another_case_is_taken(cast, anon_api):
    """Pseudonyms are unique case-insensitively: 'MIRA' collides with 'Mira' (409)."""
    response = register(anon_api, pseudonym="MIRA")
    assert response.status_code == 409
    assert "pseudonym" in response.json()["errors"]
    assert User.objects.filter(pseudonym__iexact="mira").count() == 1


@pytest.mark.django_db
def test_database_refuses_a_case_variant_even_past_the_check(cast):
    """The functional unique constraint is the last line against a race."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(pseudonym="mIRA")


@pytest.mark.parametrize(
    "pseudonym",
    [
        "Admin",
        "admin_jana",
        "TeamAugenhoehe",
        "Augenhöhe",
        "moderator1",
        "ModeratorJana",
        "Fachkraft Paul",
        "Peer-Sam",
        "Genesungsbegleiterin",
        "DrTherapeut",
        "Support",
        "orgadmin",
    ],
)
@pytest.mark.django_db
def test_pseudonyms_that_pose_as_staff_or_a_role_are_refused(anon_api, pseudonym):
    response = register(anon_api, pseudonym=pseudonym)
    assert response.status_code == 422, response.content
    assert response.json()["errors"]["pseudonym"]


@pytest.mark.parametrize("pseudonym", ["Schwarztee", "SteamFan", "Modesty"])
def test_ordinary_words_that_contain_a_role_word_are_fine(pseudonym):
    """Whole words only: 'Schwarztee' holds no 'team', 'Modesty' no 'mod'."""
    validate_pseudonym(pseudonym)


@pytest.mark.parametrize("pseudonym", ["ab", "x" * 31, "   ", "a" * 2 + " "])
@pytest.mark.django_db
def test_pseudonym_length_is_three_to_thirty(anon_api, pseudonym):
    response = register(anon_api, pseudonym=pseudonym)
    assert response.status_code == 422
    assert response.json()["errors"]["pseudonym"]


@pytest.mark.parametrize(
    "pseudonym", ["Ida", "Z" * 30, "Jürgen", "Möwe Ärger", "Straße_7", "Zoë.K"]
)
@pytest.mark.django_db
def test_pseudonyms_with_umlauts_and_at_the_limits_are_accepted(anon_api, pseudonym):
    response = register(anon_api, pseudonym=pseudonym)
    assert response.status_code == 201, response.content
    assert response.json()["user"]["pseudonym"] == pseudonym


@pytest.mark.parametrize("pseudonym", ["<script>", "Mira!", "_Mira", "Mi  ra", "Mira-"])
@pytest.mark.django_db
def test_pseudonyms_with_odd_characters_are_refused(anon_api, pseudonym):
    assert register(anon_api, pseudonym=pseudonym).status_code == 422


@pytest.mark.parametrize(
    "password",
    [
        "kurz-7",  # too short
        "password123",  # common
        "12345678901",  # numeric
        "Sonnenblume1",  # similar to the pseudonym
        "x" * 129,  # over 128
    ],
)
@pytest.mark.django_db
def test_weak_or_overlong_passwords_are_refused(anon_api, password):
    response = register(anon_api, pseudonym="Sonnenblume", password=password)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert body["errors"]["password"]
    assert not User.objects.filter(pseudonym="Sonnenblume").exists()


@pytest.mark.django_db
def test_passwords_of_8_and_128_characters_are_accepted(anon_api):
    assert register(anon_api, pseudonym="Acht", password="qz7-mnbv").status_code == 201
    long = "lang-und-sicher-" * 8
    assert len(long) == 128
    assert register(anon_api, pseudonym="Lang", password=long).status_code == 201


@pytest.mark.django_db
def test_malformed_json_is_a_400(anon_api):
    response = anon_api.post("auth/register", '{"pseudonym": "Ida", ')
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "payload",
    [
        {"pseudonym": 42, "password": GOOD_PASSWORD},
        {"pseudonym": "Ida", "password": ["a", "b"]},
        {"pseudonym": "Ida"},
        {"pseudonym": "Ida", "password": GOOD_PASSWORD, "perspective": "doctor"},
        {"pseudonym": "Ida", "password": GOOD_PASSWORD, "language": "fr"},
    ],
)
@pytest.mark.django_db
def test_wrong_types_and_unknown_choices_are_a_422_with_field_errors(anon_api, payload):
    response = anon_api.post("auth/register", payload)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert body["errors"]


@pytest.mark.django_db
def test_roles_cannot_be_chosen_in_the_register_payload(anon_api):
    """Trusted roles come only from an administrator; extra fields change nothing."""
    response = register(
        anon_api,
        roles=["moderator", "orgadmin"],
        role="peer",
        is_staff=True,
        is_superuser=True,
    )
    assert response.status_code == 201
    assert response.json()["user"]["roles"] == []
    user = User.objects.get(pseudonym="Regenbogen")
    assert not user.role_grants.exists()
    assert not user.is_staff
    assert not user.is_superuser


@pytest.mark.django_db
def test_argon2id_hashes_the_password_in_the_production_configuration(anon_api):
    """The tests use a fast hasher; with the production list the hash is Argon2id."""
    hashers = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    with override_settings(PASSWORD_HASHERS=hashers):
        assert register(anon_api).status_code == 201
        user = User.objects.get(pseudonym="Regenbogen")
        assert user.password.startswith("argon2$argon2id$")
        assert user.check_password(GOOD_PASSWORD)


# --- The web form ----------------------------------------------------------------------


@pytest.mark.django_db
def test_register_page_asks_only_for_pseudonym_password_and_perspective(client):
    response = client.get(reverse("accounts:register"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == {"pseudonym", "password", "perspective"}
    html = response.content.decode()
    assert 'type="email"' not in html
    assert 'type="tel"' not in html
    # The suggestion button asks the server through htmx for a fresh pseudonym.
    assert f'hx-get="{reverse("accounts:suggest")}"' in html
    assert form.initial["pseudonym"]


@pytest.mark.django_db
def test_registering_in_the_browser_signs_in_without_javascript(client):
    response = client.post(
        reverse("accounts:register"),
        {
            "pseudonym": "Heller Morgen",
            "password": GOOD_PASSWORD,
            "perspective": "relative",
            "role": "moderator",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pseudonym="Heller Morgen")
    assert user.perspective == "relative"
    assert not user.role_grants.exists()
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_registering_takes_the_language_of_the_page(client):
    client.cookies["augenhoehe_language"] = "en"
    client.post(reverse("accounts:register"), {"pseudonym": "Ida", "password": GOOD_PASSWORD})
    assert User.objects.get(pseudonym="Ida").language == "en"


@pytest.mark.django_db
def test_web_form_shows_a_taken_pseudonym_as_a_field_error(cast, client):
    response = client.post(
        reverse("accounts:register"), {"pseudonym": "mira", "password": GOOD_PASSWORD}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["pseudonym"] == ["Dieses Pseudonym ist schon vergeben."]
    assert "Bitte prüfe das Formular" in response.content.decode()


@pytest.mark.django_db
def test_web_form_shows_password_errors(client):
    response = client.post(
        reverse("accounts:register"), {"pseudonym": "Ida", "password": "password"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(pseudonym="Ida").exists()


@pytest.mark.django_db
def test_suggest_returns_a_free_valid_pseudonym_input(client):
    response = client.get(reverse("accounts:suggest"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="pseudonym"' in html
    value = html.split('value="', 1)[1].split('"', 1)[0]
    validate_pseudonym(value)
    assert not User.objects.filter(pseudonym__iexact=value).exists()


@pytest.mark.django_db
def test_suggest_only_answers_get(client):
    assert client.post(reverse("accounts:suggest")).status_code == 405


@pytest.mark.django_db
def test_api_suggests_a_pseudonym(anon_api):
    response = anon_api.get("auth/suggest-pseudonym")
    assert response.status_code == 200
    validate_pseudonym(response.json()["pseudonym"])
