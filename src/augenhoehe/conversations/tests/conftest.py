"""Helpers for the conversation tests: peers with profiles, requests, accepted conversations."""

from __future__ import annotations

import pytest

from augenhoehe.conversations import actions


def make_peer(user, *, topics=("anxiety",), languages=("de",), available=True, **extra):
    actions.save_peer_profile(user, topics=list(topics), languages=list(languages), **extra)
    return actions.set_availability(user, available=available)


@pytest.fixture
def second_peer(db):
    from conftest import make_person

    return make_person("Ayse", perspective="affected", roles=["peer"])


@pytest.fixture
def ready(cast):
    """Sam is an available peer for anxiety in German."""
    make_peer(cast.peer)
    return cast


def ask(user, topics=("anxiety",), **kwargs):
    return actions.create_request(user, topics=list(topics), **kwargs)


@pytest.fixture
def conversation(ready):
    """Mira asked about anxiety, Sam accepted."""
    request = ask(ready.mira, text="Ich habe Angst vor morgen.")
    return actions.accept_request(ready.peer, request.pk)
