"""Auto-offer mode: the best-fitting available peer gets the request first, for N seconds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from augenhoehe.conversations import actions
from augenhoehe.conversations.models import Offer
from augenhoehe.conversations.tests.conftest import ask, make_peer


@pytest.fixture
def offer_mode(settings):
    settings.CONVERSATIONS = {**settings.CONVERSATIONS, "AUTO_OFFER_SECONDS": 60}


@pytest.mark.django_db
def test_offer_goes_to_the_best_fit_then_passes_on(
    ready, second_peer, offer_mode, django_capture_on_commit_callbacks
):
    make_peer(second_peer, topics=["trauma"])
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(ready.mira, topics=["trauma"])
    offer = Offer.objects.get(request=request, status="open")
    assert offer.peer == second_peer
    # Sam may not take it while it is offered to Ayse
    assert ready.api("peer").get("conversations/queue").json()["requests"] == []
    response = ready.api("peer").post(f"conversations/requests/{request.pk}/accept")
    assert response.status_code == 409
    # after expiry it goes to the next peer
    later = timezone.now() + timedelta(seconds=61)
    assert actions.advance_offers(now=later) == 1
    assert Offer.objects.get(request=request, status="open").peer == ready.peer
    assert ready.api("peer").get("conversations/queue").json()["requests"][0]["offered_to_you"]


@pytest.mark.django_db
def test_the_offered_peer_accepts(ready, offer_mode):
    request = ask(ready.mira)
    actions.advance_offers()
    conversation = actions.accept_request(ready.peer, request.pk)
    assert conversation.peer == ready.peer
    assert Offer.objects.get(request=request).status == "accepted"


@pytest.mark.django_db
def test_without_a_free_peer_the_request_stays_open_for_all(ready, offer_mode):
    actions.set_availability(ready.peer, available=False)
    request = ask(ready.mira)
    assert actions.advance_offers() == 0
    assert not Offer.objects.filter(request=request).exists()
