"""The /ws/ consumer: authentication, the room gate, delivery guarantees and bad input."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from augenhoehe.accounts.actions import issue_token
from augenhoehe.asgi import application
from augenhoehe.chat.models import Message
from augenhoehe.chat.tests.helpers import connect, frames_until, send, subscribe

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tokens(cast):
    return {name: issue_token(user) for name, user in cast.items()}


async def test_socket_without_authentication_is_refused(cast):
    comm, connected = await connect(None)
    assert not connected


async def test_socket_with_invalid_token_is_refused(cast):
    comm, connected = await connect("ah_not-a-real-token")
    assert not connected


async def test_socket_with_foreign_origin_is_refused(tokens):
    comm, connected = await connect(tokens["mira"], origin=b"https://evil.example")
    assert not connected


async def test_socket_without_origin_is_refused(tokens):
    comm = WebsocketCommunicator(
        application, "/ws/", headers=[(b"authorization", f"Bearer {tokens['mira']}".encode())]
    )
    connected, _ = await comm.connect()
    assert not connected


async def test_members_receive_each_others_messages_with_sequence_numbers(cast, tokens, make_room):
    room = await sync_to_async(make_room)(cast.mira, cast.helga)
    mira, _ = await connect(tokens["mira"])
    helga, _ = await connect(tokens["helga"])
    assert (await subscribe(mira, room.pk))["type"] == "subscribed"
    assert (await subscribe(helga, room.pk))["type"] == "subscribed"

    await send(mira, {"type": "send", "room": room.pk, "client_id": "m-1", "body": "Hallo ihr"})
    got = await frames_until(mira, lambda f: f["type"] == "ack")
    assert got[-1] == {
        "type": "ack",
        "room": room.pk,
        "client_id": "m-1",
        "seq": 1,
        "duplicate": False,
    }
    frame = (await frames_until(helga, lambda f: f["type"] == "message"))[-1]
    assert frame["seq"] == 1
    assert frame["body"] == "Hallo ihr"
    assert frame["author"] == {"id": cast.mira.pk, "pseudonym": "Mira"}
    assert frame["client_id"] == "m-1"

    await send(helga, {"type": "send", "room": room.pk, "client_id": "h-1", "body": "Hi Mira"})
    frame = (await frames_until(mira, lambda f: f["type"] == "message" and f["seq"] == 2))[-1]
    assert frame["body"] == "Hi Mira"
    await mira.disconnect()
    await helga.disconnect()


async def test_retried_send_returns_original_seq_and_stores_one_copy(cast, tokens, make_room):
    room = await sync_to_async(make_room)(cast.mira, cast.helga)
    first, _ = await connect(tokens["mira"])
    await subscribe(first, room.pk)
    await send(first, {"type": "send", "room": room.pk, "client_id": "retry-1", "body": "Eins"})
    ack = (await frames_until(first, lambda f: f["type"] == "ack"))[-1]
    await first.disconnect()

    # The retry comes over another connection, as after a reconnect.
    second, _ = await connect(tokens["mira"])
    await send(second, {"type": "send", "room": room.pk, "client_id": "retry-1", "body": "Eins"})
    retry = (await frames_until(second, lambda f: f["type"] == "ack"))[-1]
    assert retry["seq"] == ack["seq"]
    assert retry["duplicate"] is True
    assert await Message.objects.filter(room=room).acount() == 1
    await second.disconnect()


async def test_same_client_id_from_two_people_are_two_messages(cast, tokens, make_room):
    room = await sync_to_async(make_room)(cast.mira, cast.helga)
    for name in ("mira", "helga"):
        comm, _ = await connect(tokens[name])
        await send(comm, {"type": "send", "room": room.pk, "client_id": "same", "body": name})
        await frames_until(comm, lambda f: f["type"] == "ack")
        await comm.disconnect()
    assert await Message.objects.filter(room=room).acount() == 2


async def test_subscribe_after_replays_every_missed_message_in_order_once(cast, tokens, make_room):
    room = await sync_to_async(make_room)(cast.mira, cast.helga)
    writer, _ = await connect(tokens["mira"])
    for i in range(1, 8):
        await send(writer, {"type": "send", "room": room.pk, "client_id": f"c{i}", "body": f"m{i}"})
        await frames_until(writer, lambda f: f["type"] == "ack")

    reader, _ = await connect(tokens["helga"])
    subscribed = await subscribe(reader, room.pk, after=3)
    assert subscribed["last_seq"] == 7
    seqs = []
    while len(seqs) < 4:
        frame = await reader.receive_json_from(timeout=5)
        if frame["type"] == "message":
            seqs.append(frame["seq"])
    # Live messages after the replay continue the sequence without a gap or a repeat.
    await send(writer, {"type": "send", "room": room.pk, "client_id": "c8", "body": "m8"})
    frame = (await frames_until(reader, lambda f: f["type"] == "message"))[-1]
    seqs.append(frame["seq"])
    assert seqs == [4, 5, 6, 7, 8]
    assert await reader.receive_nothing(timeout=0.2)
    await writer.disconnect()
    await reader.disconnect()


async def test_subscribe_without_after_gets_only_new_messages(cast, tokens, make_room):
    room = await sync_to_async(make_room)(cast.mira, cast.helga)
    writer, _ = await connect(tokens["mira"])
    await send(writer, {"type": "send", "room": room.pk, "client_id": "old", "body": "alt"})
    await frames_until(writer, lambda f: f["type"] == "ack")
    reader, _ = await connect(tokens["helga"])
    assert (await subscribe(reader, room.pk))["after"] == 1
    await send(writer, {"type": "send", "room": room.pk, "client_id": "new", "body": "neu"})
    frame = (await frames_until(reader, lambda f: f["type"] == "message"))[-1]
    assert (frame["seq"], frame["body"]) == (2, "neu")
    await writer.disconnect()
    await reader.disconnect()


@pytest.mark.parametrize("who", ["outsider", "peer", "professional", "moderator"])
async def test_non_members_cannot_subscribe_or_send(cast, tokens, make_room, who):
    room = await sync_to_async(make_room)(cast.mira, cast.helga)
    comm, connected = await connect(tokens[who])
    assert connected
    error = await subscribe(comm, room.pk)
    assert error["type"] == "error" and error["code"] == "not_found"
    await send(comm, {"type": "send", "room": room.pk, "client_id": "x", "body": "hallo"})
    error = (await frames_until(comm, lambda f: f["type"] == "error"))[-1]
    assert error["code"] == "not_found"
    assert await Message.objects.filter(room=room).acount() == 0
    await comm.disconnect()


async def test_missing_and_forbidden_rooms_get_the_same_answer(cast, tokens, make_room):
    room = await sync_to_async(make_room)(cast.mira)
    comm, _ = await connect(tokens["helga"])
    forbidden = await subscribe(comm, room.pk)
    missing = await subscribe(comm, room.pk + 1000)
    assert forbidden["code"] == missing["code"] == "not_found"
    assert forbidden["detail"] == missing["detail"]
    await comm.disconnect()


BAD_FRAMES = [
    ("{not json", "bad_json"),
    ("[1, 2]", "bad_frame"),
    (json.dumps({"type": "shout"}), "unknown_type"),
    (json.dumps({"body": "no type"}), "unknown_type"),
    (json.dumps({"type": "subscribe"}), "invalid"),
    (json.dumps({"type": "subscribe", "room": "12"}), "invalid"),
    (json.dumps({"type": "subscribe", "room": 1, "after": -1}), "invalid"),
    (json.dumps({"type": "subscribe", "room": 1, "changes_after": "x"}), "invalid"),
    (json.dumps({"type": "send", "room": "nope", "client_id": "a", "body": "x"}), "invalid"),
    (json.dumps({"type": "send", "room": "ROOM", "body": "x"}), "client_id"),
    (json.dumps({"type": "send", "room": "ROOM", "client_id": "a"}), "invalid"),
    (json.dumps({"type": "send", "room": "ROOM", "client_id": "a", "body": "   "}), "empty"),
    (
        json.dumps({"type": "send", "room": "ROOM", "client_id": "a", "body": "x" * 4001}),
        "too_long",
    ),
    (json.dumps({"type": "send", "room": "ROOM", "client_id": "a" * 65, "body": "x"}), "client_id"),
    (json.dumps({"type": "send", "room": "ROOM", "client_id": "a", "body": 5}), "invalid"),
]


@pytest.mark.parametrize("raw,code", BAD_FRAMES)
async def test_bad_input_gets_an_error_frame_and_the_socket_stays_usable(
    cast, tokens, make_room, raw, code
):
    room = await sync_to_async(make_room)(cast.mira)
    raw = raw.replace('"ROOM"', str(room.pk))
    comm, _ = await connect(tokens["mira"])
    await comm.send_to(text_data=raw)
    error = (await frames_until(comm, lambda f: f["type"] == "error"))[-1]
    assert error["code"] == code
    assert error["detail"]
    # Still usable: a good send afterwards is stored and acknowledged.
    await send(comm, {"type": "send", "room": room.pk, "client_id": "ok", "body": "geht"})
    ack = (await frames_until(comm, lambda f: f["type"] == "ack"))[-1]
    assert ack["seq"] == 1
    await comm.disconnect()


async def test_frame_over_64_kib_closes_the_socket(cast, tokens):
    comm, _ = await connect(tokens["mira"])
    await comm.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * (64 * 1024)}))
    output = await comm.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 1009}


async def test_sending_too_fast_is_rate_limited_with_a_retry_hint(
    cast, tokens, make_room, settings
):
    settings.AUGENHOEHE = {**settings.AUGENHOEHE, "CHAT_MESSAGES_PER_MINUTE": 3}
    room = await sync_to_async(make_room)(cast.mira)
    comm, _ = await connect(tokens["mira"])
    for i in range(3):
        await send(comm, {"type": "send", "room": room.pk, "client_id": f"r{i}", "body": "x"})
        await frames_until(comm, lambda f: f["type"] == "ack")
    await send(comm, {"type": "send", "room": room.pk, "client_id": "r3", "body": "x"})
    error = (await frames_until(comm, lambda f: f["type"] == "error"))[-1]
    assert error["code"] == "rate_limited"
    assert error["client_id"] == "r3"
    assert error["retry_after"] >= 1
    assert await Message.objects.filter(room=room).acount() == 3
    await comm.disconnect()


async def test_edit_delete_and_hide_reach_subscribers(cast, tokens, make_room):
    room = await sync_to_async(make_room)(
        cast.mira, cast.helga, cast.moderator, moderators=[cast.moderator]
    )
    mira, _ = await connect(tokens["mira"])
    helga, _ = await connect(tokens["helga"])
    await subscribe(helga, room.pk)
    for i in (1, 2):
        await send(mira, {"type": "send", "room": room.pk, "client_id": f"e{i}", "body": f"v{i}"})
        await frames_until(mira, lambda f: f["type"] == "ack")
    await send(mira, {"type": "edit", "room": room.pk, "seq": 1, "body": "v1 korrigiert"})
    edited = (await frames_until(helga, lambda f: f["type"] == "message_edited"))[-1]
    assert edited["seq"] == 1 and edited["body"] == "v1 korrigiert" and edited["edited"]
    await send(mira, {"type": "delete", "room": room.pk, "seq": 1})
    deleted = (await frames_until(helga, lambda f: f["type"] == "message_deleted"))[-1]
    assert deleted["deleted"] is True and deleted["body"] == ""

    # Helga cannot edit Mira's message, and a member cannot hide.
    await send(helga, {"type": "edit", "room": room.pk, "seq": 2, "body": "fremd"})
    assert (await frames_until(helga, lambda f: f["type"] == "error"))[-1]["code"] == "forbidden"
    await send(helga, {"type": "hide", "room": room.pk, "seq": 2})
    assert (await frames_until(helga, lambda f: f["type"] == "error"))[-1]["code"] == "forbidden"

    mod, _ = await connect(tokens["moderator"])
    await send(mod, {"type": "hide", "room": room.pk, "seq": 2})
    hidden = (await frames_until(helga, lambda f: f["type"] == "message_hidden"))[-1]
    assert hidden["seq"] == 2 and hidden["hidden"] is True and hidden["body"] == ""
    message = await Message.objects.aget(room=room, seq=2)
    assert message.hidden_by_id == cast.moderator.pk and message.hidden_at is not None
    for comm in (mira, helga, mod):
        await comm.disconnect()


async def test_trialog_rooms_label_each_writers_perspective(cast, tokens, make_room):
    room = await sync_to_async(make_room)(
        cast.mira, cast.helga, cast.professional, label_perspectives=True
    )
    reader, _ = await connect(tokens["mira"])
    await subscribe(reader, room.pk)
    for name in ("mira", "helga", "professional"):
        comm, _ = await connect(tokens[name])
        await send(comm, {"type": "send", "room": room.pk, "client_id": name, "body": "hallo"})
        await frames_until(comm, lambda f: f["type"] == "ack")
        await comm.disconnect()
    labels = []
    while len(labels) < 3:
        frame = await reader.receive_json_from(timeout=5)
        if frame["type"] == "message":
            labels.append(frame["author"]["perspective"])
    assert labels == ["affected", "relative", "professional"]
    await reader.disconnect()


async def test_ping_is_answered(cast, tokens):
    comm, _ = await connect(tokens["mira"])
    await send(comm, {"type": "ping", "ref": "abc"})
    assert (await comm.receive_json_from(timeout=5)) == {"type": "pong", "ref": "abc"}
    await comm.disconnect()


async def test_unsubscribe_stops_delivery(cast, tokens, make_room):
    room = await sync_to_async(make_room)(cast.mira, cast.helga)
    reader, _ = await connect(tokens["helga"])
    await subscribe(reader, room.pk)
    await send(reader, {"type": "unsubscribe", "room": room.pk})
    assert (await reader.receive_json_from(timeout=5))["type"] == "unsubscribed"
    writer, _ = await connect(tokens["mira"])
    await send(writer, {"type": "send", "room": room.pk, "client_id": "u", "body": "x"})
    await frames_until(writer, lambda f: f["type"] == "ack")
    assert await reader.receive_nothing(timeout=0.3)
    await reader.disconnect()
    await writer.disconnect()


async def test_resume_catches_up_on_edits_and_deletions_made_while_away(cast, tokens, make_room):
    """A deleted message disappears also from the screen of someone who was offline."""
    room = await sync_to_async(make_room)(cast.mira, cast.helga)
    mira, _ = await connect(tokens["mira"])
    for i in (1, 2, 3):
        await send(mira, {"type": "send", "room": room.pk, "client_id": f"k{i}", "body": f"v{i}"})
        await frames_until(mira, lambda f: f["type"] == "ack")
    helga, _ = await connect(tokens["helga"])
    subscribed = await subscribe(helga, room.pk, after=0)
    assert subscribed["last_change"] == 0
    while True:  # Helga has seen 1..3, then goes offline
        if (await helga.receive_json_from(timeout=5)).get("seq") == 3:
            break
    await helga.disconnect()

    await send(mira, {"type": "delete", "room": room.pk, "seq": 1})
    await send(mira, {"type": "edit", "room": room.pk, "seq": 2, "body": "v2 neu"})
    await send(mira, {"type": "send", "room": room.pk, "client_id": "k4", "body": "v4"})
    await frames_until(mira, lambda f: f["type"] == "ack")

    helga, _ = await connect(tokens["helga"])
    await send(helga, {"type": "subscribe", "room": room.pk, "after": 3, "changes_after": 0})
    frames = await frames_until(helga, lambda f: f["type"] == "message")
    subscribed = frames[0]
    assert subscribed["type"] == "subscribed" and subscribed["last_change"] == 2
    changes = [(f["type"], f["seq"], f["body"], f["change"]) for f in frames[1:-1]]
    assert changes == [("message_deleted", 1, "", 1), ("message_edited", 2, "v2 neu", 2)]
    assert (frames[-1]["seq"], frames[-1]["body"]) == (4, "v4")

    # Resuming with the latest change number replays no change again.
    await helga.disconnect()
    helga, _ = await connect(tokens["helga"])
    await send(helga, {"type": "subscribe", "room": room.pk, "after": 4, "changes_after": 2})
    assert (await helga.receive_json_from(timeout=5))["type"] == "subscribed"
    assert await helga.receive_nothing(timeout=0.3)
    await helga.disconnect()
    await mira.disconnect()


async def test_an_unexpected_failure_gets_an_error_frame_and_the_socket_stays_open(
    cast, tokens, make_room, monkeypatch
):
    """A failing database write is reported; nothing is acknowledged, a retry then works."""
    from augenhoehe.chat import actions

    room = await sync_to_async(make_room)(cast.mira)
    comm, _ = await connect(tokens["mira"])
    real = actions.send_messages

    def broken(requests):
        raise RuntimeError("database went away")

    monkeypatch.setattr("augenhoehe.chat.batching.send_messages", broken)
    await send(comm, {"type": "send", "room": room.pk, "client_id": "c1", "body": "hallo"})
    error = (await frames_until(comm, lambda f: f["type"] == "error"))[-1]
    assert error["code"] == "server_error" and error["client_id"] == "c1"
    assert error["retry_after"] >= 1

    monkeypatch.setattr("augenhoehe.chat.batching.send_messages", real)
    await send(comm, {"type": "send", "room": room.pk, "client_id": "c1", "body": "hallo"})
    ack = (await frames_until(comm, lambda f: f["type"] == "ack"))[-1]
    assert (ack["seq"], ack["duplicate"]) == (1, False)
    await comm.disconnect()


async def test_embedded_mode_fans_out_without_the_layer(cast, tokens, make_room, monkeypatch):
    """With the in-process layer, the hub hands each event to the local sockets directly;
    the layer's group_send is not needed (and must not be: it would deliver twice)."""
    from channels.layers import get_channel_layer

    room = await sync_to_async(make_room)(cast.mira, cast.helga)
    mira, _ = await connect(tokens["mira"])
    helga, _ = await connect(tokens["helga"])
    assert (await subscribe(mira, room.pk))["type"] == "subscribed"
    assert (await subscribe(helga, room.pk))["type"] == "subscribed"
    layer = get_channel_layer()
    assert layer.process_local

    async def no_group_send(*args, **kwargs):
        raise AssertionError("group_send used in embedded mode")

    monkeypatch.setattr(layer, "group_send", no_group_send)
    for i in range(3):
        body = f"direkt {i}"
        await send(mira, {"type": "send", "room": room.pk, "client_id": f"d-{i}", "body": body})
    got = await frames_until(helga, lambda f: f["type"] == "message" and f["seq"] == 3)
    assert [f["seq"] for f in got if f["type"] == "message"] == [1, 2, 3]
    await send(helga, {"type": "ping", "ref": "end"})
    rest = await frames_until(helga, lambda f: f["type"] == "pong")
    assert not [f for f in rest if f["type"] == "message"]  # each message once
    await mira.disconnect()
    await helga.disconnect()


async def test_a_shared_layer_still_carries_every_event(cast, tokens, make_room, monkeypatch):
    """A layer that reaches other processes (Redis) is always used: the other processes'
    sockets depend on it."""
    from channels.layers import get_channel_layer

    room = await sync_to_async(make_room)(cast.mira, cast.helga)
    mira, _ = await connect(tokens["mira"])
    helga, _ = await connect(tokens["helga"])
    assert (await subscribe(helga, room.pk))["type"] == "subscribed"
    layer = get_channel_layer()
    monkeypatch.setattr(layer, "process_local", False, raising=False)
    sent = []
    original = layer.group_send

    async def counting_group_send(group, message):
        sent.append(group)
        await original(group, message)

    monkeypatch.setattr(layer, "group_send", counting_group_send)
    await send(mira, {"type": "send", "room": room.pk, "client_id": "s-1", "body": "geteilt"})
    got = await frames_until(helga, lambda f: f["type"] == "message")
    assert got[-1]["body"] == "geteilt"
    assert f"t.room.{room.pk}" in sent
    await mira.disconnect()
    await helga.disconnect()
