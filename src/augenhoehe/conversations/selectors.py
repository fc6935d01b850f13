"""Reads shaped for the API and the pages. Gates run before these are called."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from augenhoehe.conversations import matching
from augenhoehe.conversations.actions import minutes_in_conversations_today
from augenhoehe.conversations.conf import setting
from augenhoehe.conversations.models import (
    Conversation,
    ConversationRequest,
    ConversationStatus,
    DebriefNote,
    Feedback,
    Handover,
    Offer,
    OfferStatus,
    OnDuty,
    PeerProfile,
    Priority,
    RequestStatus,
)


def person(user) -> dict[str, Any] | None:
    return {"id": user.pk, "pseudonym": user.pseudonym} if user else None


def preferences(request: ConversationRequest) -> dict[str, Any]:
    return {
        "same_experience": request.same_experience,
        "language": request.language,
        "peer_gender": request.peer_gender,
        "young_peer": request.young_peer,
        "share_text": request.share_text,
    }


def request_data(request: ConversationRequest, stats=None) -> dict[str, Any]:
    """What the seeker sees about their own request (never its priority)."""
    stats = stats or matching.queue_stats()
    position = matching.position_of(request)
    conversation = Conversation.objects.filter(request=request).values("pk", "room_id").first()
    return {
        "id": request.pk,
        "status": request.status,
        "topics": request.topics,
        "text": request.text,
        "preferences": preferences(request),
        "created": request.created.isoformat(),
        "position": position,
        "estimated_wait_seconds": matching.estimate_wait(position, stats),
        "peers_available": stats.peers_available > 0,
        "service_open": stats.service_open,
        "conversation": conversation["pk"] if conversation else None,
        "room": conversation["room_id"] if conversation else None,
    }


def queue_items(peer, profile: PeerProfile, *, limit: int = 50) -> list[dict[str, Any]]:
    pick = matching.pick_request_for(peer, profile)
    offers = Offer.objects.filter(peer=peer, status=OfferStatus.OPEN)
    offered = set(offers.values_list("request_id", flat=True))
    items = []
    for request, fit in matching.queue_for(peer, profile, limit=limit):
        items.append(
            {
                "id": request.pk,
                "topics": request.topics,
                "topic_labels": request.topic_labels(),
                "language": request.language,
                "peer_gender": request.peer_gender,
                "young_peer": request.young_peer,
                "priority": Priority(request.priority).name.lower(),
                "priority_label": str(Priority(request.priority).label),
                "waiting_since": request.created.isoformat(),
                "created": request.created,
                # The seeker decides whether their words may be read before accepting.
                "text": request.text if request.share_text else None,
                "has_text": bool(request.text),
                "match": {"score": fit.score, "reasons": fit.texts(), "codes": fit.codes()},
                "suggested": pick is not None and pick.pk == request.pk,
                "offered_to_you": request.pk in offered,
            }
        )
    return items


def queue_data(peer, profile: PeerProfile) -> dict[str, Any]:
    items = queue_items(peer, profile)
    for item in items:
        item.pop("created")
    return {"requests": items, "profile": profile_data(profile)}


def profile_basics(profile: PeerProfile) -> dict[str, Any]:
    """What the peer wrote into their profile (also their data export)."""
    return {
        "topics": profile.topics,
        "languages": profile.languages,
        "gender": profile.gender,
        "is_young_peer": profile.is_young_peer,
        "about": profile.about,
        "capacity": profile.capacity,
    }


def profile_data(profile: PeerProfile) -> dict[str, Any]:
    minutes = minutes_in_conversations_today(profile.user)
    return {
        **profile_basics(profile),
        "available": profile.available,
        "accepting": profile.is_accepting(),
        "paused_until": profile.paused_until.isoformat() if profile.paused_until else None,
        "open_conversations": Conversation.objects.filter(
            peer=profile.user, status=ConversationStatus.OPEN
        ).count(),
        "minutes_today": minutes,
        "daily_limit_minutes": setting("PEER_DAILY_HOURS") * 60,
        "break_suggested": minutes >= setting("BREAK_AFTER_MINUTES"),
    }


def role_in(conversation: Conversation, user) -> str:
    if user.pk == conversation.seeker_id:
        return "seeker"
    return "professional" if user.pk == conversation.professional_id else "peer"


def conversation_data(conversation: Conversation, user) -> dict[str, Any]:
    request = conversation.request
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "room": conversation.room_id,
        "your_role": role_in(conversation, user),
        "seeker": person(conversation.seeker),
        "peer": person(conversation.peer),
        "professional": person(conversation.professional),
        "started": conversation.started.isoformat(),
        "ended": conversation.ended_at.isoformat() if conversation.ended_at else None,
        "request": {
            "topics": request.topics,
            "text": request.text,
            "preferences": preferences(request),
        },
        "feedback_given": Feedback.objects.filter(conversation=conversation).exists(),
    }


def active_request(user) -> ConversationRequest | None:
    return ConversationRequest.objects.filter(seeker=user, status=RequestStatus.WAITING).first()


def my_conversations(user):
    from augenhoehe.conversations.access import participants

    return (
        Conversation.objects.filter(participants(user))
        .select_related("seeker", "peer", "professional")
        .order_by("-started")
    )


def handover_inbox(user) -> list[dict[str, Any]]:
    """Handovers to this person, with the note, for conversations still theirs."""
    rows = (
        Handover.objects.filter(to_user=user)
        .filter(Q(conversation__peer=user) | Q(conversation__professional=user))
        .select_related("conversation", "from_user")
        .order_by("-created")[:50]
    )
    return [
        {
            "conversation": h.conversation_id,
            "room": h.conversation.room_id,
            "from": person(h.from_user),
            "note": h.note,
            "to_on_duty": h.to_on_duty,
            "status": h.conversation.status,
            "created": h.created.isoformat(),
        }
        for h in rows
    ]


def debrief_notes(user):
    """Supervision: professionals read all peers' debrief notes; a peer reads their own."""
    notes = DebriefNote.objects.select_related("author").order_by("-created")
    if user.is_professional:
        return notes[:200]
    return notes.filter(author=user)[:200]


def note_data(note: DebriefNote) -> dict[str, Any]:
    return {
        "id": note.pk,
        "conversation": note.conversation_id,
        "author": person(note.author),
        "body": note.body,
        "created": note.created.isoformat(),
    }


def is_on_duty(user) -> bool:
    return OnDuty.objects.filter(user=user, until__isnull=True).exists()
