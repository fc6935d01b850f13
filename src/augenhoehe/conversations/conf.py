"""The conversation settings (``settings.CONVERSATIONS``) and the service hours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

DEFAULTS = {
    "HOURS": "",
    "RETENTION_DAYS": 30,
    "PEER_DAILY_HOURS": 4,
    "BREAK_AFTER_MINUTES": 90,
    "AUTO_OFFER_SECONDS": 0,
}
DAYS = {
    "mo": 0,
    "di": 1,
    "tu": 1,
    "mi": 2,
    "we": 2,
    "do": 3,
    "th": 3,
    "fr": 4,
    "sa": 5,
    "so": 6,
    "su": 6,
}
_PART = re.compile(
    r"^\s*([a-z]{2})(?:\s*-\s*([a-z]{2}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$"
)


def setting(name: str):
    return getattr(settings, "CONVERSATIONS", {}).get(name, DEFAULTS[name])


@dataclass(frozen=True)
class Window:
    days: frozenset[int]
    start: time
    end: time  # 24:00 is written as 23:59


def parse_hours(spec: str) -> list[Window]:
    """``"Mo-Fr 16:00-22:00; Sa 10:00-14:00"`` (German or English day abbreviations)."""
    windows = []
    for part in filter(None, (p.strip() for p in spec.lower().split(";"))):
        match = _PART.match(part)
        if not match or match.group(1) not in DAYS or (match.group(2) or "mo") not in DAYS:
            raise ImproperlyConfigured(f"CONVERSATION_HOURS: cannot read {part!r}")
        first = DAYS[match.group(1)]
        last = DAYS[match.group(2)] if match.group(2) else first
        days = (
            frozenset(range(first, last + 1))
            if first <= last
            else frozenset(list(range(first, 7)) + list(range(0, last + 1)))
        )
        h1, m1, h2, m2 = (int(g) for g in match.groups()[2:])
        end = time(23, 59, 59) if h2 == 24 else time(h2, m2)
        windows.append(Window(days, time(h1, m1), end))
    return windows


def service_open(now: datetime | None = None) -> bool:
    """Inside the configured service hours (always, when none are configured)."""
    windows = parse_hours(setting("HOURS"))
    if not windows:
        return True
    local = timezone.localtime(now or timezone.now())
    return any(local.weekday() in w.days and w.start <= local.time() <= w.end for w in windows)
