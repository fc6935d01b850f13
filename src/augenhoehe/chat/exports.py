from __future__ import annotations

from augenhoehe.chat.models import Message
from augenhoehe.core.lib.export import register_deletion_hook, register_exporter


def export_messages(user) -> list[dict]:
    return [
        {
            "room": m.room_id,
            "seq": m.seq,
            "body": m.body,
            "created": m.created.isoformat(),
            "edited": m.edited_at.isoformat() if m.edited_at else None,
            "deleted": m.deleted_at is not None,
        }
        for m in Message.objects.filter(author=user).order_by("room_id", "seq")
    ]


def register() -> None:
    from augenhoehe.chat.actions import tombstone_messages_of

    register_exporter("chat_messages", export_messages)
    register_deletion_hook("chat_messages", tombstone_messages_of)
