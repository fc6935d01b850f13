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
