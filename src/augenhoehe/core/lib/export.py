"""A registry so higher apps can add their part to a person's data export.

Lower apps must not import higher ones, so groups or chat register an exporter here
(in their AppConfig.ready) instead of accounts importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
_EXPORTERS: dict[str, Exporter] = {}


def register_exporter(key: str, exporter: Exporter) -> None:
    _EXPORTERS[key] = exporter


def collect_exports(user: Any) -> dict[str, Any]:
    return {key: exporter(user) for key, exporter in sorted(_EXPORTERS.items())}


_DELETION_HOOKS: dict[str, Exporter] = {}


def register_deletion_hook(key: str, hook: Exporter) -> None:
    """Higher apps clean up what belongs to a person before their account is deleted."""
    _DELETION_HOOKS[key] = hook


def run_deletion_hooks(user: Any) -> None:
    for _key, hook in sorted(_DELETION_HOOKS.items()):
        hook(user)
