from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from augenhoehe.chat import actions, events, selectors
from augenhoehe.chat.access import access_room
from augenhoehe.chat.ratelimit import RateLimited
from augenhoehe.core.lib.http import ApiError, validation_error_dict

router = Router(tags=["chat"])


class HistoryQuery(Schema):
    before: int | None = Field(default=None, ge=1)
    after: int | None = Field(default=None, ge=0)
    limit: int = Field(default=50, ge=1, le=selectors.MAX_PAGE)


class AuthorOut(Schema):
    id: int
    pseudonym: str
    perspective: str | None = None


class MessageOut(Schema):
    room: int
    seq: int
    author: AuthorOut | None
    body: str
    client_id: str
    created: str
    edited: str | None
    deleted: bool
    hidden: bool


class HistoryOut(Schema):
    room: int
    last_seq: int
    messages: list[MessageOut]
    has_more: bool


class SendIn(Schema):
    body: str = Field(max_length=100_000)
    client_id: str = Field(max_length=200)


class SendOut(Schema):
    message: MessageOut
    duplicate: bool
    support: dict | None = None


class EditIn(Schema):
    body: str = Field(max_length=100_000)


class Detail(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


@router.get("/rooms/{room_id}/messages", response={200: HistoryOut, 404: Detail})
def history(request: HttpRequest, room_id: int, q: Query[HistoryQuery]):
    """A page of a room's messages. ``before`` pages backwards, ``after`` forwards."""
    room = access_room(request.auth, room_id)  # RoomNotFound is a 404
    page, has_more = selectors.history_page(room, before=q.before, after=q.after, limit=q.limit)
    body = {"room": room.pk, "last_seq": room.last_seq, "messages": page, "has_more": has_more}
    # Built in the documented shape already; skipping the schema's re-validation of every
    # message keeps the newest page of a large room within a few milliseconds.
    return HttpResponse(events.encode(body), content_type="application/json")


@router.post(
    "/rooms/{room_id}/messages",
    response={201: SendOut, 200: SendOut, 404: Detail, 422: Detail, 429: Detail},
)
def send(request: HttpRequest, room_id: int, payload: SendIn):
    """Send a message. Retrying with the same ``client_id`` returns the original (200)."""
    try:
        result = actions.send_message(
            request.auth, room_id, body=payload.body, client_id=payload.client_id
        )
    except RateLimited as exc:
        raise ApiError(429, exc.messages[0]) from None
    except ValidationError as exc:
        raise ApiError(422, " ".join(exc.messages), validation_error_dict(exc)) from None
    support = None
    if result.screening is not None and hasattr(result.screening, "to_frame"):
        support = result.screening.to_frame(room=result.room.pk, seq=result.message.seq)
    body = {
        "message": events.message_data(result.message, result.room),
        "duplicate": not result.created,
        "support": support,
    }
    return (201 if result.created else 200), body


@router.patch(
    "/rooms/{room_id}/messages/{seq}",
    response={200: MessageOut, 403: Detail, 404: Detail, 422: Detail},
)
def edit(request: HttpRequest, room_id: int, seq: int, payload: EditIn):
    message = actions.edit_message(request.auth, room_id, seq=seq, body=payload.body)
    return events.message_data(message, message.room)


@router.delete(
    "/rooms/{room_id}/messages/{seq}", response={200: MessageOut, 403: Detail, 404: Detail}
)
def delete(request: HttpRequest, room_id: int, seq: int):
    message = actions.delete_message(request.auth, room_id, seq=seq)
    return events.message_data(message, message.room)


@router.post(
    "/rooms/{room_id}/messages/{seq}/hide", response={200: MessageOut, 403: Detail, 404: Detail}
)
def hide(request: HttpRequest, room_id: int, seq: int):
    message = actions.hide_message(request.auth, room_id, seq=seq)
    return events.message_data(message, message.room)
