"""The one gate for rooms. Apps that own rooms register who may read and write them.

``access_room(user, room_id)`` returns the room or raises ``RoomNotFound`` for both a
missing and a forbidden room, so nobody can probe which rooms exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404

from augenhoehe.chat.models import Room


class RoomNotFound(Http404):
    """A missing or forbidden room (the same answer for both). An Http404, like the other
    apps' *NotFound: the API and the pages answer 404 without catching it each time."""


@dataclass(frozen=True)
class RoomPolicy:
    # may this person read and write in the room?
    is_participant: Callable[[object, Room], bool]
    # may this person hide others' messages (facilitators, moderators)?
    can_moderate: Callable[[object, Room], bool] = lambda user, room: False
    # called inside the transaction when a moderator hides a message (the owner's record)
    on_hidden: Callable[[object, Room, object], None] | None = None


_POLICIES: dict[str, RoomPolicy] = {}


def register_room_policy(kind: str, policy: RoomPolicy) -> None:
    _POLICIES[kind] = policy


def access_room(user, room_id) -> Room:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise RoomNotFound
    try:
        room = Room.objects.get(pk=int(room_id))
    except (Room.DoesNotExist, TypeError, ValueError):
        raise RoomNotFound from None
    policy = _POLICIES.get(room.kind)
    if policy is None:
        raise RoomNotFound
    if not policy.is_participant(user, room):
        raise RoomNotFound
    return room


def record_hidden(user, room: Room, message) -> None:
    policy = _POLICIES.get(room.kind)
    if policy is not None and policy.on_hidden is not None:
        policy.on_hidden(user, room, message)


def can_moderate_room(user, room: Room) -> bool:
    policy = _POLICIES.get(room.kind)
    return policy is not None and policy.can_moderate(user, room)
