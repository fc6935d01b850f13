from __future__ import annotations

from augenhoehe.chat.models import Message, ReadMarker, Room

MAX_PAGE = 200


def messages_after(room: Room, after: int, *, limit: int = 500) -> list[Message]:
    """Messages with seq > after, oldest first (keyset on the (room, seq) unique index)."""
    return list(
        Message.objects.select_related("author")
        .filter(room=room, seq__gt=after)
        .order_by("seq")[:limit]
    )


def changed_messages(room: Room, *, changes_after: int, upto_seq: int, limit: int = 500):
    """Messages up to ``upto_seq`` edited, deleted or hidden after change ``changes_after``,
    in change order (uses the partial (room, change_no) index)."""
    return list(
        Message.objects.select_related("author")
        .filter(room=room, change_no__gt=changes_after, seq__lte=upto_seq)
        .order_by("change_no")[:limit]
    )


def messages_before(room: Room, before: int | None, *, limit: int = 50) -> list[Message]:
    """The newest messages with seq < before (or the newest at all), returned oldest first."""
    qs = Message.objects.select_related("author").filter(room=room)
    if before is not None:
        qs = qs.filter(seq__lt=before)
    return list(reversed(qs.order_by("-seq")[:limit]))


def unread_counts(user, rooms: list[Room]) -> dict[int, int]:
    markers = dict(
        ReadMarker.objects.filter(user=user, room__in=rooms).values_list("room_id", "last_read_seq")
    )
    return {room.pk: max(0, room.last_seq - markers.get(room.pk, 0)) for room in rooms}
