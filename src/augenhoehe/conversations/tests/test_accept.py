"""Accepting: exactly one peer wins, capacity and limits hold, withdrawn stays withdrawn."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from augenhoehe.conversations import actions
from augenhoehe.conversations.models import Conversation, ConversationRequest
from augenhoehe.conversations.tests.conftest import ask, make_peer


@pytest.mark.django_db
def test_accepting_opens_a_conversation_room(ready):
    request = ask(ready.mira, text="Hallo")
    response = ready.api("peer").post(f"conversations/requests/{request.pk}/accept")
    assert response.status_code == 201
    body = response.json()
    assert body["room"] and body["your_role"] == "peer"
    assert body["seeker"]["pseudonym"] == "Mira"
    assert body["request"]["text"] == "Hallo"  # after accepting, the peer reads the words
    conversation = Conversation.objects.get(pk=body["id"])
    assert conversation.room.kind == "conversation"
    assert ready.api("mira").get(f"conversations/requests/{request.pk}").json()["room"] == (
        conversation.room_id
    )


@pytest.mark.django_db
def test_the_second_peer_is_told_kindly(ready, second_peer):
    """The conditional UPDATE decides: the second accept finds no waiting request."""
    make_peer(second_peer)
    request = ask(ready.mira)
    assert ready.api("peer").post(f"conversations/requests/{request.pk}/accept").status_code == 201
    from conftest import Api
    from django.test import Client

    from augenhoehe.accounts.actions import issue_token

    late = Api(Client(), issue_token(second_peer)).post(
        f"conversations/requests/{request.pk}/accept"
    )
    assert late.status_code == 409
    assert "Danke" in late.json()["detail"] or "Thank" in late.json()["detail"]
    assert Conversation.objects.count() == 1


@pytest.mark.django_db
def test_a_peer_at_capacity_cannot_accept(ready):
    actions.save_peer_profile(ready.peer, capacity=1)
    actions.accept_request(ready.peer, ask(ready.mira).pk)
    second = ask(ready.helga)
    response = ready.api("peer").post(f"conversations/requests/{second.pk}/accept")
    assert response.status_code == 409
    second.refresh_from_db()
    assert second.status == "waiting"


@pytest.mark.django_db
def test_an_unavailable_peer_cannot_accept(ready):
    actions.set_availability(ready.peer, available=False)
    request = ask(ready.mira)
    assert ready.api("peer").post(f"conversations/requests/{request.pk}/accept").status_code == 409


@pytest.mark.django_db
def test_the_daily_limit_is_kept(ready, settings):
    """Time in conversations since local midnight counts; past the limit, no new accept."""
    settings.CONVERSATIONS = {**settings.CONVERSATIONS, "PEER_DAILY_HOURS": 0.001}  # 3.6 s
    first = actions.accept_request(ready.peer, ask(ready.mira).pk)
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    Conversation.objects.filter(pk=first.pk).update(started=midnight - timedelta(hours=1))
    response = ready.api("peer").post(f"conversations/requests/{ask(ready.helga).pk}/accept")
    assert response.status_code == 409


@pytest.mark.django_db
def test_a_withdrawn_request_cannot_be_accepted(ready):
    request = ask(ready.mira)
    actions.cancel_request(ready.mira, request.pk)
    response = ready.api("peer").post(f"conversations/requests/{request.pk}/accept")
    assert response.status_code == 404
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_a_peer_cannot_accept_their_own_request(ready):
    request = ask(ready.peer)
    assert ready.api("peer").post(f"conversations/requests/{request.pk}/accept").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["helga", "outsider", "professional", "moderator"])
def test_only_peers_can_accept(ready, who):
    request = ask(ready.mira)
    response = ready.api(who).post(f"conversations/requests/{request.pk}/accept")
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "waiting"


def _race(users, request_id):
    barrier = threading.Barrier(len(users))
    results = []

    def attempt(user):
        try:
            barrier.wait()
            conv = actions.accept_request(user, request_id)
            results.append(("won", user.pk, conv.pk))
        except actions.Conflict:
            results.append(("lost", user.pk, None))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_peers_accepting_at_once_exactly_one_wins(cast, second_peer):
    """Two threads, two connections, one moment: one conversation, one kind refusal."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race runs on PostgreSQL")
    make_peer(cast.peer)
    make_peer(second_peer)
    for _round in range(5):
        request = ask(cast.mira)
        results = _race([cast.peer, second_peer], request.pk)
        assert sorted(r[0] for r in results) == ["lost", "won"]
        assert Conversation.objects.filter(request=request).count() == 1
        assert ConversationRequest.objects.get(pk=request.pk).status == "accepted"
        actions.end_conversation(cast.mira, results[[r[0] for r in results].index("won")][2])


@pytest.mark.django_db(transaction=True)
def test_one_peer_accepting_twice_at_once_keeps_capacity(cast):
    """The profile row lock: a peer with room for one cannot take two at the same moment."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter")
    from conftest import make_person

    make_peer(cast.peer, capacity=1)
    jonas = make_person("Jonas")
    first, second = ask(cast.mira), ask(jonas)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(request_id):
        try:
            barrier.wait()
            actions.accept_request(cast.peer, request_id)
            outcomes.append("won")
        except actions.Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(r.pk,)) for r in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["refused", "won"]
    assert Conversation.objects.filter(peer=cast.peer).count() == 1
