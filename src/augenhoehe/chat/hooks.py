"""Hooks that run inside the send transaction (the crisis safety net registers here).

A hook returns something for the writer alone (e.g. a support card) or None; it must
never block or change the message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

MessageHook = Callable[..., Any]
_HOOKS: list[MessageHook] = []


def register_message_hook(hook: MessageHook) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def run_message_hooks(*, author, room, message) -> Any:
    result = None
    for hook in _HOOKS:
        outcome = hook(author=author, room=room, message=message)
        if outcome is not None:
            result = outcome
    return result


_EDIT_HOOKS: list[MessageHook] = []


def register_edit_hook(hook: MessageHook) -> None:
    """Hooks for an edited message (new body), inside the edit's transaction."""
    if hook not in _EDIT_HOOKS:
        _EDIT_HOOKS.append(hook)


def run_edit_hooks(*, author, room, message) -> None:
    for hook in _EDIT_HOOKS:
        hook(author=author, room=room, message=message)
