"""Typed access to the ``AUGENHOEHE`` settings dict (django-stubs sees its values as object)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def site_setting(name: str) -> Any:
    return settings.AUGENHOEHE[name]
