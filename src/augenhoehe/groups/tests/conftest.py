"""A group with the whole cast in it: ``peer`` facilitates, ``outsider`` stays outside."""

from __future__ import annotations

import pytest


@pytest.fixture
def group(cast):
    from augenhoehe.groups import actions

    group = actions.create_group(
        name="Abendrunde",
        topic="depression",
        description="Austausch am Abend",
        rules="Respekt.",
        created_by=cast.peer,
    )
    for name in ("mira", "helga", "professional", "moderator"):
        actions.join_group(cast[name], group.pk, accept_rules=True)
    return group


@pytest.fixture
def trialog(cast):
    from augenhoehe.groups import actions

    group = actions.create_group(
        name="Trialog", topic="psychosis", audience="trialog", created_by=cast.peer
    )
    for name in ("mira", "helga", "professional"):
        actions.join_group(cast[name], group.pk, accept_rules=True)
    return group
