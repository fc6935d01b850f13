"""Log-in through the API and the web form; the per-account lock after repeated failures."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from conftest import PASSWORD
from django.conf import settings
from django.urls import reverse

LIMIT = settings.AXES_FAILURE_LIMIT
COOLOFF_MINUTES = round(settings.AXES_COOLOFF_TIME * 60)


def api_login(anon_api, pseudonym, password):
    return anon_api.post("auth/login", {"pseudonym": pseudonym, "password": password})


def web_login(client, pseudonym, password, **extra):
    return client.post(
        reverse("accounts:login"), {"pseudonym": pseudonym, "password": password, **extra}
    )


@pytest.mark.django_db
def test_api_login_returns_a_token(cast, anon_api):
    response = api_login(anon_api, "Mira", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["pseudonym"] == "Mira"
    assert body["token"].startswith("ah_")


@pytest.mark.django_db
def test_login_ignores_the_case_of_the_pseudonym(cast, anon_api):
    assert api_login(anon_api, "  mIRA ", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("pseudonym", "password"), [("Mira", "falsch-falsch"), ("Niemand", PASSWORD)]
)
@pytest.mark.django_db
def test_wrong_password_and_unknown_pseudonym_answer_alike(cast, anon_api, pseudonym, password):
    """401 with the same message, so the API does not reveal which pseudonyms exist."""
    response = api_login(anon_api, pseudonym, password)
    assert response.status_code == 401
    assert response.json() == {"detail": "Pseudonym oder Passwort stimmt nicht."}


@pytest.mark.django_db
def test_inactive_accounts_cannot_log_in(cast, anon_api):
    cast.mira.is_active = False
    cast.mira.save(update_fields=["is_active"])
    assert api_login(anon_api, "Mira", PASSWORD).status_code == 401


@pytest.mark.django_db
def test_web_login_signs_in_and_remembers_the_language(cast, client):
    cast.mira.language = "en"
    cast.mira.save(update_fields=["language"])
    response = web_login(client, "mira", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert response.cookies["augenhoehe_language"].value == "en"
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_web_login_follows_a_local_next_but_never_another_host(cast, client):
    local = web_login(client, "Mira", PASSWORD, next="/konto/profil/")
    assert local["Location"] == "/konto/profil/"
    client.logout()
    foreign = web_login(client, "Mira", PASSWORD, next="https://evil.example/")
    assert foreign["Location"] == reverse("core:home")


@pytest.mark.django_db
def test_web_login_with_a_wrong_password_shows_the_form_again(cast, client):
    response = web_login(client, "Mira", "falsch-falsch")
    assert response.status_code == 200
    assert "Pseudonym oder Passwort stimmt nicht." in response.content.decode()


@pytest.mark.django_db
def test_web_logout_needs_post(cast, client):
    client.force_login(cast.mira)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


# --- Lockout ---------------------------------------------------------------------------


def fail_until_locked(anon_api, spellings=("Mira", "MIRA", "mira", " mIra ")):
    responses = [
        api_login(anon_api, spellings[i % len(spellings)], "falsch-falsch") for i in range(LIMIT)
    ]
    assert [r.status_code for r in responses[:-1]] == [401] * (LIMIT - 1)
    return responses[-1]


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_with_429_and_retry_after(cast, anon_api):
    """After LIMIT failures: 429, a Retry-After in seconds and a message naming minutes."""
    response = fail_until_locked(anon_api)
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= COOLOFF_MINUTES * 60
    detail = response.json()["detail"]
    assert f"{COOLOFF_MINUTES} Minuten" in detail
    assert "gesperrt" in detail


@pytest.mark.django_db
def test_the_lock_holds_for_the_right_password_in_any_spelling(cast, anon_api):
    """Changing the case of the pseudonym does not get around the lock."""
    fail_until_locked(anon_api)
    for spelling in ("Mira", "MIRA", "mira", "mIrA"):
        response = api_login(anon_api, spelling, PASSWORD)
        assert response.status_code == 429, spelling
        assert "Retry-After" in response


@pytest.mark.django_db
def test_a_lock_on_one_account_leaves_others_alone(cast, anon_api):
    fail_until_locked(anon_api)
    assert api_login(anon_api, "Helga", PASSWORD).status_code == 200


@pytest.mark.django_db
def test_the_lock_message_is_english_for_english_readers(cast, client):
    from conftest import Api

    api = Api(client)
    client.cookies["augenhoehe_language"] = "en"
    response = fail_until_locked(api)
    assert f"Please try again in {COOLOFF_MINUTES} minutes." in response.json()["detail"]


@pytest.mark.django_db
def test_the_web_form_shows_the_lock_as_a_page_saying_when_to_retry(cast, client):
    for _ in range(LIMIT - 1):
        assert web_login(client, "Mira", "falsch-falsch").status_code == 200
    response = web_login(client, "MIRA", "falsch-falsch")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert f"in {COOLOFF_MINUTES} Minuten noch einmal" in html
    assert reverse("safety:crisis") in html
    assert web_login(client, "mira", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(cast, anon_api):
    from datetime import timedelta

    fail_until_locked(anon_api)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - timedelta(minutes=COOLOFF_MINUTES + 1)
    )
    assert api_login(anon_api, "Mira", PASSWORD).status_code == 200


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(cast, anon_api):
    for _ in range(LIMIT - 1):
        api_login(anon_api, "Mira", "falsch-falsch")
    assert api_login(anon_api, "Mira", PASSWORD).status_code == 200
    assert not AccessAttempt.objects.exists()
    for _ in range(LIMIT - 1):
        assert api_login(anon_api, "Mira", "falsch-falsch").status_code == 401


@pytest.mark.django_db
def test_no_ip_address_is_stored(cast, anon_api, client):
    """Failures are counted per account only; axes keeps no IP address and no access log."""
    fail_until_locked(anon_api)
    web_login(client, "Helga", "falsch-falsch", REMOTE_ADDR="203.0.113.9")
    api_login(anon_api, "Sam", PASSWORD)
    attempts = list(AccessAttempt.objects.all())
    assert {a.username for a in attempts} == {"mira", "helga"}
    assert all(not a.ip_address for a in attempts)
    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()
