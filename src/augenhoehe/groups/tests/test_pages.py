"""The group pages through the test client, without JavaScript."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from augenhoehe.chat.models import Message
from augenhoehe.core.lib.export import collect_exports
from augenhoehe.groups import actions
from augenhoehe.groups.models import Group, Membership, ModerationRecord

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_is_public_and_filters(client, cast):
    actions.create_group(name="Angst & Panik", topic="anxiety")
    actions.create_group(name="Allein unterwegs", topic="loneliness", audience="young")
    page = client.get("/gruppen/")
    assert page.status_code == 200
    assert (
        "Angst &amp; Panik" in page.content.decode() and "Allein unterwegs" in page.content.decode()
    )
    filtered = client.get("/gruppen/", {"topic": "anxiety"}).content.decode()
    assert "Angst &amp; Panik" in filtered and "Allein unterwegs" not in filtered
    searched = client.get("/gruppen/", {"q": "allein"}).content.decode()
    assert "Allein unterwegs" in searched and "Panik" not in searched


def test_list_htmx_returns_the_results_partial(client, cast):
    actions.create_group(name="Angst & Panik", topic="anxiety")
    response = client.get("/gruppen/", {"topic": "anxiety"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content and b"Angst &amp; Panik" in response.content


def test_list_shows_unread_for_members(cast, group):
    actions.join_group(cast.outsider, group.pk, accept_rules=True)
    cast.api("helga").post(f"rooms/{group.room_id}/messages", {"body": "Hallo", "client_id": "1"})
    assert "unread" in client_for(cast.mira).get("/gruppen/").content.decode()


def test_german_page(cast, group):
    page = client_for(cast.outsider).get(group.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    text = page.content.decode()
    assert "Gruppenregeln" in text and "Ich habe die Gruppenregeln gelesen" in text


def test_public_page_hides_members_and_chat(client, cast, group):
    cast.api("mira").post(f"rooms/{group.room_id}/messages", {"body": "Privat!", "client_id": "1"})
    for viewer in (client, client_for(cast.outsider)):
        text = viewer.get(group.get_absolute_url()).content.decode()
        assert "Abendrunde" in text and "Respekt." in text
        assert "Privat!" not in text and "Helga" not in text and 'id="chat"' not in text


def test_join_requires_the_rules_checkbox(cast, group):
    client = client_for(cast.outsider)
    response = client.post(f"/gruppen/{group.slug}/beitreten/")
    assert response.status_code == 422 and b'aria-invalid="true"' in response.content
    assert not Membership.objects.filter(user=cast.outsider).exists()
    response = client.post(f"/gruppen/{group.slug}/beitreten/", {"accept_rules": "on"})
    assert response.status_code == 302
    assert 'id="chat"' in client.get(group.get_absolute_url()).content.decode()


def test_join_needs_login(client, cast, group):
    response = client.post(f"/gruppen/{group.slug}/beitreten/", {"accept_rules": "on"})
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


def test_member_page_shows_members_chat_and_leave(cast, group):
    cast.api("mira").post(
        f"rooms/{group.room_id}/messages",
        {"body": "Siehe https://example.org/hilfe. <b>x</b>", "client_id": "1"},
    )
    text = client_for(cast.helga).get(group.get_absolute_url()).content.decode()
    assert 'role="log"' in text and "Krause" in text and "Sam" in text
    assert (
        '<a href="https://example.org/hilfe" rel="noopener noreferrer nofollow">'
        "https://example.org/hilfe</a>."
    ) in text
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "<b>x</b>" not in text
    assert "/static/chat/chat.js" in text


def test_trialog_labels_on_the_page(cast, trialog):
    for name in ("mira", "helga", "professional"):
        cast.api(name).post(f"rooms/{trialog.room_id}/messages", {"body": "Hi", "client_id": name})
    text = client_for(cast.mira).get(trialog.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    labels = re.findall(r'class="msg-perspective[^"]*">([^<]+)<', text.content.decode())
    assert labels == ["Betroffene:r", "Angehörige:r", "Fachkraft"]


def test_nojs_post_and_double_submit_store_one_message(cast, group):
    client = client_for(cast.mira)
    page = client.get(group.get_absolute_url()).content.decode()
    client_id = re.search(r'name="client_id" value="([^"]+)"', page).group(1)
    form = {"body": "Ohne JavaScript", "client_id": client_id}
    first = client.post(f"/gruppen/{group.slug}/nachricht/", form)
    second = client.post(f"/gruppen/{group.slug}/nachricht/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"].endswith("#chat")
    assert Message.objects.filter(room=group.room, body="Ohne JavaScript").count() == 1
    assert "Ohne JavaScript" in client.get(group.get_absolute_url()).content.decode()


def test_nojs_post_empty_shows_error(cast, group):
    response = client_for(cast.mira).post(
        f"/gruppen/{group.slug}/nachricht/", {"body": "   ", "client_id": "x1"}
    )
    assert response.status_code == 422 and b'id="id_body_error"' in response.content
    assert not Message.objects.exists()


def test_nojs_post_by_outsider_stores_nothing(cast, group):
    client_for(cast.outsider).post(
        f"/gruppen/{group.slug}/nachricht/", {"body": "Hallo", "client_id": "x1"}
    )
    assert not Message.objects.exists()


def test_nojs_delete_own_and_hide_as_facilitator(cast, group):
    # Bodies that cannot occur by chance in the page (CSRF tokens are random letters).
    bodies = {1: "Erste Nachricht, bald gelöscht", 2: "Zweite Nachricht, bald ausgeblendet"}
    for i, body in bodies.items():
        cast.api("mira").post(
            f"rooms/{group.room_id}/messages", {"body": body, "client_id": str(i)}
        )
    client_for(cast.mira).post(f"/gruppen/{group.slug}/nachricht/1/loeschen/")
    client_for(cast.helga).post(f"/gruppen/{group.slug}/nachricht/2/ausblenden/")
    assert Message.objects.get(seq=2).hidden_at is None  # helga is no facilitator
    client_for(cast.peer).post(f"/gruppen/{group.slug}/nachricht/2/ausblenden/")
    first, second = Message.objects.order_by("seq")
    assert first.deleted_at is not None and second.hidden_by == cast.peer
    text = client_for(cast.helga).get(group.get_absolute_url()).content.decode()
    assert bodies[1] not in text and bodies[2] not in text


def test_facilitator_tools_on_the_page(cast):
    closed = actions.create_group(
        name="Bipolar", topic="bipolar", join_policy="closed", created_by=cast.peer
    )
    actions.join_group(cast.mira, closed.pk, accept_rules=True)
    peer = client_for(cast.peer)
    assert "Mira" in peer.get(closed.get_absolute_url()).content.decode()
    peer.post(f"/gruppen/{closed.slug}/mitglieder/{cast.mira.pk}/aufnehmen/")
    assert Membership.objects.get(user=cast.mira).is_active
    peer.post(f"/gruppen/{closed.slug}/regeln-anheften/", {"pinned": "1"})
    assert Group.objects.get(pk=closed.pk).rules_pinned
    peer.post(f"/gruppen/{closed.slug}/mitglieder/{cast.mira.pk}/entfernen/", {"reason": "Test"})
    assert Membership.objects.get(user=cast.mira).status == "removed"
    assert ModerationRecord.objects.count() == 3


@pytest.mark.parametrize("who", ["mira", "outsider"])
def test_who_cannot_use_facilitator_pages(cast, group, who):
    client = client_for(cast[who])
    expected = 404 if who == "outsider" else 403
    assert (
        client.post(f"/gruppen/{group.slug}/regeln-anheften/", {"pinned": "1"}).status_code
        == expected
    )
    assert (
        client.post(f"/gruppen/{group.slug}/mitglieder/{cast.helga.pk}/entfernen/").status_code
        == expected
    )
    assert not ModerationRecord.objects.exists()


def test_facilitator_tools_not_shown_to_members(cast, group):
    text = client_for(cast.mira).get(group.get_absolute_url()).content.decode()
    assert "/entfernen/" not in text and "/regeln-anheften/" not in text


def test_leave_via_page(cast, group):
    client = client_for(cast.mira)
    assert client.post(f"/gruppen/{group.slug}/verlassen/").status_code == 302
    assert not Membership.objects.filter(user=cast.mira).exists()


def test_demo_is_idempotent(db):
    call_command("demo", stdout=io.StringIO())
    counts = (
        Group.objects.count(),
        Membership.objects.count(),
        Message.objects.count(),
        ModerationRecord.objects.count(),
    )
    call_command("demo", stdout=io.StringIO())
    assert counts == (
        Group.objects.count(),
        Membership.objects.count(),
        Message.objects.count(),
        ModerationRecord.objects.count(),
    )
    assert counts[0] >= 6 and counts[2] > 0
    trialog = Group.objects.get(name="Psychose-Erfahrung (Trialog)")
    assert trialog.room.label_perspectives
    assert set(
        trialog.memberships.filter(is_facilitator=True).values_list("user__pseudonym", flat=True)
    ) == {"Sam"}


def test_export_lists_memberships(cast, group):
    [entry] = collect_exports(cast.mira)["group_memberships"]
    assert entry["group"] == "Abendrunde" and entry["status"] == "active"


# --- starting a group ---------------------------------------------------------------------
NEW_GROUP = {
    "name": "Neu: Abendkreis",
    "topic": "depression",
    "description": "Dienstags um 19 Uhr, online.",
    "language": "de",
    "audience": "trialog",
    "join_policy": "closed",
    "rules": "Was hier gesagt wird, bleibt hier.",
}


@pytest.mark.parametrize("name", ["peer", "moderator"])
def test_peer_supporters_and_moderators_start_a_group_and_facilitate_it(cast, name):
    client = client_for(cast[name])
    assert "/gruppen/neu/" in client.get("/gruppen/").content.decode()
    assert client.get("/gruppen/neu/").status_code == 200
    response = client.post("/gruppen/neu/", NEW_GROUP)
    group = Group.objects.get(name="Neu: Abendkreis")
    assert response.status_code == 302 and response["Location"] == f"/gruppen/{group.slug}/"
    assert (group.topic, group.audience, group.join_policy) == ("depression", "trialog", "closed")
    assert group.room.label_perspectives  # a Trialog group labels perspectives
    membership = Membership.objects.get(group=group, user=cast[name])
    assert membership.is_facilitator and membership.is_active
    page = client.get(f"/gruppen/{group.slug}/").content.decode()
    assert "Die Gruppe ist offen. Du begleitest sie." in page


@pytest.mark.parametrize("name", ["mira", "helga", "professional"])
def test_others_cannot_start_a_group(cast, name):
    client = client_for(cast[name])
    assert "/gruppen/neu/" not in client.get("/gruppen/").content.decode()
    assert client.get("/gruppen/neu/").status_code == 404
    assert client.post("/gruppen/neu/", NEW_GROUP).status_code == 404
    assert not Group.objects.filter(name="Neu: Abendkreis").exists()


def test_starting_a_group_without_login_asks_to_log_in(client):
    response = client.get("/gruppen/neu/")
    assert response.status_code == 302
    assert "next=/gruppen/neu/" in response["Location"]


def test_bad_input_for_a_new_group_gets_form_errors_and_keeps_what_was_typed(cast):
    client = client_for(cast.peer)
    data = dict(NEW_GROUP, name="   ", topic="not-a-topic")
    response = client.post("/gruppen/neu/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Bitte gib der Gruppe einen Namen." in page
    assert "Thema" in page and 'role="alert"' in page
    assert "Was hier gesagt wird, bleibt hier." in page  # the rules the person wrote stay
    assert not Group.objects.exists()


def test_a_group_named_like_the_new_page_gets_another_address(cast):
    group = actions.create_group(name="Neu", topic="other")
    assert group.slug != "neu"
    assert client_for(cast.mira).get(f"/gruppen/{group.slug}/").status_code == 200
