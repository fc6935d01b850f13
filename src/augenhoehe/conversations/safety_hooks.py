"""How one-to-one conversations plug into the crisis safety net (safety never imports us).

- who is on duty: the open ``OnDuty`` rows;
- where staff open an alert: the conversation page;
- a flagged request text, or a flagged message while the request still waits, moves the
  request up the queue (``actions.raise_priority``; it never lowers a priority);
- "talk to a peer now" from the support card: a request at the highest priority.

Registered in ``ConversationsConfig.ready``.
"""

from __future__ import annotations

from django.urls import reverse

from augenhoehe.conversations.models import (
    Conversation,
    ConversationRequest,
    OnDuty,
    Priority,
    RequestStatus,
    Topic,
)
from augenhoehe.safety import registry
from augenhoehe.safety.actions import assess_text, record_flag
from augenhoehe.safety.detector import Level
from augenhoehe.safety.screening import second_opinion_for_request, support_card

LEVEL_TO_PRIORITY = {"concern": Priority.CONCERN, "high": Priority.HIGH}
TALK_NOW_RULE = "safety.talk_now"


def on_duty_ids() -> list[int]:
    return list(
        OnDuty.objects.filter(until__isnull=True, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def conversation_url(flag) -> str | None:
    if flag.context_kind != "conversation" or flag.room_id is None:
        return None
    pk = Conversation.objects.filter(room_id=flag.room_id).values_list("pk", flat=True).first()
    return reverse("conversations:conversation", args=[pk]) if pk else None


def _request_of(flag) -> int | None:
    if flag.context_kind == "request":
        return flag.object_id
    if flag.context_kind == "conversation" and flag.room_id is not None:
        return (
            Conversation.objects.filter(room_id=flag.room_id)
            .values_list("request_id", flat=True)
            .first()
        )
    return None


def raise_on_flag(flag) -> None:
    """Runs in the transaction that stores the flag."""
    from augenhoehe.conversations.actions import raise_priority

    request_id = _request_of(flag)
    level = LEVEL_TO_PRIORITY.get(flag.level)
    if request_id is None or level is None:
        return
    raise_priority(request_id, level=level, reason_rule_ids=list(flag.rule_ids))


def screen_request(request: ConversationRequest) -> None:
    """Called by ``actions.create_request`` in its transaction: screen the seeker's words.
    Below ``high`` the second opinion takes a look after commit too; its flag raises the
    request the same way. The seeker's card comes from :func:`support_for_request`."""
    assessment = assess_text(request.text)
    if request.text and (assessment is None or assessment.level is not Level.HIGH):
        second_opinion_for_request(request)
    if assessment is None:
        return
    record_flag(request.seeker, assessment, context_kind="request", object_id=request.pk)
    request.refresh_from_db(fields=["priority", "priority_reason_rules"])


def support_for_request(request: ConversationRequest) -> dict | None:
    """The seeker's support card while a request whose words were flagged waits (shown on
    the waiting page and in the seeker's API view; callers have passed ``access_request``).
    A card from the second opinion that arrived while no page was open is not lost."""
    from augenhoehe.safety.selectors import latest_flag

    flag = latest_flag(context_kind="request", object_id=request.pk)
    if flag is None:
        return None
    return support_card(request.seeker, flag).to_frame(room=None, seq=None)


def talk_now(user) -> str:
    """A one-to-one request at the highest priority; an existing waiting one moves up."""
    from augenhoehe.conversations import actions

    request = ConversationRequest.objects.filter(seeker=user, status=RequestStatus.WAITING).first()
    if request is None:
        try:
            request = actions.create_request(user, topics=[Topic.OTHER.value])
        except actions.Conflict:  # a request appeared meanwhile (another tab)
            request = ConversationRequest.objects.get(seeker=user, status=RequestStatus.WAITING)
    actions.raise_priority(request.pk, level=Priority.HIGH, reason_rule_ids=[TALK_NOW_RULE])
    return reverse("conversations:waiting", args=[request.pk])


def register() -> None:
    registry.register_on_duty_provider(on_duty_ids)
    registry.register_context_url("conversation", conversation_url)
    registry.register_flag_hook(raise_on_flag)
    registry.register_talk_now(talk_now)
