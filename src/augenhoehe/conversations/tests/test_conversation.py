"""Inside a conversation: who can read it, end it, hand it over, give feedback, delete it."""

from __future__ import annotations

import pytest

from augenhoehe.chat.models import Message, Room
from augenhoehe.conversations import actions
from augenhoehe.conversations.models import Conversation, ConversationRequest, DebriefNote
from augenhoehe.conversations.tests.conftest import make_peer

OTHERS = ["helga", "outsider", "professional", "moderator"]


def history(cast, who, conversation):
    return cast.api(who).get(f"rooms/{conversation.room_id}/messages")


@pytest.mark.django_db
def test_both_participants_read_and_write_the_room(ready, conversation):
    for who in ("mira", "peer"):
        api = ready.api(who)
        assert api.get(f"conversations/{conversation.pk}").status_code == 200
        sent = api.post(
            f"rooms/{conversation.room_id}/messages", {"body": f"Hallo von {who}", "client_id": who}
        )
        assert sent.status_code == 201
    assert history(ready, "mira", conversation).json()["last_seq"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_reads_the_conversation_or_its_room(ready, conversation, who):
    """Outsiders, other members, professionals not on duty, moderators: the same 404."""
    api = ready.api(who)
    missing = api.get("conversations/999999").json()
    assert api.get(f"conversations/{conversation.pk}").json() == missing
    for response in (
        api.get(f"conversations/{conversation.pk}"),
        api.post(f"conversations/{conversation.pk}/end"),
        api.post(f"conversations/{conversation.pk}/feedback", {"understood": 5}),
        api.delete(f"conversations/{conversation.pk}"),
        api.post(f"conversations/{conversation.pk}/handover", {"to": "on_duty"}),
        history(ready, who, conversation),
        api.post(f"rooms/{conversation.room_id}/messages", {"body": "x", "client_id": "x"}),
    ):
        assert response.status_code == 404
    conversation.refresh_from_db()
    assert conversation.is_open


@pytest.mark.django_db
def test_another_peer_cannot_read_a_conversation(ready, conversation, second_peer):
    from conftest import Api
    from django.test import Client

    from augenhoehe.accounts.actions import issue_token

    api = Api(Client(), issue_token(second_peer))
    assert api.get(f"conversations/{conversation.pk}").status_code == 404
    assert api.get(f"rooms/{conversation.room_id}/messages").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["mira", "peer"])
def test_either_side_ends_and_the_room_closes(ready, conversation, who):
    response = ready.api(who).post(f"conversations/{conversation.pk}/end")
    assert response.status_code == 200
    assert response.json()["status"] == "ended"
    for person in ("mira", "peer"):
        # history stays readable on the conversation page; the chat room is closed
        assert ready.api(person).get(f"conversations/{conversation.pk}").status_code == 200
        sent = ready.api(person).post(
            f"rooms/{conversation.room_id}/messages", {"body": "noch da?", "client_id": "late"}
        )
        assert sent.status_code == 404


@pytest.mark.django_db
def test_feedback_only_by_the_seeker_only_after_the_end_only_once(ready, conversation):
    url = f"conversations/{conversation.pk}/feedback"
    mira = ready.api("mira")
    too_early = mira.post(url, {"understood": 4})
    assert too_early.status_code == 409
    actions.end_conversation(ready.mira, conversation.pk)
    assert ready.api("peer").post(url, {"understood": 5}).status_code == 403
    assert mira.post(url, {"understood": 6}).status_code == 422
    assert mira.post(url, {"understood": 0}).json()["errors"]["understood"]
    given = mira.post(url, {"understood": 4, "comment": "Danke"})
    assert given.status_code == 201
    assert given.json() == {"understood": 4, "comment": "Danke"}
    assert mira.post(url, {"understood": 5}).status_code == 409
    assert mira.get(f"conversations/{conversation.pk}").json()["feedback_given"] is True


@pytest.mark.django_db
def test_the_seeker_deletes_everything_at_once(ready, conversation):
    actions.write_debrief(ready.peer, conversation.pk, body="schwer, aber gut")
    ready.api("mira").post(
        f"rooms/{conversation.room_id}/messages", {"body": "geheim", "client_id": "a"}
    )
    assert ready.api("peer").delete(f"conversations/{conversation.pk}").status_code == 403
    response = ready.api("mira").delete(f"conversations/{conversation.pk}")
    assert response.status_code == 204
    assert not Conversation.objects.exists()
    assert not ConversationRequest.objects.exists()
    assert not Room.objects.filter(pk=conversation.room_id).exists()
    assert not Message.objects.exists()
    assert not DebriefNote.objects.exists()
    assert ready.api("peer").get(f"conversations/{conversation.pk}").status_code == 404


