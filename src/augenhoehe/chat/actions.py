"""Writes on chat rooms. The WebSocket consumer, the API and the web views call these.

Every broadcast happens after the transaction commits (``transaction.on_commit``): the
database is the source of truth, the channel layer only wakes clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from augenhoehe.chat import events
from augenhoehe.chat.access import RoomNotFound, access_room, can_moderate_room, record_hidden
from augenhoehe.chat.models import MAX_BODY, Message, ReadMarker, Room
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


def send_message(user, room_id: int, *, body: Any, client_id: Any) -> SendResult:
    """Store a message with the next sequence number of its room, exactly once per client_id.

    Raises RoomNotFound (missing or forbidden) or ValidationError (bad input).
    """
    body = clean_body(body)
    client_id = clean_client_id(client_id)
    room = access_room(user, room_id)
    existing = _existing(room, user, client_id)
    if existing is not None:
        return SendResult(existing, room, created=False)
    try:
        with transaction.atomic():
            # The row update serialises writers of this room, so seq order is commit order.
            Room.objects.filter(pk=room.pk).update(last_seq=F("last_seq") + 1)
            seq = Room.objects.values_list("last_seq", flat=True).get(pk=room.pk)
            message = Message.objects.create(
                room=room, seq=seq, author=user, client_id=client_id, body=body
            )
            room.last_seq = seq
            screening = _screen(user, room, message)
            frame = events.encode(events.message_frame(message, room))
            transaction.on_commit(
                lambda: publish_sync(
                    room_topic(room.pk), {"kind": "message", "seq": seq, "text": frame}
                )
            )
    except IntegrityError:
        # The same client_id raced in over another connection or process and won.
        existing = _existing(room, user, client_id)
        if existing is None:
            raise
        return SendResult(existing, room, created=False)
    return SendResult(message, room, created=True, screening=screening)


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


def _publish_change(kind: str, room: Room, message: Message) -> None:
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
        message.save(update_fields=["body", "edited_at"])
        _publish_change("message_edited", room, message)
    return message


def delete_message(user, room_id: int, *, seq: Any) -> Message:
    """The author deletes a message; a tombstone keeps its place in the sequence."""
    with transaction.atomic():
        room, message = _own_message(user, room_id, seq)
        message.body = ""
        message.deleted_at = timezone.now()
        message.save(update_fields=["body", "deleted_at"])
        _publish_change("message_deleted", room, message)
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
            message.save(update_fields=["hidden_at", "hidden_by"])
            record_hidden(user, room, message)  # e.g. the group's moderation log
            _publish_change("message_hidden", room, message)
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
    """On account deletion: keep the sequence, remove the words."""
    now = timezone.now()
    return Message.objects.filter(author=user, deleted_at__isnull=True).update(
        body="", deleted_at=now
    )
