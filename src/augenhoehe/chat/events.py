"""Frames of the WebSocket protocol (docs/protocol.md), built once per event."""

from __future__ import annotations

import json
from typing import Any

from augenhoehe.chat.models import Message, Room


def author_of(message: Message, room: Room) -> dict[str, Any] | None:
    user = message.author
    if user is None:
        return None
    perspective = user.trialog_perspective if room.label_perspectives else None
    return author_dict(user.pk, user.pseudonym, perspective)


def author_dict(user_id: int, pseudonym: str, perspective: str | None) -> dict[str, Any]:
    author: dict[str, Any] = {"id": user_id, "pseudonym": pseudonym}
    if perspective is not None:  # Trialog rooms only
        author["perspective"] = perspective
    return author


def message_data(message: Message, room: Room) -> dict[str, Any]:
    return message_dict(
        room_id=room.pk,
        seq=message.seq,
        author=author_of(message, room),
        body=message.body,
        client_id=message.client_id,
        created=message.created,
        edited_at=message.edited_at,
        deleted_at=message.deleted_at,
        hidden_at=message.hidden_at,
    )


def message_dict(
    *, room_id, seq, author, body, client_id, created, edited_at, deleted_at, hidden_at
) -> dict[str, Any]:
    """The one shape of a message in frames and in the history API."""
    withheld = deleted_at is not None or hidden_at is not None
    return {
        "room": room_id,
        "seq": seq,
        "author": author,
        "body": "" if withheld else body,
        "client_id": client_id,
        "created": created.isoformat(),
        "edited": edited_at.isoformat() if edited_at else None,
        "deleted": deleted_at is not None,
        "hidden": hidden_at is not None,
    }


def message_frame(message: Message, room: Room) -> dict[str, Any]:
    return {"type": "message", **message_data(message, room)}


def change_frame(kind: str, message: Message, room: Room) -> dict[str, Any]:
    """An edit, delete or hide of an existing message: ``message_edited`` etc. ``change`` is
    the room's change number; a client resumes with ``changes_after`` (docs/protocol.md)."""
    return {"type": kind, **message_data(message, room), "change": message.change_no}


def current_state_kind(message: Message) -> str:
    """The change frame type that describes a message as it is now."""
    if message.is_hidden:
        return "message_hidden"
    if message.is_deleted:
        return "message_deleted"
    return "message_edited"


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
