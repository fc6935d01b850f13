"""Chat tests use rooms of a test-only kind whose participants are listed explicitly,
so the chat core is tested without depending on groups or conversations."""

from __future__ import annotations

import pytest

from augenhoehe.chat.access import RoomPolicy, register_room_policy

PARTICIPANTS: dict[int, set[int]] = {}
MODERATORS: dict[int, set[int]] = {}

register_room_policy(
    "test",
    RoomPolicy(
        is_participant=lambda user, room: user.pk in PARTICIPANTS.get(room.pk, set()),
        can_moderate=lambda user, room: user.pk in MODERATORS.get(room.pk, set()),
    ),
)


@pytest.fixture
def make_room(db):
    from augenhoehe.chat.actions import create_room

    def _make(*members, moderators=(), label_perspectives=False):
        room = create_room(kind="test", title="Testraum", label_perspectives=label_perspectives)
        PARTICIPANTS[room.pk] = {m.pk for m in members}
        MODERATORS[room.pk] = {m.pk for m in moderators}
        return room

    yield _make
    PARTICIPANTS.clear()
    MODERATORS.clear()


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each async test runs on its own event loop; the in-memory layer must not outlive it."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
