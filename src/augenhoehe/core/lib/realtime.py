"""Per-process fan-out of events to local WebSockets, on top of the Channels layer.

The channel layer is at-most-once and only wakes clients; the database stays the source of
truth. Instead of one layer channel per socket (Channels' default), each process holds
**one** layer channel (its hub) and joins a layer group once per *topic* that has local
subscribers. An event is encoded once by the publisher, crosses the layer once per process,
and is handed to that process's sockets as the same string.

Sockets implement ``deliver(event: dict) -> None`` (must not block; it queues).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
import weakref
from typing import Any, Protocol

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


class Subscriber(Protocol):
    def deliver(self, event: dict[str, Any]) -> None: ...


def room_topic(room_id: int) -> str:
    return f"room.{room_id}"


def user_topic(user_id: int) -> str:
    """Private frames for every open socket of one person."""
    return f"user.{user_id}"


def group_for(topic: str) -> str:
    return "t." + topic


class Hub:
    def __init__(self, layer) -> None:
        self.layer = layer
        self.channel: str | None = None
        self.topics: dict[str, set[Subscriber]] = {}
        self._joined: dict[str, asyncio.Future] = {}
        self._start_lock = asyncio.Lock()
        self._task: asyncio.Task | None = None

    async def _ensure_started(self) -> None:
        if self._task is not None and not self._task.done():
            return
        async with self._start_lock:
            if self._task is not None and not self._task.done():
                return
            if self.channel is None:
                self.channel = await self.layer.new_channel("hub.")
            self._task = asyncio.create_task(self._run(), name="augenhoehe-hub")

    async def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        await self._ensure_started()
        subscribers = self.topics.setdefault(topic, set())
        subscribers.add(subscriber)
        joined = self._joined.get(topic)
        if joined is None:
            joined = asyncio.get_running_loop().create_future()
            self._joined[topic] = joined
            try:
                await self.layer.group_add(group_for(topic), self.channel)
            except Exception as exc:
                self._joined.pop(topic, None)
                subscribers.discard(subscriber)
                joined.set_exception(exc)
                joined.exception()  # mark retrieved
                raise
            joined.set_result(True)
        else:
            # Another local socket is joining this topic right now: wait until the layer
            # group is joined, so nothing published after we return can be missed.
            await asyncio.shield(joined)

    async def unsubscribe(self, topic: str, subscriber: Subscriber) -> None:
        subscribers = self.topics.get(topic)
        if not subscribers:
            return
        subscribers.discard(subscriber)
        if not subscribers:
            del self.topics[topic]
            joined = self._joined.pop(topic, None)
            if joined is not None and joined.done() and self.channel is not None:
                try:
                    await self.layer.group_discard(group_for(topic), self.channel)
                except Exception:  # the layer may be gone at shutdown
                    logger.warning("could not leave layer group for %s", topic)

    async def _run(self) -> None:
        assert self.channel is not None
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub receive failed; retrying")
                await asyncio.sleep(0.5)
                continue
            self.dispatch(event)

    def dispatch(self, event: dict[str, Any]) -> None:
        """Hand an event to this process's sockets subscribed to its topic (never blocks)."""
        subscribers = self.topics.get(event.get("topic", ""))
        if not subscribers:
            return
        for subscriber in tuple(subscribers):
            try:
                subscriber.deliver(event)
            except Exception:
                logger.exception("delivery to a local socket failed")


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()
# The event loop of this server process, so that worker threads can hand a publish to it
# without waiting for it (the database thread is the bottleneck of the send path).
_server_loop: asyncio.AbstractEventLoop | None = None


def get_hub() -> Hub:
    """The hub of the running event loop (one per process in production)."""
    global _server_loop
    loop = asyncio.get_running_loop()
    _server_loop = loop
    hub = _hubs.get(loop)
    if hub is None:
        hub = Hub(get_channel_layer())
        _hubs[loop] = hub
    return hub


async def publish(topic: str, payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    event = {"type": "hub.event", "topic": topic, **payload}
    if getattr(layer, "process_local", False):
        # Embedded mode: the layer could only bring the event back to this process's own
        # hub, so it is handed to the hub directly (no copy, no queue, no wake-up).
        hub = _sole_hub()
        if hub is not None:
            hub.dispatch(event)
            return
    await layer.group_send(group_for(topic), event)


def _sole_hub() -> Hub | None:
    """The running loop's hub, if no other live event loop in this process has one (there
    is one loop per server process; tests may run several)."""
    running = asyncio.get_running_loop()
    hub = _hubs.get(running)
    if hub is None:
        return None
    for loop in list(_hubs.keys()):
        if loop is not running and not loop.is_closed():
            return None
    return hub


def notify_user_on_commit(user_id: int, text: str) -> None:
    """After the current transaction commits, send an encoded frame to one person's sockets."""
    from django.db import transaction

    transaction.on_commit(lambda: publish_sync(user_topic(user_id), {"kind": "raw", "text": text}))


# Publishes handed from worker threads to the event loop: one queue, drained in order by
# one task, so a batch of messages committed together costs one wake-up of the loop
# instead of one per message.
_handover: collections.deque[tuple[str, dict[str, Any]]] = collections.deque()
_handover_lock = threading.Lock()
_handover_scheduled = False
_handover_loop: asyncio.AbstractEventLoop | None = None
_drainers: set[asyncio.Task] = set()


def _hand_over(loop: asyncio.AbstractEventLoop, topic: str, payload: dict[str, Any]) -> None:
    global _handover_scheduled, _handover_loop
    with _handover_lock:
        _handover.append((topic, payload))
        if _handover_scheduled and _handover_loop is loop and loop.is_running():
            return  # the drain task on this loop will take it
        _handover_scheduled = True
        _handover_loop = loop
    try:
        loop.call_soon_threadsafe(_start_drain)
    except RuntimeError:  # the loop closed meanwhile (shutdown): clients catch up later
        with _handover_lock:
            _handover.clear()
            _handover_scheduled = False


def _start_drain() -> None:
    task = asyncio.ensure_future(_drain_handover())
    _drainers.add(task)
    task.add_done_callback(_drainers.discard)


async def _drain_handover() -> None:
    global _handover_scheduled
    while True:
        with _handover_lock:
            if not _handover:
                _handover_scheduled = False
                return
            batch = list(_handover)
            _handover.clear()
        for topic, payload in batch:
            try:
                await publish(topic, payload)
            except Exception:
                logger.exception(
                    "publishing to %s failed; clients will catch up from the database", topic
                )


def publish_sync(topic: str, payload: dict[str, Any]) -> None:
    """Publish from synchronous code (actions, after commit). Never raises: the layer only
    wakes clients, and the database already holds the truth.

    From a worker thread of a running server the publish is handed to the event loop and
    not waited for. Publishes are scheduled in commit order; should the layer still deliver
    two out of order, a socket's outbox fills the gap from the database and drops the late
    duplicate (chat/consumers.py).
    """
    loop = _server_loop
    if loop is not None and loop.is_running():
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is None:
            _hand_over(loop, topic, payload)
            return
    try:
        async_to_sync(publish)(topic, payload)
    except Exception:
        logger.exception("publishing to %s failed; clients will catch up from the database", topic)
