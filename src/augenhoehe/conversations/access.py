"""The gates of this app. Each answers ``NotFound`` for both missing and forbidden.

- ``access_request``: only the seeker who asked (peers see requests only in the queue).
- ``access_conversation``: the seeker and the current peer; after a handover to the
  on-duty professional, that professional (the previous peer loses access).
- ``access_debrief``: the current peer or a peer who handed the conversation on.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from augenhoehe.chat.access import RoomPolicy, register_room_policy
from augenhoehe.conversations.models import (
    Conversation,
    ConversationRequest,
    ConversationStatus,
    Handover,
)


class NotFound(Http404):
    """Missing or not yours (the same answer); an Http404, so the API and pages say 404."""


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound from None


def access_request(user, request_id) -> ConversationRequest:
    if not _signed_in(user):
        raise NotFound
    request = ConversationRequest.objects.filter(pk=_pk(request_id), seeker=user).first()
    if request is None:
        raise NotFound
    return request


def participants(user) -> Q:
    return Q(seeker=user) | Q(peer=user) | Q(professional=user)


def access_conversation(user, conversation_id) -> Conversation:
    if not _signed_in(user):
        raise NotFound
    conversation = (
        Conversation.objects.select_related("seeker", "peer", "professional", "room", "request")
        .filter(participants(user), pk=_pk(conversation_id))
        .first()
    )
    if conversation is None:
        raise NotFound
    return conversation


def access_debrief(user, conversation_id) -> Conversation:
    if not _signed_in(user) or not user.is_peer:
        raise NotFound
    pk = _pk(conversation_id)
    handed_on = Handover.objects.filter(conversation_id=pk, from_user=user).exists()
    conversation = (
        Conversation.objects.filter(pk=pk)
        .filter(Q(peer=user) | Q(pk__in=[pk] if handed_on else []))
        .first()
    )
    if conversation is None or conversation.seeker_id == user.pk:
        raise NotFound
    return conversation


def _is_participant(user, room) -> bool:
    """Only while the conversation is open: an ended conversation is read-only history."""
    return (
        Conversation.objects.filter(room=room, status=ConversationStatus.OPEN)
        .filter(participants(user))
        .exists()
    )


def register() -> None:
    register_room_policy("conversation", RoomPolicy(is_participant=_is_participant))
