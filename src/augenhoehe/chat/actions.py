"""Writes on chat rooms. The WebSocket consumer, the API and the web views call these.

Every broadcast happens after the transaction commits (``transaction.on_commit``): the
database is the source of truth, the channel layer only wakes clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from augenhoehe.chat import events
from augenhoehe.chat.access import RoomNotFound, access_room, can_moderate_room, record_hidden
from augenhoehe.chat.models import MAX_BODY, Message, ReadMarker, Room
from augenhoehe.chat.ratelimit import RateLimited, check_send_rate
from augenhoehe.core.lib.realtime import notify_user_on_commit, publish_sync, room_topic, user_topic

MAX_CLIENT_ID = 64


__all__ = ["room_topic", "user_topic"]  # re-exported for the consumer


@dataclass(frozen=True)
class SendResult:
    message: Message
    room: Room
    created: bool  # False when this client_id was seen before (a retry)
    screening: Any = None  # the crisis safety net's private result for the writer, if any


def create_room(*, kind: str, title: str = "", label_perspectives: bool = False) -> Room:
    room = Room(kind=kind, title=title, label_perspectives=label_perspectives)
    room.full_clean()
    room.save()
    return room


def clean_body(body: Any) -> str:
    if not isinstance(body, str):
        raise ValidationError(_("The message must be text."), code="invalid")
    if not body.strip():
        raise ValidationError(_("The message is empty."), code="empty")
    if len(body) > MAX_BODY:
        raise ValidationError(
            _("A message has at most %(max)d characters.") % {"max": MAX_BODY}, code="too_long"
        )
    return body.replace("\x00", "")


def clean_client_id(client_id: Any) -> str:
    if not isinstance(client_id, str) or not (1 <= len(client_id) <= MAX_CLIENT_ID):
        raise ValidationError(
            _("client_id must be text of 1 to %(max)d characters.") % {"max": MAX_CLIENT_ID},
            code="client_id",
        )
    return client_id


def _screen(author, room: Room, message: Message):
    """The crisis safety net looks at each new message, in the same transaction."""
    from augenhoehe.chat.hooks import run_message_hooks

    return run_message_hooks(author=author, room=room, message=message)


@dataclass(frozen=True)
class SendRequest:
    user: Any
    room_id: int
    body: Any
    client_id: Any
    # The room as ``access_room`` returned it to the caller moments ago (the socket of a
    # subscribed member, see GATE_TTL_SECONDS); None runs the gate here.
    gated_room: Room | None = None


def send_message(
    user, room_id: int, *, body: Any, client_id: Any, gated_room: Room | None = None
) -> SendResult:
    """Store a message with the next sequence number of its room, exactly once per client_id.

    Raises RoomNotFound (missing or forbidden) or ValidationError (bad input).
    """
    outcome = send_messages([SendRequest(user, room_id, body, client_id, gated_room)])[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def send_messages(requests: list[SendRequest]) -> list[SendResult | Exception]:
    """Store several messages in one transaction (a group commit), each exactly once.

    The socket consumer hands over whatever queued up while the previous batch was being
    written, which saves a commit and a thread hop per message under load. The outcome list
    has a SendResult or the exception (RoomNotFound, ValidationError) per request, in order;
    one bad request never touches the others. Broadcasts happen only after the commit.
    """
    # The rate limit is decided once per request, so a redone batch does not count twice.
    limited: dict[int, RateLimited | None] = {}
    for attempt in range(DEADLOCK_RETRIES + 1):
        try:
            try:
                with transaction.atomic():
                    return _store_batch(requests, isolate=False, limited=limited)
            except IntegrityError:
                # A client_id raced in from another connection or process after the
                # duplicate check: do it again with a savepoint per message.
                with transaction.atomic():
                    return _store_batch(requests, isolate=True, limited=limited)
        except OperationalError as exc:
            # Nothing of the batch was stored (the transaction rolled back); a deadlock or
            # serialisation failure with another writer is worth another go.
            if attempt == DEADLOCK_RETRIES or not _is_transient(exc):
                raise
    raise AssertionError("unreachable")


DEADLOCK_RETRIES = 2
_TRANSIENT_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure


def _is_transient(exc: OperationalError) -> bool:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in _TRANSIENT_SQLSTATES


def _rate(limited: dict[int, RateLimited | None], index: int, user_id: int) -> RateLimited | None:
    """Only new messages count against CHAT_MESSAGES_PER_MINUTE (a retry is free)."""
    if index not in limited:
        try:
            check_send_rate(user_id)
            limited[index] = None
        except RateLimited as exc:
            limited[index] = exc
    return limited[index]


def _store_batch(
    requests: list[SendRequest], *, isolate: bool, limited: dict[int, RateLimited | None]
) -> list[SendResult | Exception]:
    prepared: list[tuple[SendRequest, Room, str, str] | Exception] = []
    for request in requests:
        try:
            body = clean_body(request.body)
            client_id = clean_client_id(request.client_id)
            room = request.gated_room or access_room(request.user, request.room_id)
        except (RoomNotFound, ValidationError, PermissionDenied) as exc:
            prepared.append(exc)
            continue
        prepared.append((request, room, body, client_id))
    stored = _already_stored([p for p in prepared if not isinstance(p, Exception)])
    outcomes: list[SendResult | Exception | None] = [
        item if isinstance(item, Exception) else None for item in prepared
    ]
    # Rooms are written in ascending id order (a room's messages keep their order): each
    # room's row is locked by its seq update, and two processes writing batches that touch
    # the same rooms in different orders would otherwise deadlock on PostgreSQL.
    order = sorted(
        (i for i, item in enumerate(prepared) if not isinstance(item, Exception)),
        key=lambda i: (prepared[i][1].pk, i),  # type: ignore[index]
    )
    for index in order:
        request, room, body, client_id = prepared[index]  # type: ignore[misc]
        key = (room.pk, request.user.pk, client_id)
        if key in stored:  # a retry of a stored message (or twice in this batch)
            outcomes[index] = SendResult(stored[key], room, created=False)
            continue
        too_fast = _rate(limited, index, request.user.pk)
        if too_fast is not None:
            outcomes[index] = too_fast
            continue
        if isolate:
            try:
                with transaction.atomic():
                    result = _store_one(request.user, room, body, client_id)
            except IntegrityError:
                existing = _existing(room, request.user, client_id)
                outcomes[index] = (
                    SendResult(existing, room, created=False)
                    if existing is not None
                    else RoomNotFound()
                )
                continue
        else:
            result = _store_one(request.user, room, body, client_id)
        stored[key] = result.message
        outcomes[index] = result
    return outcomes  # type: ignore[return-value]


def _already_stored(items) -> dict[tuple[int, int | None, str], Message]:
    """One query for the whole batch: which (room, author, client_id) exist already?

    Plain SQL on the unique index (room, author, client_id); almost always it finds nothing,
    and only the rows it does find (retries) are loaded as model instances."""
    if not items:
        return {}
    keys = {(room.pk, request.user.pk, client_id) for request, room, _body, client_id in items}
    where = " OR ".join(["(room_id = %s AND author_id = %s AND client_id = %s)"] * len(keys))
    params = [value for key in keys for value in key]
    with connection.cursor() as cursor:
        cursor.execute(  # the table name comes from the model, never from input
            f"SELECT id FROM {Message._meta.db_table} WHERE {where}",  # noqa: S608
            params,
        )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return {}
    return {
        (m.room_id, m.author_id, m.client_id): m
        for m in Message.objects.select_related("author").filter(pk__in=ids)
    }


def _store_one(user, room: Room, body: str, client_id: str) -> SendResult:
    # The row update serialises writers of this room, so seq order is commit order.
    seq = _next_seq(room.pk)
    message = _insert_message(room, seq, user, client_id, body)
    room.last_seq = seq
    screening = _screen(user, room, message)
    frame = events.encode(events.message_frame(message, room))
    transaction.on_commit(
        lambda: publish_sync(room_topic(room.pk), {"kind": "message", "seq": seq, "text": frame})
    )
    return SendResult(message, room, created=True, screening=screening)


# Every NOT NULL column of chat_message (a test keeps this in step with the model).
INSERT_COLUMNS = ("room_id", "seq", "author_id", "client_id", "body", "created", "change_no")


def _insert_message(room: Room, seq: int, user, client_id: str, body: str) -> Message:
    """One INSERT ... RETURNING id: the hottest statement of the platform, without the ORM's
    per-save bookkeeping (the same columns the model defines)."""
    message = Message(
        room=room, seq=seq, author=user, client_id=client_id, body=body, created=timezone.now()
    )
    created = connection.ops.adapt_datetimefield_value(message.created)
    with connection.cursor() as cursor:
        cursor.execute(  # the table name comes from the model, never from input
            f"INSERT INTO {Message._meta.db_table} "  # noqa: S608
            f"({', '.join(INSERT_COLUMNS)}) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [room.pk, seq, user.pk, client_id, body, created, 0],
        )
        message.pk = cursor.fetchone()[0]
    message._state.adding = False
    message._state.db = connection.alias
    return message


def _next_seq(room_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(  # the table name comes from the model, never from input
            f"UPDATE {Room._meta.db_table} SET last_seq = last_seq + 1 WHERE id = %s "  # noqa: S608
            "RETURNING last_seq",
            [room_id],
        )
        return int(cursor.fetchone()[0])


def _existing(room: Room, user, client_id: str) -> Message | None:
    return (
        Message.objects.select_related("author")
        .filter(room=room, author=user, client_id=client_id)
        .first()
    )


def _own_message(user, room_id: int, seq: Any) -> tuple[Room, Message]:
    room = access_room(user, room_id)
    message = _message_in(room, seq)
    if message.author_id != user.pk:
        raise PermissionDenied(_("You can only change your own messages."))
    if message.is_deleted:
        raise ValidationError(_("This message was deleted."), code="deleted")
    return room, message


def _message_in(room: Room, seq: Any) -> Message:
    try:
        return Message.objects.select_related("author").get(room=room, seq=int(seq))
    except (Message.DoesNotExist, TypeError, ValueError):
        raise RoomNotFound from None


def _change(kind: str, room: Room, message: Message, fields: list[str]) -> None:
    """Save a changed message with the room's next change number, then publish it."""
    with connection.cursor() as cursor:
        cursor.execute(  # the table name comes from the model, never from input
            f"UPDATE {Room._meta.db_table} SET last_change = last_change + 1 "  # noqa: S608
            "WHERE id = %s RETURNING last_change",
            [room.pk],
        )
        message.change_no = room.last_change = int(cursor.fetchone()[0])
    message.save(update_fields=[*fields, "change_no"])
    frame = events.encode(events.change_frame(kind, message, room))
    transaction.on_commit(
        lambda: publish_sync(
            room_topic(room.pk), {"kind": "change", "seq": message.seq, "text": frame}
        )
    )


