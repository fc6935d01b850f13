"""Chat actions: sequence numbers, idempotency, broadcast only after commit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from augenhoehe.chat import actions
from augenhoehe.chat.access import RoomNotFound
from augenhoehe.chat.models import Message

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(monkeypatch):
    """Record what reaches the channel layer (the layer is outside the database)."""
    sent = []
    monkeypatch.setattr(
        actions, "publish_sync", lambda topic, payload: sent.append((topic, payload))
    )
    return sent


def test_sequence_numbers_count_up_per_room(cast, make_room):
    a = make_room(cast.mira)
    b = make_room(cast.mira)
    seqs_a = [
        actions.send_message(cast.mira, a.pk, body="x", client_id=f"a{i}").message.seq
        for i in range(3)
    ]
    seqs_b = [
        actions.send_message(cast.mira, b.pk, body="x", client_id=f"b{i}").message.seq
        for i in range(2)
    ]
    assert seqs_a == [1, 2, 3]
    assert seqs_b == [1, 2]
    a.refresh_from_db()
    assert a.last_seq == 3


def test_a_message_is_published_once_and_only_after_commit(cast, make_room, published):
    room = make_room(cast.mira)
    with transaction.atomic():
        actions.send_message(cast.mira, room.pk, body="hallo", client_id="c1")
        assert published == []  # not before the commit
    assert len(published) == 1
    topic, payload = published[0]
    assert topic == f"room.{room.pk}" and payload["seq"] == 1 and "hallo" in payload["text"]


def test_a_rolled_back_message_is_never_published_and_leaves_no_gap(cast, make_room, published):
    room = make_room(cast.mira)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.send_message(cast.mira, room.pk, body="weg", client_id="c1")
        raise RuntimeError("the request failed after the write")
    assert published == []
    assert not Message.objects.filter(room=room).exists()
    assert actions.send_message(cast.mira, room.pk, body="neu", client_id="c2").message.seq == 1


def test_retry_with_the_same_client_id_is_not_stored_or_published_twice(cast, make_room, published):
    room = make_room(cast.mira)
    first = actions.send_message(cast.mira, room.pk, body="eins", client_id="same")
    again = actions.send_message(cast.mira, room.pk, body="eins", client_id="same")
    assert (first.created, again.created) == (True, False)
    assert again.message.seq == first.message.seq
    assert Message.objects.filter(room=room).count() == 1
    assert len(published) == 1


def test_body_rules(cast, make_room):
    room = make_room(cast.mira)
    for body in ["", "   \n", "x" * 4001, None, 12]:
        with pytest.raises(ValidationError):
            actions.send_message(cast.mira, room.pk, body=body, client_id="c")
    assert actions.send_message(cast.mira, room.pk, body="x" * 4000, client_id="c").created


def test_html_is_stored_as_text_not_markup(cast, make_room):
    room = make_room(cast.mira)
    result = actions.send_message(cast.mira, room.pk, body="<b>fett</b>", client_id="c")
    assert result.message.body == "<b>fett</b>"  # rendered escaped by every client


def test_outsiders_cannot_send(cast, make_room):
    room = make_room(cast.mira)
    for who in ("helga", "outsider", "peer", "professional", "moderator"):
        with pytest.raises(RoomNotFound):
            actions.send_message(cast[who], room.pk, body="x", client_id="c")


def test_deleting_an_account_keeps_the_sequence_but_removes_the_words(cast, make_room):
    from augenhoehe.accounts.actions import delete_account

    room = make_room(cast.mira, cast.helga)
    actions.send_message(cast.mira, room.pk, body="privat", client_id="c1")
    actions.send_message(cast.helga, room.pk, body="antwort", client_id="c2")
    delete_account(cast.mira)
    first, second = Message.objects.filter(room=room).order_by("seq")
    assert (first.seq, first.body, first.author_id) == (1, "", None)
    assert first.deleted_at is not None
    assert second.body == "antwort"


def test_my_messages_are_in_my_data_export(cast, make_room):
    from augenhoehe.accounts.actions import export_data

    room = make_room(cast.mira)
    actions.send_message(cast.mira, room.pk, body="meins", client_id="c1")
    exported = export_data(cast.mira)
    assert [m["body"] for m in exported["chat_messages"]] == ["meins"]


def test_a_batch_stores_each_message_once_and_isolates_failures(cast, make_room, published):
    """The socket's group commit: one bad message or a retry does not affect the others."""
    from augenhoehe.chat.actions import SendRequest, send_messages

    room = make_room(cast.mira, cast.helga)
    other = make_room(cast.helga)  # Mira is not a member here
    actions.send_message(cast.mira, room.pk, body="schon da", client_id="old")
    outcomes = send_messages(
        [
            SendRequest(cast.mira, room.pk, "eins", "a"),
            SendRequest(cast.mira, room.pk, "", "b"),  # empty
            SendRequest(cast.mira, other.pk, "fremd", "c"),  # forbidden
            SendRequest(cast.mira, room.pk, "schon da", "old"),  # a retry
            SendRequest(cast.helga, room.pk, "zwei", "a"),
        ]
    )
    assert outcomes[0].message.seq == 2 and outcomes[0].created
    assert isinstance(outcomes[1], ValidationError)
    assert isinstance(outcomes[2], RoomNotFound)
    assert outcomes[3].message.seq == 1 and not outcomes[3].created
    assert outcomes[4].message.seq == 3 and outcomes[4].created
    assert list(
        Message.objects.filter(room=room).order_by("seq").values_list("body", flat=True)
    ) == [
        "schon da",
        "eins",
        "zwei",
    ]
    assert [payload["seq"] for _, payload in published] == [1, 2, 3]  # after commit, in order


