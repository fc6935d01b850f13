"""Live frames over /ws/: the queue place, the start, the end and a handover."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from augenhoehe.accounts.actions import issue_token
from augenhoehe.chat.tests.helpers import connect, frames_until, send, subscribe
from augenhoehe.conversations import actions
from augenhoehe.conversations.models import Priority
from augenhoehe.conversations.tests.conftest import ask, make_peer

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tokens(cast):
    make_peer(cast.peer)
    return {name: issue_token(user) for name, user in cast.items()}


async def no_frame_of(comm, kind):
    """A ping's pong arrives after everything published before it; nothing of ``kind``.
    (A receive timeout would cancel the communicator, so we never wait for silence.)"""
    await send(comm, {"type": "ping", "ref": "quiet?"})
    frames = await frames_until(comm, lambda f: f["type"] == "pong")
    return all(f["type"] != kind for f in frames)


async def test_seekers_hear_their_place_move_and_the_start(cast, tokens):
    mira, _ = await connect(tokens["mira"])
    helga, _ = await connect(tokens["helga"])
    first = await sync_to_async(ask)(cast.mira)
    frame = (await frames_until(mira, lambda f: f["type"] == "queue_update"))[-1]
    assert frame == {
        "type": "queue_update",
        "request": first.pk,
        "position": 1,
        "estimated_wait_seconds": 120,
        "status": "waiting",
    }
    second = await sync_to_async(ask)(cast.helga)
    frame = (await frames_until(helga, lambda f: f["type"] == "queue_update"))[-1]
    assert (frame["request"], frame["position"]) == (second.pk, 2)
    # Mira's place did not move when Helga joined behind her: no frame for her
    assert await no_frame_of(mira, "queue_update")

    # an urgent request from Helga moves her ahead; Mira hears she is now second
    await sync_to_async(actions.raise_priority)(
        second.pk, level=Priority.HIGH, reason_rule_ids=["x"]
    )
    frame = (await frames_until(mira, lambda f: f["type"] == "queue_update"))[-1]
    assert (frame["request"], frame["position"]) == (first.pk, 2)
    frame = (await frames_until(helga, lambda f: f["type"] == "queue_update"))[-1]
    assert frame["position"] == 1

    # Sam accepts Helga's: Mira moves up to 1
    conversation = await sync_to_async(actions.accept_request)(cast.peer, second.pk)
    started = (await frames_until(helga, lambda f: f["type"] == "conversation_started"))[-1]
    assert started == {
        "type": "conversation_started",
        "conversation": conversation.pk,
        "room": conversation.room_id,
    }
    frame = (await frames_until(mira, lambda f: f["type"] == "queue_update"))[-1]
    assert (frame["request"], frame["position"]) == (first.pk, 1)
    for comm in (mira, helga):
        await comm.disconnect()


async def test_the_peer_hears_the_start_and_both_chat_in_the_room(cast, tokens):
    sam, _ = await connect(tokens["peer"])
    mira, _ = await connect(tokens["mira"])
    request = await sync_to_async(ask)(cast.mira)
    conversation = await sync_to_async(actions.accept_request)(cast.peer, request.pk)
    for comm in (sam, mira):
        frame = (await frames_until(comm, lambda f: f["type"] == "conversation_started"))[-1]
        assert frame["room"] == conversation.room_id
        assert (await subscribe(comm, conversation.room_id))["type"] == "subscribed"
    await send(
        mira, {"type": "send", "room": conversation.room_id, "client_id": "m1", "body": "Hallo Sam"}
    )
    frame = (await frames_until(sam, lambda f: f["type"] == "message"))[-1]
    assert frame["body"] == "Hallo Sam"
    await sync_to_async(actions.end_conversation)(cast.peer, conversation.pk)
    for comm in (sam, mira):
        frames = await frames_until(comm, lambda f: f["type"] == "unsubscribed")
        assert {
            "type": "conversation_ended",
            "conversation": conversation.pk,
            "by": "helper",
        } in frames
    await send(
        mira, {"type": "send", "room": conversation.room_id, "client_id": "m2", "body": "noch da?"}
    )
    error = (await frames_until(mira, lambda f: f["type"] == "error"))[-1]
    assert error["code"] == "not_found"
    for comm in (sam, mira):
        await comm.disconnect()


async def test_outsiders_cannot_subscribe_to_a_conversation(cast, tokens):
    request = await sync_to_async(ask)(cast.mira)
    conversation = await sync_to_async(actions.accept_request)(cast.peer, request.pk)
    for who in ("helga", "outsider", "professional", "moderator"):
        comm, _ = await connect(tokens[who])
        answer = await subscribe(comm, conversation.room_id)
        assert answer["type"] == "error" and answer["code"] == "not_found"
        await comm.disconnect()


async def test_a_handover_removes_the_old_peer_live(cast, tokens):
    request = await sync_to_async(ask)(cast.mira)
    conversation = await sync_to_async(actions.accept_request)(cast.peer, request.pk)
    await sync_to_async(actions.set_on_duty)(cast.professional, on=True)
    sam, _ = await connect(tokens["peer"])
    pro, _ = await connect(tokens["professional"])
    assert (await subscribe(sam, conversation.room_id))["type"] == "subscribed"
    await sync_to_async(actions.handover)(cast.peer, conversation.pk, to="on_duty", note="")
    gone = (await frames_until(sam, lambda f: f["type"] == "unsubscribed"))[-1]
    assert gone == {
        "type": "unsubscribed",
        "room": conversation.room_id,
        "reason": "access_revoked",
    }
    frame = (await frames_until(pro, lambda f: f["type"] == "conversation_handed_over"))[-1]
    assert frame["room"] == conversation.room_id
    assert (await subscribe(pro, conversation.room_id))["type"] == "subscribed"
    for comm in (sam, pro):
        await comm.disconnect()


async def test_cancelling_tells_the_seeker_and_moves_the_rest_up(cast, tokens):
    first = await sync_to_async(ask)(cast.mira)
    second = await sync_to_async(ask)(cast.helga)
    mira, _ = await connect(tokens["mira"])
    helga, _ = await connect(tokens["helga"])
    await sync_to_async(actions.cancel_request)(cast.mira, first.pk)
    frame = (await frames_until(mira, lambda f: f["type"] == "queue_update"))[-1]
    assert frame == {
        "type": "queue_update",
        "request": first.pk,
        "position": None,
        "estimated_wait_seconds": None,
        "status": "cancelled",
    }
    frame = (await frames_until(helga, lambda f: f["type"] == "queue_update"))[-1]
    assert (frame["request"], frame["position"]) == (second.pk, 1)
    for comm in (mira, helga):
        await comm.disconnect()
