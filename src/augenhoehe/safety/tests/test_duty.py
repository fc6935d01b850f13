"""Moderators can go on duty too: crisis alerts go to them, handovers only to professionals."""

from __future__ import annotations

import pytest

from augenhoehe.conversations import actions as conv


@pytest.mark.django_db
def test_a_moderator_goes_on_duty_from_the_duty_desk(cast, client):
    from augenhoehe.conversations.safety_hooks import on_duty_ids

    client.force_login(cast.moderator)
    page = client.get(_desk_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "Mein Dienst" in body or "Duty desk" in body
    # a moderator sees no handover inbox and no peers' debrief notes
    assert "Übergeben" not in body and "Debrief" not in body
    response = client.post(_duty_url(), {"on": "1"})
    assert response.status_code == 302
    assert on_duty_ids() == [cast.moderator.pk]
    body = client.get(_desk_url()).content.decode()
    assert "Krisenmeldungen kommen zu dir" in body or "crisis alerts come to you" in body
    client.post(_duty_url(), {"on": "0"})
    assert on_duty_ids() == []


@pytest.mark.django_db
def test_people_without_a_staff_role_cannot_go_on_duty(cast, client):
    for person in (cast.mira, cast.peer):
        client.force_login(person)
        assert client.get(_desk_url()).status_code == 404
        assert client.post(_duty_url(), {"on": "1"}).status_code == 404


@pytest.mark.django_db
def test_a_moderator_on_duty_is_alerted_but_never_receives_a_handover(cast):
    from augenhoehe.conversations.safety_hooks import on_duty_ids

    conv.set_on_duty(cast.moderator, on=True)
    assert on_duty_ids() == [cast.moderator.pk]
    # handovers "to the professional on duty" look for professionals only
    assert conv.on_duty_professional() is None
    conv.set_on_duty(cast.professional, on=True)
    assert conv.on_duty_professional() == cast.professional
    assert sorted(on_duty_ids()) == sorted([cast.moderator.pk, cast.professional.pk])


@pytest.mark.django_db
def test_the_alert_list_links_to_the_duty_switch(cast, client):
    client.force_login(cast.moderator)
    page = client.get("/krisenhinweise/").content.decode()
    assert f'href="{_desk_url()}"' in page


def _desk_url() -> str:
    from django.urls import reverse

    return reverse("conversations:staff")


def _duty_url() -> str:
    from django.urls import reverse

    return reverse("conversations:on_duty")
