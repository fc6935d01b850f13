"""The one WebSocket endpoint, /ws/: many rooms over one socket (docs/protocol.md).

Thin by design: authenticate on connect, gate every room with ``access_room``, save
through the actions, and relay events from the process hub. All frames to the client go
through one ordered outbox, so a room's messages arrive in sequence, exactly once: live
frames already sent are dropped, and a gap is filled from the database.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from augenhoehe.chat import actions, events, selectors
from augenhoehe.chat.access import RoomNotFound, access_room
from augenhoehe.chat.batching import get_batcher
from augenhoehe.chat.ratelimit import RateLimited
from augenhoehe.core.lib.realtime import get_hub

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
OUTBOX_LIMIT = 5_000
REPLAY_BATCH = 500
CLOSE_TOO_BIG = 1009
CLOSE_TOO_SLOW = 4008


# A subscribed room's gate result is reused for sends for this long; revocations are also
# pushed to the socket at once ("unsubscribed": access_revoked).
GATE_TTL_SECONDS = 15.0


@dataclass
class RoomState:
    last_sent: int
    room: Any = None
    gated_at: float = 0.0


class ChatConsumer(AsyncWebsocketConsumer):
    # No layer channel per socket: the process hub holds one per topic (see realtime.py).
    channel_layer_alias = "__hub_only__"

    async def dispatch(self, message: dict) -> None:
        # Channels closes stale database connections before every frame, a trip to the
        # database thread per frame; database_sync_to_async already does it around each
        # call, so it is skipped here.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close()
            return
        self.user = user
        self.language = getattr(user, "language", None) or settings.LANGUAGE_CODE
        self.rooms: dict[int, RoomState] = {}
        self.outbox: asyncio.Queue = asyncio.Queue()
        self.closing = False
        self.hub = get_hub()
        self.user_topic = actions.user_topic(user.pk)
        await self.accept()
        await self.hub.subscribe(self.user_topic, self)
        self.pump = asyncio.create_task(self._pump())
        self._queue_raw(
            {"type": "hello", "protocol": 1, "user": {"id": user.pk, "pseudonym": user.pseudonym}}
        )

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "hub"):
            return
        self.closing = True
        for room_id in list(self.rooms):
            await self.hub.unsubscribe(actions.room_topic(room_id), self)
        await self.hub.unsubscribe(self.user_topic, self)
        self.rooms.clear()
        if hasattr(self, "pump"):
            self.pump.cancel()

    # --- from the hub -----------------------------------------------------------------
    def deliver(self, event: dict[str, Any]) -> None:
        if self.closing:
            return
        if self.outbox.qsize() >= OUTBOX_LIMIT:
            # A client this far behind resumes from the database after reconnecting.
            self.closing = True
            asyncio.ensure_future(self.close(code=CLOSE_TOO_SLOW))
            return
        self.outbox.put_nowait(("event", event))

    # --- from the client --------------------------------------------------------------
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        if bytes_data is not None:
            if len(bytes_data) > MAX_FRAME_BYTES:
                await self.close(code=CLOSE_TOO_BIG)
                return
            self._error("bad_frame", _("Please send text frames with JSON."))
            return
        if text_data is None:
            return
        if len(text_data) > MAX_FRAME_BYTES or len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        try:
            data = json.loads(text_data)
        except ValueError:
            self._error("bad_json", _("The frame is not valid JSON."))
            return
        if not isinstance(data, dict):
            self._error("bad_frame", _("A frame must be a JSON object."))
            return
        handler = self.HANDLERS.get(data.get("type"))  # type: ignore[arg-type]
        if handler is None:
            self._error("unknown_type", _("Unknown frame type."), ref=data.get("type"))
            return
        with translation.override(self.language):
            try:
                await handler(self, data)
            except RoomNotFound:
                self._error(
                    "not_found",
                    _("This room does not exist or is not open to you."),
                    room=data.get("room"),
                    client_id=data.get("client_id"),
                )
            except ValidationError as exc:
                self._error(
                    getattr(exc, "code", None) or "invalid",
                    " ".join(exc.messages),
                    room=data.get("room"),
                    client_id=data.get("client_id"),
                )
            except PermissionDenied as exc:
                self._error(
                    "forbidden",
                    str(exc) or _("You are not allowed to do this."),
                    room=data.get("room"),
                    client_id=data.get("client_id"),
                )
            except Exception:
                # Nothing was acknowledged, so the client may simply send again; the socket
                # stays open (e.g. the database was briefly unavailable).
                logger.exception("websocket frame of type %s failed", data.get("type"))
                self._error(
                    "server_error",
                    _("Something went wrong on our side. Please try again in a moment."),
                    room=data.get("room"),
                    client_id=data.get("client_id"),
                    retry_after=2,
                )

    async def on_subscribe(self, data: dict) -> None:
        room_id = _int_field(data, "room")
        after = _optional_count(data, "after")
        changes_after = _optional_count(data, "changes_after")
        room = await database_sync_to_async(access_room)(self.user, room_id)
        if room.pk not in self.rooms:
            await self.hub.subscribe(actions.room_topic(room.pk), self)
        # Replay happens in the outbox, in order with live frames.
        self.outbox.put_nowait(("subscribe", room.pk, (after, changes_after)))

    async def on_unsubscribe(self, data: dict) -> None:
        room_id = _int_field(data, "room")
        if self.rooms.pop(room_id, None) is not None:
            await self.hub.unsubscribe(actions.room_topic(room_id), self)
        self._queue_raw({"type": "unsubscribed", "room": room_id})

    async def on_send(self, data: dict) -> None:
        room_id = _int_field(data, "room")
        client_id = data.get("client_id")
        state = self.rooms.get(room_id)
        gated = None
        if state is not None and time.monotonic() - state.gated_at < GATE_TTL_SECONDS:
            gated = state.room
        try:
            result = await get_batcher().submit(
                actions.SendRequest(self.user, room_id, data.get("body"), client_id, gated)
            )
        except RateLimited as exc:
            self._error(
                "rate_limited",
                _("You are writing very fast. Please wait a moment before sending again."),
                room=room_id,
                client_id=client_id,
                retry_after=exc.retry_after,
            )
            return
        if state is not None and gated is None:
            state.room, state.gated_at = result.room, time.monotonic()
        self._queue_raw(
            {
                "type": "ack",
                "room": result.room.pk,
                "client_id": result.message.client_id,
                "seq": result.message.seq,
                "duplicate": not result.created,
            }
        )
        if result.screening is not None and hasattr(result.screening, "to_frame"):
            self._queue_raw(result.screening.to_frame(room=result.room.pk, seq=result.message.seq))

    async def on_edit(self, data: dict) -> None:
        room_id = _int_field(data, "room")
        await database_sync_to_async(actions.edit_message)(
            self.user, room_id, seq=data.get("seq"), body=data.get("body")
        )

    async def on_delete(self, data: dict) -> None:
        room_id = _int_field(data, "room")
        await database_sync_to_async(actions.delete_message)(
            self.user, room_id, seq=data.get("seq")
        )

    async def on_hide(self, data: dict) -> None:
        room_id = _int_field(data, "room")
        await database_sync_to_async(actions.hide_message)(self.user, room_id, seq=data.get("seq"))

    async def on_read(self, data: dict) -> None:
        room_id = _int_field(data, "room")
        seq = _int_field(data, "seq")
        if room_id not in self.rooms:
            raise RoomNotFound
        await database_sync_to_async(_mark_read)(self.user, room_id, seq)

    async def on_ping(self, data: dict) -> None:
        self._queue_raw({"type": "pong", "ref": data.get("ref")})

    HANDLERS = {
        "subscribe": on_subscribe,
        "unsubscribe": on_unsubscribe,
        "send": on_send,
        "edit": on_edit,
        "delete": on_delete,
        "hide": on_hide,
        "read": on_read,
        "ping": on_ping,
    }

    # --- the ordered outbox -----------------------------------------------------------
    def _queue_raw(self, frame: dict) -> None:
        self.outbox.put_nowait(("raw", events.encode(frame)))

    def _error(self, code: str, detail: str, **extra: Any) -> None:
        frame = {"type": "error", "code": code, "detail": detail}
        frame.update({k: v for k, v in extra.items() if v is not None})
        self._queue_raw(frame)

    async def _pump(self) -> None:
        try:
            while True:
                item = await self.outbox.get()
                kind = item[0]
                if kind == "raw":
                    await self._send_text(item[1])
                elif kind == "event":
                    await self._relay(item[1])
                elif kind == "subscribe":
                    await self._start_room(item[1], *item[2])
        except asyncio.CancelledError:
            pass
        except Exception:
            logger.exception("websocket pump failed; closing so the client resumes")
            await self.close(code=1011)

    def _send_text(self, text: str):
        """One text frame to the client: the ASGI send, without the two wrapper coroutines
        of ``AsyncWebsocketConsumer.send`` (the hottest call of the fan-out)."""
        return self.base_send({"type": "websocket.send", "text": text})

    async def _relay(self, event: dict) -> None:
        topic_kind = event.get("kind")
        if topic_kind == "raw":
            frame = json.loads(event["text"])
            if frame.get("type") == "unsubscribed":
                room_id = frame.get("room")
                if self.rooms.pop(room_id, None) is not None:
                    await self.hub.unsubscribe(actions.room_topic(room_id), self)
            await self._send_text(event["text"])
            return
        room_id = int(event["topic"].split(".", 1)[1])
        state = self.rooms.get(room_id)
        if state is None:
            return
        seq = event["seq"]
        if topic_kind == "change":
            if seq <= state.last_sent:  # the client has that message: send its new state
                await self._send_text(event["text"])
            return
        if seq <= state.last_sent:
            return  # already sent (replay overlap or duplicate wake-up)
        if seq > state.last_sent + 1:
            await self._replay(room_id, state, upto=seq - 1)  # a dropped wake-up
        if seq == state.last_sent + 1:
            await self._send_text(event["text"])
            state.last_sent = seq

    async def _start_room(self, room_id: int, after: int | None, changes_after: int | None) -> None:
        try:
            room, head = await database_sync_to_async(_room_head)(self.user, room_id)
        except RoomNotFound:
            await self.hub.unsubscribe(actions.room_topic(room_id), self)
            self._error(
                "not_found", _("This room does not exist or is not open to you."), room=room_id
            )
            return
        state = self.rooms.get(room_id)
        if state is None:
            state = RoomState(last_sent=head if after is None else min(after, head))
            self.rooms[room_id] = state
        elif after is not None and after < state.last_sent:
            state.last_sent = after  # an explicit re-subscribe asks for a replay
        state.room, state.gated_at = room, time.monotonic()
        start = state.last_sent
        await self.send(
            text_data=events.encode(
                {
                    "type": "subscribed",
                    "room": room_id,
                    "last_seq": head,
                    "after": start,
                    "last_change": room.last_change,
                }
            )
        )
        if changes_after is not None and start > 0:
            # Edits, deletions and hides of messages the client already has.
            while True:
                changed = await database_sync_to_async(_changes_after)(
                    self.user, room_id, changes_after, start, REPLAY_BATCH
                )
                for change_no, text in changed:
                    await self.send(text_data=text)
                    changes_after = change_no
                if len(changed) < REPLAY_BATCH:
                    break
        await self._replay(room_id, state, upto=None)

    async def _replay(self, room_id: int, state: RoomState, upto: int | None) -> None:
        while True:
            frames = await database_sync_to_async(_frames_after)(
                self.user, room_id, state.last_sent, REPLAY_BATCH
            )
            for seq, text in frames:
                if upto is not None and seq > upto:
                    return
                await self.send(text_data=text)
                state.last_sent = seq
            if len(frames) < REPLAY_BATCH:
                return


def _int_field(data: dict, name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            _("The field %(name)s must be a number.") % {"name": name}, code="invalid"
        )
    return value


def _optional_count(data: dict, name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            _("The field %(name)s must be a number (0 or more).") % {"name": name}, code="invalid"
        )
    return value


def _changes_after(user, room_id: int, changes_after: int, upto: int, limit: int):
    room = access_room(user, room_id)
    return [
        (m.change_no, events.encode(events.change_frame(events.current_state_kind(m), m, room)))
        for m in selectors.changed_messages(
            room, changes_after=changes_after, upto_seq=upto, limit=limit
        )
    ]


def _room_head(user, room_id: int):
    room = access_room(user, room_id)
    return room, room.last_seq


def _frames_after(user, room_id: int, after: int, limit: int) -> list[tuple[int, str]]:
    room = access_room(user, room_id)
    return [
        (m.seq, events.encode(events.message_frame(m, room)))
        for m in selectors.messages_after(room, after, limit=limit)
    ]


def _mark_read(user, room_id: int, seq: int) -> None:
    room = access_room(user, room_id)
    actions.mark_read(user, room, seq=seq)
