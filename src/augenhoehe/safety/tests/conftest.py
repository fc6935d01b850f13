"""The safety net's tests use real groups and conversations (the apps above safety), so
that the hooks are tested as they are wired in production."""

from __future__ import annotations

import pytest

# Clearly risky and clearly harmless messages, in our own words.
RISKY_DE = "Ich habe die Tabletten schon hier und heute Nacht bringe ich mich um."
RISKY_EN = "I have the pills here and tonight I'm ending it."
CONCERN_DE = "Ich will nicht mehr leben."
HARMLESS = [
    "Hallo zusammen, wie war euer Tag?",
    "ich lach mich tot",
    "Ich lach mich tot, der Film war so gut!",
]


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each async test runs on its own event loop; the in-memory layer must not outlive it."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def fresh_send_limiter(monkeypatch):
    """The per-process send limit must not carry over between tests (ids repeat)."""
    from augenhoehe.chat import ratelimit

    monkeypatch.setattr(ratelimit, "_limiter", None)


@pytest.fixture
def orgadmin(db):
    from conftest import make_person

    return make_person("Birke", perspective="unspecified", roles=["orgadmin"])


@pytest.fixture
def group(cast):
    """Mira and Helga are members; Sam (peer) facilitates. No staff in the group."""
    from augenhoehe.groups import actions

    group = actions.create_group(
        name="Abendrunde",
        topic="depression",
        description="Austausch am Abend",
        rules="Respekt.",
        created_by=cast.peer,
    )
    for name in ("mira", "helga"):
        actions.join_group(cast[name], group.pk, accept_rules=True)
    return group


def send_api(cast, name, room_id, body, client_id="c-1"):
    return cast.api(name).post(f"rooms/{room_id}/messages", {"body": body, "client_id": client_id})