def edit_message(user, room_id: int, *, seq: Any, body: Any) -> Message:
    body = clean_body(body)
    with transaction.atomic():
        room, message = _own_message(user, room_id, seq)
        message.body = body
        message.edited_at = timezone.now()
        _change("message_edited", room, message, ["body", "edited_at"])
        from augenhoehe.chat.hooks import run_edit_hooks

        run_edit_hooks(author=user, room=room, message=message)  # the safety net looks again
    return message


def delete_message(user, room_id: int, *, seq: Any) -> Message:
    """The author deletes a message; a tombstone keeps its place in the sequence."""
    with transaction.atomic():
        room, message = _own_message(user, room_id, seq)
        message.body = ""
        message.deleted_at = timezone.now()
        _change("message_deleted", room, message, ["body", "deleted_at"])
    return message


def hide_message(user, room_id: int, *, seq: Any) -> Message:
    """A facilitator or moderator hides a message from the room (recorded: who and when)."""
    with transaction.atomic():
        room = access_room(user, room_id)
        if not can_moderate_room(user, room):
            raise PermissionDenied(_("Only facilitators can hide messages."))
        message = _message_in(room, seq)
        if message.hidden_at is None:
            message.hidden_at = timezone.now()
            message.hidden_by = user
            _change("message_hidden", room, message, ["hidden_at", "hidden_by"])
            record_hidden(user, room, message)  # e.g. the group's moderation log
    return message


def mark_read(user, room: Room, *, seq: int) -> None:
    seq = max(0, min(int(seq), room.last_seq))
    marker, created = ReadMarker.objects.get_or_create(
        room=room, user=user, defaults={"last_read_seq": seq}
    )
    if not created and seq > marker.last_read_seq:
        ReadMarker.objects.filter(pk=marker.pk, last_read_seq__lt=seq).update(last_read_seq=seq)


def notify_user(user_id: int, frame: dict[str, Any]) -> None:
    """Send a private frame to every socket of one person, after commit."""
    notify_user_on_commit(user_id, events.encode(frame))


def revoke_room_access(user_id: int, room_id: int) -> None:
    """Tell the person's open sockets that they can no longer read this room."""
    notify_user(user_id, {"type": "unsubscribed", "room": room_id, "reason": "access_revoked"})


def tombstone_messages_of(user) -> int:
    """On account deletion: keep the sequence, remove the words (and tell every reader)."""
    messages = list(
        Message.objects.select_related("room", "author").filter(
            author=user, deleted_at__isnull=True
        )
    )
    for message in messages:
        message.body = ""
        message.deleted_at = timezone.now()
        _change("message_deleted", message.room, message, ["body", "deleted_at"])
    return len(messages)