def test_the_hand_written_insert_covers_every_required_column():
    from augenhoehe.chat.actions import INSERT_COLUMNS

    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    required = {f.column for f in fields if not f.null}
    assert required <= set(INSERT_COLUMNS) <= {f.column for f in fields}


def test_the_rate_limit_lives_in_the_action_and_retries_are_free(cast, make_room, settings):
    """Every path (socket, API, pages without JavaScript) goes through send_messages, so the
    limit holds everywhere; resending a stored message does not use up the allowance."""
    from augenhoehe.chat.ratelimit import RateLimited

    settings.AUGENHOEHE = {**settings.AUGENHOEHE, "CHAT_MESSAGES_PER_MINUTE": 2}
    room = make_room(cast.mira)
    actions.send_message(cast.mira, room.pk, body="eins", client_id="r1")
    for _ in range(3):
        again = actions.send_message(cast.mira, room.pk, body="eins", client_id="r1")
        assert not again.created
    actions.send_message(cast.mira, room.pk, body="zwei", client_id="r2")
    with pytest.raises(RateLimited) as caught:
        actions.send_message(cast.mira, room.pk, body="drei", client_id="r3")
    assert caught.value.retry_after >= 1
    assert Message.objects.filter(room=room).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_processes_writing_the_same_rooms_in_opposite_order_do_not_deadlock(
    cast, make_room, monkeypatch
):
    """Two batches (two connections, as two app processes) touch rooms 1 and 2 in opposite
    order, and each pauses after its first message until the other has written one too.
    Rooms are written in ascending id order, so the second batch waits for the first
    instead of both holding one room's row lock and waiting for the other's."""
    import contextlib
    import threading

    from django.db import connection

    from augenhoehe.chat import actions as chat_actions
    from augenhoehe.chat import hooks

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; row-lock order matters on PostgreSQL")
    first, second = make_room(cast.mira, cast.helga), make_room(cast.mira, cast.helga)
    barrier = threading.Barrier(2)
    seen = threading.local()

    def pause_after_first_message(*, author, room, message):
        if not getattr(seen, "paused", False):
            seen.paused = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=3)  # with the lock order, the other one is blocked
        return None

    monkeypatch.setattr(hooks, "_HOOKS", [pause_after_first_message])
    outcomes: dict[str, list] = {}

    def batch(name, user, room_ids):
        try:
            requests = [
                chat_actions.SendRequest(user, rid, f"{name} in {rid}", f"{name}-{rid}")
                for rid in room_ids
            ]
            outcomes[name] = chat_actions.send_messages(requests)
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            outcomes[name] = [exc]
        finally:
            connection.close()

    threads = [
        threading.Thread(target=batch, args=("a", cast.mira, [first.pk, second.pk])),
        threading.Thread(target=batch, args=("b", cast.helga, [second.pk, first.pk])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for name in ("a", "b"):
        assert all(isinstance(o, chat_actions.SendResult) for o in outcomes[name]), outcomes
    # the second batch waited for the first at room 1 (it never reached its pause), so the
    # two never held one room each
    assert barrier.broken
    for room in (first, second):
        seqs = sorted(Message.objects.filter(room=room).values_list("seq", flat=True))
        assert seqs == [1, 2]
