"""The embedded (single-process) channel layer."""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer


class EmbeddedChannelLayer(InMemoryChannelLayer):
    """Channels' in-memory layer, with its expiry sweep run at most once a second.

    The stock layer walks every channel and every group on each send and receive; with a
    group per room and per person that is most of the layer's cost under load. Messages
    and memberships still expire, only checked less often.
    """

    sweep_interval = 1.0
    # Everything sent reaches only this process: the realtime hub may then skip the layer
    # and hand events to its local sockets directly (core/lib/realtime.py).
    process_local = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._last_sweep >= self.sweep_interval:
            self._last_sweep = now
            super()._clean_expired()
