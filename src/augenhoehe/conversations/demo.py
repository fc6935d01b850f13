"""Demo: Sam and Ayse are peers with profiles; Jonas waits for a conversation."""

from __future__ import annotations

from augenhoehe.accounts.models import User
from augenhoehe.conversations import actions
from augenhoehe.conversations.models import ConversationRequest, RequestStatus


def create_demo_conversations(write) -> None:
    people = {u.pseudonym: u for u in User.objects.filter(pseudonym__in=["Sam", "Ayse", "Jonas"])}
    if len(people) < 3:
        write("Conversations: demo accounts missing, skipped")
        return
    actions.save_peer_profile(
        people["Sam"],
        topics=["depression", "anxiety", "loneliness"],
        languages=["de", "en"],
        about="Ich kenne lange dunkle Winter und Panik in der Bahn.",
        capacity=2,
    )
    actions.save_peer_profile(
        people["Ayse"],
        topics=["trauma", "anxiety", "relatives"],
        languages=["de"],
        gender="female",
        about="Angehörige und selbst betroffen. Ich höre gern zu.",
        capacity=2,
    )
    actions.set_availability(people["Sam"], available=True)
    jonas = people["Jonas"]
    if not ConversationRequest.objects.filter(seeker=jonas, status=RequestStatus.WAITING).exists():
        actions.create_request(
            jonas,
            topics=["anxiety"],
            text="Seit Wochen schlafe ich schlecht vor Prüfungen.",
            preferences={"same_experience": True, "share_text": True},
        )
    write("Conversations: Sam and Ayse are peers (Sam available); Jonas is waiting")