@pytest.mark.django_db
def test_handover_to_another_peer_moves_access(ready, conversation, second_peer):
    from conftest import Api
    from django.test import Client

    from augenhoehe.accounts.actions import issue_token

    make_peer(second_peer)
    ayse = Api(Client(), issue_token(second_peer))
    assert ayse.get(f"conversations/{conversation.pk}").status_code == 404
    response = ready.api("peer").post(
        f"conversations/{conversation.pk}/handover", {"to": second_peer.pk, "note": "Angst, ruhig"}
    )
    assert response.status_code == 200
    assert ayse.get(f"conversations/{conversation.pk}").json()["your_role"] == "peer"
    assert ayse.get(f"rooms/{conversation.room_id}/messages").status_code == 200
    assert ready.api("peer").get(f"conversations/{conversation.pk}").status_code == 404
    assert ready.api("peer").get(f"rooms/{conversation.room_id}/messages").status_code == 404
    inbox = ayse.get("conversations/handovers").json()["handovers"]
    assert inbox[0]["note"] == "Angst, ruhig" and inbox[0]["from"]["pseudonym"] == "Sam"
    assert ready.api("mira").get(f"conversations/{conversation.pk}").json()["peer"]["id"] == (
        second_peer.pk
    )


@pytest.mark.django_db
def test_handover_to_the_professional_on_duty(ready, conversation):
    pro = ready.api("professional")
    url = f"conversations/{conversation.pk}/handover"
    nobody = ready.api("peer").post(url, {"to": "on_duty"})
    assert nobody.status_code == 409
    assert pro.post("conversations/on-duty", {"on": True}).json()["on_duty"] is True
    handed = ready.api("peer").post(url, {"to": "on_duty", "note": "bitte übernehmen"})
    assert handed.status_code == 200
    body = pro.get(f"conversations/{conversation.pk}").json()
    assert body["your_role"] == "professional" and body["peer"] is None
    assert pro.get(f"rooms/{conversation.room_id}/messages").status_code == 200
    assert ready.api("peer").get(f"rooms/{conversation.room_id}/messages").status_code == 404
    assert pro.get("conversations/handovers").json()["handovers"][0]["note"] == "bitte übernehmen"
    assert ready.api("moderator").get(f"conversations/{conversation.pk}").status_code == 404


@pytest.mark.django_db
def test_the_seeker_cannot_hand_over(ready, conversation):
    ready.api("professional").post("conversations/on-duty", {"on": True})
    response = ready.api("mira").post(
        f"conversations/{conversation.pk}/handover", {"to": "on_duty"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_only_professionals_and_moderators_go_on_duty(ready):
    for who in ("mira", "peer"):
        assert ready.api(who).post("conversations/on-duty", {"on": True}).status_code == 404
    # moderators receive crisis alerts on duty (handovers stay with professionals)
    response = ready.api("moderator").post("conversations/on-duty", {"on": True})
    assert response.status_code == 200 and response.json()["on_duty"] is True


@pytest.mark.django_db
def test_debrief_notes_are_for_the_peer_and_supervision_only(ready, conversation):
    url = f"conversations/{conversation.pk}/debrief"
    written = ready.api("peer").post(url, {"body": "Es ging um Prüfungsangst."})
    assert written.status_code == 201
    assert ready.api("peer").get("conversations/debriefs").json()["notes"][0]["body"]
    supervision = ready.api("professional").get("conversations/debriefs").json()["notes"]
    assert supervision[0]["author"]["pseudonym"] == "Sam"
    for who in ("mira", "helga", "outsider", "moderator"):
        assert ready.api(who).get("conversations/debriefs").json()["notes"] == []
        assert ready.api(who).post(url, {"body": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_peer_who_handed_over_can_still_write_a_debrief(ready, conversation):
    ready.api("professional").post("conversations/on-duty", {"on": True})
    actions.handover(ready.peer, conversation.pk, to="on_duty", note="")
    response = ready.api("peer").post(f"conversations/{conversation.pk}/debrief", {"body": "ok"})
    assert response.status_code == 201


@pytest.mark.django_db
def test_handover_input_errors_have_the_error_shape(ready, conversation):
    response = ready.api("peer").post(f"conversations/{conversation.pk}/handover", {"to": "x"})
    assert response.status_code == 422
    assert "to" in response.json()["errors"]
