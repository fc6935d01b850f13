"""Trusted roles come only from an administrator: the grant-role command or Django admin."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from augenhoehe.accounts import actions
from augenhoehe.accounts.models import PeerCertificate, Role, RoleGrant


def grant(*args):
    out = io.StringIO()
    call_command("grant_role", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_grant_role_gives_the_role(cast):
    output = grant("mira", "peer")
    assert "Mira now has role peer" in output
    assert cast.mira.role_grants.filter(role=Role.PEER).exists()
    cast.mira.__dict__.pop("_role_cache", None)
    assert cast.mira.is_peer


@pytest.mark.django_db
def test_grant_role_twice_keeps_one_grant(cast):
    grant("Mira", "moderator")
    grant("Mira", "moderator")
    assert RoleGrant.objects.filter(user=cast.mira, role=Role.MODERATOR).count() == 1


@pytest.mark.django_db
def test_grant_role_can_record_a_verified_exin_certificate(cast):
    grant("Mira", "peer", "--exin", "EX-IN Hamburg")
    certificate = PeerCertificate.objects.get(user=cast.mira)
    assert certificate.issuer == "EX-IN Hamburg"
    assert certificate.verified_at is not None


def test_the_console_command_takes_a_hyphen():
    """``augenhoehe grant-role PSEUDONYM ROLE`` is the documented spelling."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "augenhoehe", "grant-role", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "{peer,professional,moderator,orgadmin}" in result.stdout


@pytest.mark.django_db
def test_grant_role_to_an_unknown_pseudonym_fails(cast):
    with pytest.raises(CommandError, match="No account"):
        grant("Niemand", "peer")


@pytest.mark.django_db
def test_grant_role_with_an_unknown_role_fails(cast):
    with pytest.raises(CommandError, match="invalid choice"):
        grant("Mira", "superhero")
    assert not cast.mira.role_grants.exists()


@pytest.mark.django_db
def test_revoke_takes_the_role_away(cast):
    grant("Lena", "moderator", "--revoke")
    assert not cast.moderator.role_grants.exists()


@pytest.mark.django_db
def test_the_grant_action_refuses_unknown_roles(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.grant_role(cast.mira, "superhero")


# --- Django admin ----------------------------------------------------------------------


@pytest.mark.django_db
def test_orgadmin_reaches_the_admin_and_the_accounts(cast, client):
    grant("Helga", "orgadmin")
    cast.helga.refresh_from_db()
    assert cast.helga.is_staff
    client.force_login(cast.helga)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:safety_crisisresource_changelist")).status_code == 200


@pytest.mark.django_db
def test_orgadmin_logs_in_to_the_admin_with_the_pseudonym(cast, client):
    grant("Helga", "orgadmin")
    from conftest import PASSWORD

    response = client.post(
        reverse("admin:login"),
        {"username": "helga", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("name", ["mira", "helga", "outsider", "peer", "professional", "moderator"])
@pytest.mark.django_db
def test_who_cannot_reach_the_admin(cast, client, name):
    """Everybody without orgadmin (or superuser) is sent to the admin log-in."""
    client.force_login(cast[name])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


@pytest.mark.django_db
def test_revoking_orgadmin_closes_the_admin(cast, client):
    grant("Helga", "orgadmin")
    grant("Helga", "orgadmin", "--revoke")
    client.force_login(cast.helga)
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_a_role_granted_in_the_admin_records_who_granted_it(cast, client):
    grant("Helga", "orgadmin")
    client.force_login(cast.helga)
    response = client.post(
        reverse("admin:accounts_rolegrant_add"), {"user": cast.mira.pk, "role": "peer"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    role_grant = RoleGrant.objects.get(user=cast.mira, role="peer")
    assert role_grant.granted_by == cast.helga
    assert role_grant.granted_at is not None
