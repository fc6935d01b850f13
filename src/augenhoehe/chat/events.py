"""Frames of the WebSocket protocol (docs/protocol.md), built once per event."""

from __future__ import annotations

import json
from typing import Any

from augenhoehe.chat.models import Message, Room


def author_of(message: Message, room: Room) -> dict[str, Any] | None:
    user = message.author
    if user is None:
        return None
    author: dict[str, Any] = {"id": user.pk, "pseudonym": user.pseudonym}
    if room.label_perspectives:
        author["perspective"] = user.trialog_perspective
    return author


def message_data(message: Message, room: Room) -> dict[str, Any]:
    withheld = message.is_deleted or message.is_hidden
    return {
        "room": room.pk,
        "seq": message.seq,
        "author": author_of(message, room),
        "body": "" if withheld else message.body,
        "client_id": message.client_id,
        "created": message.created.isoformat(),
        "edited": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": message.is_deleted,
        "hidden": message.is_hidden,
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
