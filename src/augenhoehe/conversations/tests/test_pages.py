"""The web pages, German by default, working without JavaScript; and their gates."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from augenhoehe.conversations import actions
from augenhoehe.conversations.models import Conversation, ConversationRequest
from augenhoehe.conversations.tests.conftest import ask


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_anonymous_visitors_see_how_to_join_and_alternatives(client):
    page = client.get(reverse("conversations:home")).content.decode()
    assert "Mit einem Peer sprechen" in page
    assert "Mit einem Pseudonym mitmachen" in page
    assert "Krisendienste, Tag und Nacht" in page


@pytest.mark.django_db
def test_without_available_peers_the_form_says_so_at_once(cast):
    page = browser(cast.mira).get(reverse("conversations:home")).content.decode()
    assert "Gerade ist kein Peer verfügbar." in page
    assert "In eine Selbsthilfegruppe gehen" in page


@pytest.mark.django_db
def test_the_whole_journey_without_javascript(ready):
    mira, sam = browser(ready.mira), browser(ready.peer)
    response = mira.post(
        reverse("conversations:ask"), {"topics": ["anxiety"], "text": "Hallo", "language": "de"}
    )
    request = ConversationRequest.objects.get(seeker=ready.mira)
    assert response.url == reverse("conversations:waiting", args=[request.pk])
    waiting = mira.get(response.url).content.decode()
    assert "Dein Platz in der Warteschlange:" in waiting and "etwa 2 Minuten" in waiting
    assert mira.get(reverse("conversations:home")).url == response.url  # back to waiting
    room = sam.get(reverse("conversations:waiting_room")).content.decode()
    assert "gleiches Thema: Angst · Sprache: Deutsch" in room
    assert "Hallo" not in room.split("Wartende Anfragen")[1]  # words stay private
    accepted = sam.post(reverse("conversations:accept", args=[request.pk]))
    conversation = Conversation.objects.get()
    assert accepted.url == reverse("conversations:conversation", args=[conversation.pk])
    assert mira.get(response.url).url == accepted.url  # the waiting page moves on
    send_url = reverse("conversations:send", args=[conversation.pk])
    mira.post(send_url, {"body": "Danke, dass du da bist", "client_id": "web-1"})
    page = sam.get(accepted.url).content.decode()
    assert "Danke, dass du da bist" in page and "Hallo" in page
    mira.post(reverse("conversations:end", args=[conversation.pk]))
    ended = mira.get(accepted.url).content.decode()
    assert "Dieses Gespräch ist beendet." in ended and "Wie war es für dich?" in ended
    mira.post(reverse("conversations:feedback", args=[conversation.pk]), {"understood": "5"})
    assert conversation.feedback.understood == 5
    sam.post(reverse("conversations:debrief", args=[conversation.pk]), {"body": "gut gelaufen"})
    staff = browser(ready.professional).get(reverse("conversations:staff")).content.decode()
    assert "gut gelaufen" in staff
    mira.post(reverse("conversations:delete", args=[conversation.pk]))
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_withdrawing_from_the_waiting_page(cast):
    request = ask(cast.mira)
    client = browser(cast.mira)
    client.post(reverse("conversations:cancel", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == "cancelled"
    assert client.get(reverse("conversations:waiting", args=[request.pk])).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["helga", "outsider", "peer", "professional", "moderator"])
def test_pages_of_others_answer_404(ready, who):
    request = ask(ready.mira)
    other = ask(ready.helga) if who != "helga" else None
    conversation = actions.accept_request(ready.peer, (other or request).pk) if other else None
    client = browser(ready[who])
    assert client.get(reverse("conversations:waiting", args=[request.pk])).status_code == 404
    assert client.post(reverse("conversations:cancel", args=[request.pk])).status_code == 404
    if conversation is not None and who != "peer":
        for name in ("conversation",):
            url = reverse(f"conversations:{name}", args=[conversation.pk])
            assert client.get(url).status_code == 404
        for name in ("send", "end", "feedback", "delete", "handover", "debrief"):
            url = reverse(f"conversations:{name}", args=[conversation.pk])
            assert (
                client.post(url, {"body": "x", "client_id": "x", "understood": "5"}).status_code
                == 404
            )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["mira", "outsider", "professional", "moderator"])
def test_peer_pages_are_for_peers(ready, who):
    client = browser(ready[who])
    assert client.get(reverse("conversations:waiting_room")).status_code == 404
    assert client.get(reverse("conversations:peer_profile")).status_code == 404
    assert client.post(reverse("conversations:availability"), {"available": "1"}).status_code == 404
    request = ask(ready.helga)
    assert client.post(reverse("conversations:accept", args=[request.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["mira", "peer"])
def test_the_duty_desk_is_for_professionals_and_moderators(cast, who):
    client = browser(cast[who])
    assert client.get(reverse("conversations:staff")).status_code == 404
    assert client.post(reverse("conversations:on_duty"), {"on": "1"}).status_code == 404


@pytest.mark.django_db
def test_peer_profile_and_availability_pages(cast):
    client = browser(cast.peer)
    page = client.get(reverse("conversations:peer_profile")).content.decode()
    assert "Themen, die ich selbst erlebt habe" in page
    client.post(
        reverse("conversations:peer_profile"),
        {
            "topics": ["trauma"],
            "languages": ["de"],
            "gender": "",
            "about": "",
            "capacity": "2",
        },
    )
    client.post(reverse("conversations:availability"), {"available": "1"})
    room = client.get(reverse("conversations:waiting_room")).content.decode()
    assert "Du bist für Gespräche verfügbar." in room


@pytest.mark.django_db
def test_english_pages(ready):
    client = browser(ready.mira)
    client.cookies["augenhoehe_language"] = "en"
    page = client.get(reverse("conversations:home")).content.decode()
    assert "Ask for a conversation" in page
