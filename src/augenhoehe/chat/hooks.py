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
