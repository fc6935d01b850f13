"""Where higher apps plug into the safety net (safety never imports them).

- ``register_on_duty_provider(fn)``: ``fn() -> iterable of user ids`` on duty right now.
  With no provider, or nobody on duty, alerts go to all professionals and moderators.
- ``register_context_url(kind, fn)``: ``fn(flag) -> str | None``, the page where staff
  can open the group or conversation an alert came from.
- ``register_flag_hook(fn)``: ``fn(flag) -> None``, runs inside the transaction that
  stores a flag (conversations raise the priority of a waiting request here).
- ``register_talk_now(fn)``: ``fn(user) -> str``, starts a one-to-one request at the
  highest priority and returns the URL to send the person to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

logger = logging.getLogger(__name__)

OnDutyProvider = Callable[[], Iterable[int]]

_ON_DUTY: list[OnDutyProvider] = []
_CONTEXT_URLS: dict[str, Callable[[Any], str | None]] = {}
_FLAG_HOOKS: list[Callable[[Any], None]] = []
_TALK_NOW: list[Callable[[Any], str]] = []


def register_on_duty_provider(fn: OnDutyProvider) -> None:
    if fn not in _ON_DUTY:
        _ON_DUTY.append(fn)


def has_on_duty_providers() -> bool:
    return bool(_ON_DUTY)


def on_duty_user_ids() -> set[int]:
    ids: set[int] = set()
    for provider in _ON_DUTY:
        ids.update(int(i) for i in provider())
    return ids


def register_context_url(kind: str, fn: Callable[[Any], str | None]) -> None:
    _CONTEXT_URLS[kind] = fn


def context_url(flag) -> str | None:
    fn = _CONTEXT_URLS.get(flag.context_kind)
    if fn is None:
        return None
    try:
        return fn(flag)
    except Exception:  # a broken link must never hide an alert
        logger.exception("context URL for %s failed", flag.context_kind)
        return None


def register_flag_hook(fn: Callable[[Any], None]) -> None:
    if fn not in _FLAG_HOOKS:
        _FLAG_HOOKS.append(fn)


def run_flag_hooks(flag) -> None:
    """Each hook in its own savepoint: a failing hook never loses the flag or the message."""
    from django.db import transaction

    for hook in _FLAG_HOOKS:
        try:
            with transaction.atomic():
                hook(flag)
        except Exception:
            logger.exception("a safety-net flag hook failed")


def register_talk_now(fn: Callable[[Any], str]) -> None:
    _TALK_NOW[:] = [fn]


def talk_now_handler() -> Callable[[Any], str] | None:
    return _TALK_NOW[0] if _TALK_NOW else None
