"""Flagged words move a waiting one-to-one request up the queue; "talk to a peer now"
starts a request at the highest priority. Uses the conversations app as wired."""

from __future__ import annotations

import pytest
from django.test import Client

from augenhoehe.conversations import actions as conv
from augenhoehe.conversations.matching import QUEUE_ORDER, waiting
from augenhoehe.conversations.models import ConversationRequest, Priority
from augenhoehe.safety.models import Alert, Flag
from augenhoehe.safety.tests.conftest import CONCERN_DE, RISKY_DE, send_api


def queue_ids():
    return list(waiting().order_by(*QUEUE_ORDER).values_list("seeker__pseudonym", flat=True))


@pytest.mark.django_db
def test_flagged_request_text_moves_up_high_before_concern_before_none(cast):
    conv.create_request(cast.outsider, topics=["anxiety"], text="Ich möchte einfach reden.")
    conv.create_request(cast.helga, topics=["anxiety"], text=CONCERN_DE)
    conv.create_request(cast.mira, topics=["anxiety"], text=RISKY_DE)
    assert queue_ids() == ["Mira", "Helga", "Olli"]
    mira = ConversationRequest.objects.get(seeker=cast.mira)
    assert mira.priority == Priority.HIGH
    assert mira.priority_reason_rules
    assert ConversationRequest.objects.get(seeker=cast.helga).priority == Priority.CONCERN
    assert ConversationRequest.objects.get(seeker=cast.outsider).priority == Priority.NONE


@pytest.mark.django_db
def test_flagged_request_text_is_stored_as_a_flag_without_the_text(cast):
    request = conv.create_request(cast.mira, topics=["anxiety"], text=RISKY_DE)
    flag = Flag.objects.get()
    assert (flag.context_kind, flag.object_id, flag.level) == ("request", request.pk, "high")
    assert "Tabletten" not in str(flag.rule_ids)
    assert Alert.objects.get().flag == flag
    assert request.priority == Priority.HIGH  # the returned object is up to date


@pytest.mark.django_db
def test_harmless_request_keeps_normal_priority(cast):
    request = conv.create_request(cast.mira, topics=["anxiety"], text="ich lach mich tot")
    assert request.priority == Priority.NONE
    assert not Flag.objects.exists()


@pytest.mark.django_db
def test_talk_now_starts_a_request_at_the_front_of_the_queue(cast):
    conv.create_request(cast.outsider, topics=["anxiety"], text="")
    client = Client()
    client.force_login(cast.mira)
    page = client.get("/hilfe/jetzt/")
    assert page.status_code == 200
    assert "tel:" in page.content.decode()
    response = client.post("/hilfe/jetzt/")
    request = ConversationRequest.objects.get(seeker=cast.mira)
    assert response.status_code == 302
    assert response["Location"] == f"/gespraeche/anfrage/{request.pk}/"
    assert request.priority == Priority.HIGH
    assert queue_ids() == ["Mira", "Olli"]


@pytest.mark.django_db
def test_talk_now_moves_an_existing_waiting_request_up(cast):
    conv.create_request(cast.outsider, topics=["anxiety"], text="")
    mine = conv.create_request(cast.mira, topics=["depression"], text="")
    client = Client()
    client.force_login(cast.mira)
    response = client.post("/hilfe/jetzt/")
    assert response["Location"] == f"/gespraeche/anfrage/{mine.pk}/"
    assert ConversationRequest.objects.filter(seeker=cast.mira).count() == 1
    assert queue_ids() == ["Mira", "Olli"]


@pytest.mark.django_db
def test_talk_now_needs_a_login(client):
    assert client.post("/hilfe/jetzt/").status_code == 302
    assert not ConversationRequest.objects.exists()


@pytest.mark.django_db
def test_high_in_a_conversation_alerts_with_a_link_to_the_conversation(cast):
    conv.save_peer_profile(cast.peer, topics=["anxiety"], languages=["de"])
    conv.set_availability(cast.peer, available=True)
    request = conv.create_request(cast.mira, topics=["anxiety"], text="Ich habe Angst.")
    conversation = conv.accept_request(cast.peer, request.pk)
    data = send_api(cast, "mira", conversation.room_id, RISKY_DE).json()
    assert data["support"]["level"] == "high"
    alert = Alert.objects.get()
    assert alert.flag.context_kind == "conversation"
    client = Client()
    client.force_login(cast.professional)
    page = client.get(f"/krisenhinweise/{alert.pk}/").content.decode()
    assert f'href="/gespraeche/{conversation.pk}/"' in page
    # The request was accepted already: its priority stays, nothing breaks.
    assert ConversationRequest.objects.get(pk=request.pk).priority == Priority.NONE


@pytest.mark.django_db
def test_on_duty_professional_is_the_one_alerted(cast, django_capture_on_commit_callbacks):
    """With someone on duty, the live alert goes to them alone (frames are checked over
    the socket in test_alerts; here: who the provider names)."""
    from augenhoehe.conversations.safety_hooks import on_duty_ids

    conv.set_on_duty(cast.professional, on=True)
    assert on_duty_ids() == [cast.professional.pk]
    conv.set_on_duty(cast.professional, on=False)
    assert on_duty_ids() == []


@pytest.mark.django_db
def test_a_flagged_request_text_shows_the_seeker_the_support_card_while_waiting(cast):
    client = Client()
    client.force_login(cast.mira)
    response = client.post(
        "/gespraeche/anfrage/", {"topics": ["anxiety"], "text": RISKY_DE, "language": "de"}
    )
    request = ConversationRequest.objects.get(seeker=cast.mira)
    assert response["Location"] == f"/gespraeche/anfrage/{request.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'class="card crisis-support"' in page
    assert 'href="tel:' in page  # crisis lines one tap away
    again = client.get(response["Location"]).content.decode()
    assert again.count('class="card crisis-support"') == 1  # still there, and only once
    other = Client()
    other.force_login(cast.helga)
    assert other.get(response["Location"]).status_code == 404  # the seeker's page alone


@pytest.mark.django_db
def test_a_harmless_request_text_shows_no_card(cast):
    client = Client()
    client.force_login(cast.mira)
    response = client.post(
        "/gespraeche/anfrage/", {"topics": ["anxiety"], "text": "Hallo!", "language": "de"}
    )
    page = client.get(response["Location"]).content.decode()
    assert 'class="card crisis-support"' not in page


@pytest.mark.django_db
def test_the_api_returns_the_support_card_with_a_flagged_request(cast):
    risky = cast.api("mira").post(
        "conversations/requests", {"topics": ["anxiety"], "text": RISKY_DE}
    )
    assert risky.status_code == 201
    card = risky.json()["support"]
    assert card["type"] == "crisis_support" and card["level"] == "high"
    assert card["resources"] and all(r["tel"].startswith("tel:") for r in card["resources"])
    calm = cast.api("helga").post("conversations/requests", {"topics": ["anxiety"], "text": "Hi"})
    assert calm.status_code == 201 and calm.json()["support"] is None
    # the seeker's own view of the request carries it too (a page that reconnects shows it)
    request_id = risky.json()["id"]
    again = cast.api("mira").get(f"conversations/requests/{request_id}").json()
    assert again["support"]["level"] == "high"
    assert cast.api("helga").get(f"conversations/requests/{request_id}").status_code == 404
    calm_id = calm.json()["id"]
    assert cast.api("helga").get(f"conversations/requests/{calm_id}").json()["support"] is None
