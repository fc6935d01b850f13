"""/api/v1/conversations/…: requests and the queue, peers, conversations (docs/matching.md)."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from augenhoehe.conversations import actions, selectors
from augenhoehe.conversations.access import access_conversation, access_request
from augenhoehe.conversations.safety_hooks import support_for_request
from augenhoehe.core.lib.http import ApiError, validation_error_dict

router = Router(tags=["conversations"])


class Detail(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class PreferencesIn(Schema):
    same_experience: bool | None = None
    language: str | None = Field(default=None, max_length=5)
    peer_gender: str | None = Field(default=None, max_length=10)
    young_peer: bool | None = None
    share_text: bool | None = None


class RequestIn(Schema):
    topics: list[str] = Field(max_length=20)
    text: str | None = Field(default=None, max_length=5000)
    preferences: PreferencesIn | None = None


class HandoverIn(Schema):
    to: int | str = Field(description='a peer\'s user id, or "on_duty"')
    note: str = Field(default="", max_length=1000)


class FeedbackIn(Schema):
    understood: int
    comment: str = Field(default="", max_length=1000)


class ProfileIn(Schema):
    topics: list[str] | None = Field(default=None, max_length=20)
    languages: list[str] | None = Field(default=None, max_length=5)
    gender: str | None = Field(default=None, max_length=10)
    is_young_peer: bool | None = None
    about: str | None = Field(default=None, max_length=500)
    capacity: int | None = None


class AvailabilityIn(Schema):
    available: bool
    pause_minutes: int | None = Field(default=None, ge=1, le=240)


class DebriefIn(Schema):
    body: str = Field(max_length=4000)


class OnDutyIn(Schema):
    on: bool


ERRORS = {404: Detail, 403: Detail, 409: Detail, 422: Detail}


def translate_errors(view):
    """Action exceptions become the API's one error shape."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except actions.Conflict as exc:
            raise ApiError(409, str(exc)) from None
        except ValidationError as exc:
            raise ApiError(
                422, _("The request has invalid fields."), validation_error_dict(exc)
            ) from None

    return wrapper


# --- seekers ----------------------------------------------------------------------------
@router.post("/conversations/requests", response={201: dict, **ERRORS})
@translate_errors
def create_request(request: HttpRequest, payload: RequestIn):
    """Ask for a one-to-one conversation. Only ``topics`` is required."""
    prefs = payload.preferences.dict(exclude_none=True) if payload.preferences else None
    created = actions.create_request(
        request.auth, topics=payload.topics, text=payload.text, preferences=prefs
    )
    data = selectors.request_data(created)
    data["support"] = support_for_request(created)  # the seeker's own crisis support card
    return Status(201, data)


@router.get("/conversations/requests/{request_id}", response={200: dict, **ERRORS})
@translate_errors
def get_request(request: HttpRequest, request_id: int):
    actions.advance_offers()
    conversation_request = access_request(request.auth, request_id)
    data = selectors.request_data(conversation_request)
    data["support"] = support_for_request(conversation_request)  # the seeker's own card
    return data


@router.delete("/conversations/requests/{request_id}", response={200: dict, **ERRORS})
@translate_errors
def cancel_request(request: HttpRequest, request_id: int):
    return selectors.request_data(actions.cancel_request(request.auth, request_id))


# --- peers ------------------------------------------------------------------------------
@router.get("/conversations/queue", response={200: dict, **ERRORS})
@translate_errors
def queue(request: HttpRequest):
    """The waiting room: queue order, each with how well it fits you and why."""
    profile = actions.peer_profile(request.auth)
    actions.advance_offers()
    return selectors.queue_data(request.auth, profile)


@router.post("/conversations/requests/{request_id}/accept", response={201: dict, **ERRORS})
@translate_errors
def accept(request: HttpRequest, request_id: int):
    conversation = actions.accept_request(request.auth, request_id)
    return Status(201, selectors.conversation_data(conversation, request.auth))


@router.get("/conversations/peer-profile", response={200: dict, **ERRORS})
@translate_errors
def get_profile(request: HttpRequest):
    return selectors.profile_data(actions.peer_profile(request.auth))


@router.put("/conversations/peer-profile", response={200: dict, **ERRORS})
@translate_errors
def put_profile(request: HttpRequest, payload: ProfileIn):
    profile = actions.save_peer_profile(request.auth, **payload.dict())
    return selectors.profile_data(profile)


@router.post("/conversations/peer-profile/availability", response={200: dict, **ERRORS})
@translate_errors
def availability(request: HttpRequest, payload: AvailabilityIn):
    profile = actions.set_availability(
        request.auth, available=payload.available, pause_minutes=payload.pause_minutes
    )
    return selectors.profile_data(profile)


@router.post("/conversations/on-duty", response={200: dict, **ERRORS})
@translate_errors
def on_duty(request: HttpRequest, payload: OnDutyIn):
    duty = actions.set_on_duty(request.auth, on=payload.on)
    return {"on_duty": duty is not None, "since": duty.since.isoformat() if duty else None}


@router.get("/conversations/handovers", response={200: dict, **ERRORS})
@translate_errors
def handover_inbox(request: HttpRequest):
    return {"handovers": selectors.handover_inbox(request.auth)}


@router.get("/conversations/debriefs", response={200: dict, **ERRORS})
@translate_errors
def debriefs(request: HttpRequest):
    """Your own debrief notes; professionals (supervision) see all peers' notes."""
    return {"notes": [selectors.note_data(n) for n in selectors.debrief_notes(request.auth)]}


# --- conversations ----------------------------------------------------------------------
@router.get("/conversations/{conversation_id}", response={200: dict, **ERRORS})
@translate_errors
def get_conversation(request: HttpRequest, conversation_id: int):
    conversation = access_conversation(request.auth, conversation_id)
    return selectors.conversation_data(conversation, request.auth)


@router.post("/conversations/{conversation_id}/end", response={200: dict, **ERRORS})
@translate_errors
def end(request: HttpRequest, conversation_id: int):
    conversation = actions.end_conversation(request.auth, conversation_id)
    return selectors.conversation_data(conversation, request.auth)


@router.post("/conversations/{conversation_id}/handover", response={200: dict, **ERRORS})
@translate_errors
def handover(request: HttpRequest, conversation_id: int, payload: HandoverIn):
    conversation = actions.handover(request.auth, conversation_id, to=payload.to, note=payload.note)
    return {"conversation": conversation.pk, "handed_over": True}


@router.post("/conversations/{conversation_id}/feedback", response={201: dict, **ERRORS})
@translate_errors
def feedback(request: HttpRequest, conversation_id: int, payload: FeedbackIn):
    given = actions.give_feedback(
        request.auth, conversation_id, understood=payload.understood, comment=payload.comment
    )
    return Status(201, {"understood": given.understood, "comment": given.comment})


@router.delete("/conversations/{conversation_id}", response={204: None, **ERRORS})
@translate_errors
def delete(request: HttpRequest, conversation_id: int):
    actions.delete_conversation(request.auth, conversation_id)
    return Status(204, None)


@router.post("/conversations/{conversation_id}/debrief", response={201: dict, **ERRORS})
@translate_errors
def debrief(request: HttpRequest, conversation_id: int, payload: DebriefIn):
    note = actions.write_debrief(request.auth, conversation_id, body=payload.body)
    return Status(201, selectors.note_data(note))
