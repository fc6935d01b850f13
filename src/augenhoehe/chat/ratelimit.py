"""A small per-process token bucket per person for chat sends."""

from __future__ import annotations

import math
import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from augenhoehe.core.lib.conf import site_setting


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self._buckets: dict[int, tuple[float, float]] = {}

    def hit(self, key: int) -> float:
        """Take one token; return 0 if allowed, else the seconds to wait."""
        now = time.monotonic()
        tokens, stamp = self._buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - stamp) * self.refill_per_second)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > 50_000:
                self._buckets.clear()
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1 - tokens) / self.refill_per_second


_limiter: RateLimiter | None = None


def send_limiter() -> RateLimiter:
    global _limiter
    per_minute = int(site_setting("CHAT_MESSAGES_PER_MINUTE"))
    if _limiter is None or _limiter.capacity != per_minute:
        _limiter = RateLimiter(per_minute)
    return _limiter


def retry_hint(seconds: float) -> int:
    return max(1, math.ceil(seconds))


class RateLimited(ValidationError):
    """More new messages than CHAT_MESSAGES_PER_MINUTE; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            _("You are writing very fast. Please wait a moment before sending again."),
            code="rate_limited",
        )
        self.retry_after = retry_after


def check_send_rate(user_id: int) -> None:
    """Take one token for a new message of this person, or raise RateLimited."""
    wait = send_limiter().hit(user_id)
    if wait:
        raise RateLimited(retry_hint(wait))
