"""This app's part of a person's data export, and its clean-up on account deletion."""

from __future__ import annotations

from augenhoehe.conversations.models import (
    Conversation,
    ConversationRequest,
    DebriefNote,
    Feedback,
    PeerProfile,
)
from augenhoehe.conversations.selectors import profile_basics
from augenhoehe.core.lib.export import register_deletion_hook, register_exporter


def export_conversations(user) -> dict:
    from augenhoehe.conversations.access import participants

    profile = PeerProfile.objects.filter(user=user).first()
    return {
        "requests": [
            {
                "id": r.pk,
                "topics": r.topics,
                "text": r.text,
                "status": r.status,
                "created": r.created.isoformat(),
            }
            for r in ConversationRequest.objects.filter(seeker=user).order_by("created")
        ],
        "conversations": [
            {
                "id": c.pk,
                "role": "seeker" if c.seeker_id == user.pk else "helper",
                "status": c.status,
                "started": c.started.isoformat(),
                "ended": c.ended_at.isoformat() if c.ended_at else None,
                "room": c.room_id,
            }
            for c in Conversation.objects.filter(participants(user)).order_by("started")
        ],
        "feedback": [
            {"conversation": f.conversation_id, "understood": f.understood, "comment": f.comment}
            for f in Feedback.objects.filter(conversation__seeker=user)
        ],
        "debrief_notes": [
            {"conversation": n.conversation_id, "body": n.body, "created": n.created.isoformat()}
            for n in DebriefNote.objects.filter(author=user)
        ],
        "peer_profile": None if profile is None else profile_basics(profile),
    }


def register() -> None:
    from augenhoehe.conversations.actions import delete_data_of

    register_exporter("conversations", export_conversations)
    register_deletion_hook("conversations", delete_data_of)
