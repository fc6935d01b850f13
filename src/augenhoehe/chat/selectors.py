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


_PAGE_FIELDS = (
    "seq",
    "client_id",
    "body",
    "created",
    "edited_at",
    "deleted_at",
    "hidden_at",
    "author_id",
    "author__pseudonym",
    "author__perspective",
)


def history_page(
    room: Room, *, before: int | None, after: int | None, limit: int
) -> tuple[list[dict], bool]:
    """A page of messages as API data, oldest first, and whether there are more.

    Reads plain column values (no model instances) and the Trialog labels with one query,
    so a page stays a few milliseconds however large the room is (keyset on (room, seq)).
    """
    from augenhoehe.accounts.models import Role, RoleGrant
    from augenhoehe.chat.events import author_dict, message_dict

    qs = Message.objects.filter(room=room)
    if after is not None:
        rows = list(qs.filter(seq__gt=after).order_by("seq").values(*_PAGE_FIELDS)[: limit + 1])
        has_more = len(rows) > limit
        rows = rows[:limit]
    else:
        if before is not None:
            qs = qs.filter(seq__lt=before)
        rows = list(qs.order_by("-seq").values(*_PAGE_FIELDS)[: limit + 1])
        has_more = len(rows) > limit
        rows = rows[:limit][::-1]
    professionals: set[int] = set()
    if room.label_perspectives:
        authors = {row["author_id"] for row in rows if row["author_id"] is not None}
        professionals = set(
            RoleGrant.objects.filter(user_id__in=authors, role=Role.PROFESSIONAL).values_list(
                "user_id", flat=True
            )
        )
    page = []
    for row in rows:
        author = None
        if row["author_id"] is not None:
            perspective = None
            if room.label_perspectives:
                is_professional = row["author_id"] in professionals
                perspective = "professional" if is_professional else row["author__perspective"]
            author = author_dict(row["author_id"], row["author__pseudonym"], perspective)
        page.append(
            message_dict(
                room_id=room.pk,
                seq=row["seq"],
                author=author,
                body=row["body"],
                client_id=row["client_id"],
                created=row["created"],
                edited_at=row["edited_at"],
                deleted_at=row["deleted_at"],
                hidden_at=row["hidden_at"],
            )
        )
    return page, has_more
