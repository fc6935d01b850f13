"""The group chat over the real WebSocket endpoint (/ws/) with the in-memory layer."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from augenhoehe.accounts.actions import issue_token
from augenhoehe.groups import actions

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(user):
    from augenhoehe.asgi import application

    token = await database_sync_to_async(issue_token)(user)
    socket = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"origin", b"http://testserver"), (b"authorization", f"Bearer {token}".encode())],
    )
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"
    return socket


async def subscribe(socket, room_id: int, after: int = 0) -> dict:
    await socket.send_json_to({"type": "subscribe", "room": room_id, "after": after})
    return await socket.receive_json_from(timeout=3)


async def next_of(socket, kind: str, timeout: float = 3) -> dict:
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


async def test_removed_member_gets_unsubscribed_and_nothing_more(cast, group):
    mira = await connect(cast.mira)
    helga = await connect(cast.helga)
    assert (await subscribe(mira, group.room_id))["type"] == "subscribed"
    await subscribe(helga, group.room_id)
    await database_sync_to_async(actions.remove_member)(cast.peer, group.pk, user_id=cast.mira.pk)
    frame = await next_of(mira, "unsubscribed")
    assert frame == {"type": "unsubscribed", "room": group.room_id, "reason": "access_revoked"}
    await helga.send_json_to(
        {"type": "send", "room": group.room_id, "client_id": "h1", "body": "Nach der Entfernung"}
    )
    assert (await next_of(helga, "message"))["body"] == "Nach der Entfernung"
    assert await mira.receive_nothing(timeout=0.3)
    resubscribe = await subscribe(mira, group.room_id)
    assert resubscribe["type"] == "error" and resubscribe["code"] == "not_found"
    await mira.disconnect()
    await helga.disconnect()


async def test_leaving_unsubscribes_own_sockets(cast, group):
    mira = await connect(cast.mira)
    await subscribe(mira, group.room_id)
    await database_sync_to_async(actions.leave_group)(cast.mira, group.pk)
    assert (await next_of(mira, "unsubscribed"))["reason"] == "access_revoked"
    await mira.disconnect()


async def test_trialog_perspectives_in_frames(cast, trialog):
    mira = await connect(cast.mira)
    await subscribe(mira, trialog.room_id)
    for name in ("helga", "professional", "mira"):
        socket = await connect(cast[name])
        await socket.send_json_to(
            {"type": "send", "room": trialog.room_id, "client_id": "c", "body": "Hallo"}
        )
        assert (await next_of(socket, "ack"))["duplicate"] is False
        await socket.disconnect()
    frames = [await next_of(mira, "message") for _ in range(3)]
    assert [f["author"]["perspective"] for f in frames] == ["relative", "professional", "affected"]
    assert [f["seq"] for f in frames] == [1, 2, 3]
    await mira.disconnect()


async def test_resume_replays_missed_messages_once(cast, group):
    helga = await connect(cast.helga)
    await subscribe(helga, group.room_id)
    for i in range(3):
        await helga.send_json_to(
            {"type": "send", "room": group.room_id, "client_id": f"c{i}", "body": f"m{i}"}
        )
        await next_of(helga, "ack")
    mira = await connect(cast.mira)
    assert (await subscribe(mira, group.room_id, after=1))["after"] == 1
    frames = [await next_of(mira, "message") for _ in range(2)]
    assert [f["seq"] for f in frames] == [2, 3]
    assert await mira.receive_nothing(timeout=0.3)
    await mira.disconnect()
    await helga.disconnect()


@pytest.mark.parametrize(("who", "code"), [("mira", "forbidden"), ("outsider", "not_found")])
async def test_who_cannot_hide_over_the_socket(cast, group, who, code):
    helga = await connect(cast.helga)
    await subscribe(helga, group.room_id)
    await helga.send_json_to(
        {"type": "send", "room": group.room_id, "client_id": "1", "body": "Hallo"}
    )
    await next_of(helga, "ack")
    socket = await connect(cast[who])
    await socket.send_json_to({"type": "hide", "room": group.room_id, "seq": 1})
    assert (await next_of(socket, "error"))["code"] == code
    peer = await connect(cast.peer)
    await subscribe(peer, group.room_id)
    await peer.send_json_to({"type": "hide", "room": group.room_id, "seq": 1})
    hidden = await next_of(helga, "message_hidden")
    assert hidden["hidden"] is True and hidden["body"] == ""
    for s in (helga, socket, peer):
        await s.disconnect()


async def test_outsider_cannot_subscribe_or_send(cast, group):
    olli = await connect(cast.outsider)
    frame = await subscribe(olli, group.room_id)
    assert frame["type"] == "error" and frame["code"] == "not_found"
    await olli.send_json_to({"type": "send", "room": group.room_id, "client_id": "x", "body": "Hi"})
    assert (await next_of(olli, "error"))["code"] == "not_found"
    await asyncio.sleep(0)
    await olli.disconnect()
