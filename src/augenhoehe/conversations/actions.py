"""Writes on requests and conversations. The API, the web views, management commands and
the crisis safety net (``raise_priority``) call these.

Every frame is sent after commit (``chat.actions.notify_user`` and ``on_commit`` here).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from augenhoehe.accounts.models import Language, Role
from augenhoehe.chat.actions import create_room, notify_user, revoke_room_access
from augenhoehe.chat.models import Room
from augenhoehe.conversations import matching
from augenhoehe.conversations.access import NotFound, access_conversation, access_request
from augenhoehe.conversations.conf import setting
from augenhoehe.conversations.models import (
    MAX_TEXT,
    Conversation,
    ConversationRequest,
    ConversationStatus,
    Feedback,
    Gender,
    Handover,
    Offer,
    OfferStatus,
    OnDuty,
    PeerProfile,
    Priority,
    RequestStatus,
    RequestTopic,
    Topic,
)

PREFERENCES = {"same_experience", "language", "peer_gender", "young_peer", "share_text"}


class Conflict(Exception):
    """The request is fine but the state does not allow it (HTTP 409); the text is kind."""


# --- frames ---------------------------------------------------------------------------
def queue_frame(request_id: int, position, estimate, status: str) -> dict[str, Any]:
    return {
        "type": "queue_update",
        "request": request_id,
        "position": position,
        "estimated_wait_seconds": estimate,
        "status": status,
    }


def broadcast_queue(key=None, *, inclusive: bool = True, upto=None) -> int:
    """Tell every seeker whose place moved: from ``key`` on (everyone when None)."""
    if key is None:
        rows = matching.positions_from((Priority.HIGH + 1, timezone.now(), 0), inclusive=False)
    else:
        rows = matching.positions_from(key, inclusive=inclusive, upto=upto)
    if not rows:
        return 0
    stats = matching.queue_stats()
    for pk, seeker_id, position in rows:
        notify_user(
            seeker_id,
            queue_frame(pk, position, matching.estimate_wait(position, stats), "waiting"),
        )
    return len(rows)


def _queue_changed(key=None, *, inclusive: bool = True, upto=None) -> None:
    transaction.on_commit(lambda: broadcast_queue(key, inclusive=inclusive, upto=upto))


# --- seekers ----------------------------------------------------------------------------
def clean_request(topics: Any, text: Any, preferences: Any) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if not isinstance(topics, list) or not topics:
        errors["topics"] = [_("Please choose at least one topic.")]
    elif any(t not in Topic.values for t in topics):
        errors["topics"] = [_("Please choose from the offered topics.")]
    text = text or ""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        errors["text"] = [_("At most %(max)d characters, please.") % {"max": MAX_TEXT}]
    preferences = preferences or {}
    if not isinstance(preferences, dict) or set(preferences) - PREFERENCES:
        errors["preferences"] = [_("Unknown preference.")]
        preferences = {}
    if preferences.get("language", Language.DE) not in Language.values:
        errors["preferences.language"] = [_("Please choose German or English.")]
    if preferences.get("peer_gender", "") not in ["", *Gender.values]:
        errors["preferences.peer_gender"] = [_("Please choose one of the offered options.")]
    if errors:
        raise ValidationError(errors)
    return {
        "topics": list(dict.fromkeys(topics)),
        "text": text.replace("\x00", "").strip(),
        **{k: v for k, v in preferences.items() if v is not None},
    }


def create_request(seeker, *, topics: Any, text: Any = "", preferences: Any = None):
    """A seeker asks for a conversation; only one topic is required."""
    fields = clean_request(topics, text, preferences)
    fields.setdefault("language", seeker.language)
    with transaction.atomic():
        if ConversationRequest.objects.filter(seeker=seeker, status=RequestStatus.WAITING).exists():
            raise Conflict(_("You are already waiting for a conversation."))
        request = ConversationRequest(seeker=seeker, **fields)
        request.full_clean()
        request.save()
        RequestTopic.objects.bulk_create(
            RequestTopic(
                request=request, topic=t, priority=request.priority, created=request.created
            )
            for t in request.topics
        )
        from augenhoehe.conversations.safety_hooks import screen_request  # crisis safety net

        screen_request(request)
        _queue_changed(request.sort_key_tuple(), inclusive=True)
        transaction.on_commit(advance_offers)
    return request


def cancel_request(seeker, request_id) -> ConversationRequest:
    with transaction.atomic():
        request = access_request(seeker, request_id)
        now = timezone.now()
        moved = ConversationRequest.objects.filter(
            pk=request.pk, status=RequestStatus.WAITING
        ).update(status=RequestStatus.CANCELLED, cancelled_at=now)
        if not moved:
            request.refresh_from_db()
            if request.status == RequestStatus.CANCELLED:
                return request
            raise Conflict(_("A peer has already accepted this request."))
        _leave_queue(request)
        request.status, request.cancelled_at = RequestStatus.CANCELLED, now
        notify_user(seeker.pk, queue_frame(request.pk, None, None, RequestStatus.CANCELLED))
        _queue_changed(request.sort_key_tuple(), inclusive=False)
    return request


def _leave_queue(request: ConversationRequest) -> None:
    RequestTopic.objects.filter(request=request).delete()
    Offer.objects.filter(request=request, status=OfferStatus.OPEN).update(status=OfferStatus.PASSED)


def raise_priority(request_id: int, *, level: int, reason_rule_ids: list[str]) -> bool:
    """The crisis safety net moves a waiting request forward; it never lowers it.
    Returns whether the priority changed."""
    level = int(level)
    if level not in Priority.values:
        raise ValidationError({"level": [_("Unknown priority.")]})
    with transaction.atomic():
        request = ConversationRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or not request.is_waiting or request.priority >= level:
            return False
        old_key = request.sort_key_tuple()
        request.priority = level
        request.priority_reason_rules = sorted(
            set(request.priority_reason_rules) | {str(r) for r in reason_rule_ids}
        )
        request.save(update_fields=["priority", "priority_reason_rules"])
        RequestTopic.objects.filter(request=request).update(priority=level)
        _queue_changed(request.sort_key_tuple(), inclusive=True, upto=old_key)
    return True


# --- peers ------------------------------------------------------------------------------
def peer_profile(user) -> PeerProfile:
    if not user.is_peer:
        raise NotFound
    profile, _created = PeerProfile.objects.get_or_create(
        user=user, defaults={"languages": [user.language]}
    )
    return profile


def minutes_in_conversations_today(user, now=None) -> int:
    now = now or timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    total = 0.0
    for started, ended in (
        Conversation.objects.filter(peer=user)
        .exclude(ended_at__lt=day_start)
        .values_list("started", "ended_at")
    ):
        total += max(0.0, ((ended or now) - max(started, day_start)).total_seconds())
    return int(total // 60)


def _check_can_take(profile: PeerProfile, now) -> None:
    if not profile.is_accepting(now):
        raise Conflict(_("Please switch yourself to available first."))
    busy = Conversation.objects.filter(peer=profile.user, status=ConversationStatus.OPEN).count()
    if busy >= profile.capacity:
        raise Conflict(
            _("You already have %(n)d conversations open. Please finish one first.") % {"n": busy}
        )
    if minutes_in_conversations_today(profile.user, now) >= setting("PEER_DAILY_HOURS") * 60:
        raise Conflict(_("You have reached today's limit. Thank you, and please rest."))


def accept_request(peer, request_id) -> Conversation:
    """Exactly one peer wins a request: a conditional UPDATE decides, the loser hears so."""
    now = timezone.now()
    with transaction.atomic():
        if not peer.is_peer:
            raise NotFound
        # Locks this peer's profile: two accepts by the same peer cannot both pass capacity.
        profile = PeerProfile.objects.select_for_update().filter(user=peer).first()
        if profile is None:
            raise Conflict(_("Please fill in your peer profile first."))
        request = ConversationRequest.objects.filter(pk=_int(request_id)).first()
        if request is None or request.seeker_id == peer.pk:
            raise NotFound
        if request.status == RequestStatus.CANCELLED:
            raise NotFound
        _check_can_take(profile, now)
        if (
            setting("AUTO_OFFER_SECONDS")
            and Offer.objects.filter(request=request, status=OfferStatus.OPEN, expires__gt=now)
            .exclude(peer=peer)
            .exists()
        ):
            raise Conflict(_("This request is offered to another peer right now."))
        won = ConversationRequest.objects.filter(
            pk=request.pk, status=RequestStatus.WAITING
        ).update(status=RequestStatus.ACCEPTED, peer=peer, accepted_at=now)
        if not won:
            request.refresh_from_db()
            if request.status == RequestStatus.CANCELLED:
                raise NotFound
            raise Conflict(_("Another peer was a moment quicker and is already there. Thank you!"))
        Offer.objects.filter(request=request, peer=peer, status=OfferStatus.OPEN).update(
            status=OfferStatus.ACCEPTED
        )
        _leave_queue(request)
        room = create_room(kind="conversation")
        conversation = Conversation.objects.create(
            request=request, seeker_id=request.seeker_id, peer=peer, room=room, started=now
        )
        frame = {"type": "conversation_started", "conversation": conversation.pk, "room": room.pk}
        notify_user(request.seeker_id, frame)
        notify_user(peer.pk, frame)
        _queue_changed(request.sort_key_tuple(), inclusive=False)
    return conversation


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound from None


def save_peer_profile(user, **fields: Any) -> PeerProfile:
    profile = peer_profile(user)
    allowed = {"topics", "languages", "gender", "is_young_peer", "about", "capacity"}
    for name, value in fields.items():
        if name in allowed and value is not None:
            setattr(profile, name, value)
    errors: dict[str, list[str]] = {}
    if not isinstance(profile.topics, list) or set(profile.topics) - set(Topic.values):
        errors["topics"] = [_("Please choose from the offered topics.")]
    if not isinstance(profile.languages, list) or set(profile.languages) - set(Language.values):
        errors["languages"] = [_("Please choose German or English.")]
    if not 1 <= int(profile.capacity) <= 5:
        errors["capacity"] = [_("Between 1 and 5 conversations at once.")]
    if errors:
        raise ValidationError(errors)
    profile.updated = timezone.now()
    profile.full_clean()
    profile.save()
    return profile


def set_availability(user, *, available: bool, pause_minutes: int | None = None) -> PeerProfile:
    profile = peer_profile(user)
    with transaction.atomic():
        profile.available = bool(available)
        profile.paused_until = (
            timezone.now() + timedelta(minutes=int(pause_minutes)) if pause_minutes else None
        )
        profile.updated = timezone.now()
        profile.save(update_fields=["available", "paused_until", "updated"])
        _queue_changed(None)  # estimates depend on who is available
        transaction.on_commit(advance_offers)
    return profile


# --- conversations ----------------------------------------------------------------------
def end_conversation(user, conversation_id) -> Conversation:
    """Either side ends; afterwards the conversation is read-only history."""
    with transaction.atomic():
        conversation = access_conversation(user, conversation_id)
        if not conversation.is_open:
            return conversation
        _close(conversation, by=user)
    return conversation


def _close(conversation: Conversation, *, by) -> None:
    conversation.status = ConversationStatus.ENDED
    conversation.ended_at = timezone.now()
    conversation.save(update_fields=["status", "ended_at"])
    frame = {
        "type": "conversation_ended",
        "conversation": conversation.pk,
        "by": "seeker" if by.pk == conversation.seeker_id else "helper",
    }
    for uid in conversation.participant_ids():
        notify_user(uid, frame)
        revoke_room_access(uid, conversation.room_id)


def on_duty_professional():
    """The professional on duty who went on duty last (moderators on duty receive crisis
    alerts, but conversations are handed over to professionals only)."""
    duty = (
        OnDuty.objects.select_related("user")
        .filter(
            until__isnull=True,
            user__is_active=True,
            user__role_grants__role=Role.PROFESSIONAL,
        )
        .order_by("-since")
        .first()
    )
    return duty.user if duty else None


def handover(user, conversation_id, *, to: Any, note: str = "") -> Conversation:
    """The current helper hands on to another available peer or to the on-duty professional."""
    note = (note or "")[:1000]
    with transaction.atomic():
        conversation = access_conversation(user, conversation_id)
        if user.pk != conversation.helper_pk:
            raise PermissionDenied(_("Only the peer in this conversation can hand it over."))
        if not conversation.is_open:
            raise Conflict(_("This conversation has already ended."))
        if to != "on_duty" and not str(to).isdigit():
            raise ValidationError({"to": [_("Please choose a peer or the professional on duty.")]})
        if to == "on_duty":
            target = on_duty_professional()
            if target is None:
                raise Conflict(_("Nobody is on duty right now."))
        else:
            target = _handover_peer(to)
        if target.pk in (user.pk, conversation.seeker_id):
            raise Conflict(_("Please choose somebody else."))
        old = user.pk
        if to == "on_duty":
            conversation.professional, conversation.peer = target, None
        else:
            conversation.peer, conversation.professional = target, None
        conversation.save(update_fields=["peer", "professional"])
        Handover.objects.create(
            conversation=conversation,
            from_user=user,
            to_user=target,
            to_on_duty=(to == "on_duty"),
            note=note,
        )
        revoke_room_access(old, conversation.room_id)
        frame = {
            "type": "conversation_handed_over",
            "conversation": conversation.pk,
            "room": conversation.room_id,
        }
        notify_user(conversation.seeker_id, frame)
        notify_user(target.pk, frame)
    return conversation


def _handover_peer(user_id: Any):
    profile = (
        PeerProfile.objects.select_for_update()
        .select_related("user")
        .filter(user_id=_int(user_id), user__role_grants__role="peer", user__is_active=True)
        .first()
    )
    if profile is None:
        raise Conflict(_("This peer cannot take over right now."))
    try:
        _check_can_take(profile, timezone.now())
    except Conflict:
        raise Conflict(_("This peer cannot take over right now.")) from None
    return profile.user


def give_feedback(user, conversation_id, *, understood: Any, comment: str = "") -> Feedback:
    """Only the seeker, only after the end, only once."""
    with transaction.atomic():
        conversation = access_conversation(user, conversation_id)
        if conversation.seeker_id != user.pk:
            raise PermissionDenied(_("Only the person who asked can give feedback."))
        if conversation.is_open:
            raise Conflict(_("Feedback is possible once the conversation has ended."))
        if Feedback.objects.filter(conversation=conversation).exists():
            raise Conflict(_("Thank you, you have already given feedback."))
        if isinstance(understood, bool) or understood not in range(1, 6):
            raise ValidationError({"understood": [_("Please choose a value from 1 to 5.")]})
        feedback = Feedback(
            conversation=conversation, understood=understood, comment=(comment or "").strip()
        )
        feedback.full_clean()
        feedback.save()
    return feedback


def delete_conversation(user, conversation_id) -> bool:
    """The seeker deletes the whole conversation at once: messages, notes, feedback."""
    with transaction.atomic():
        conversation = access_conversation(user, conversation_id)
        if conversation.seeker_id != user.pk:
            raise PermissionDenied(_("Only the person who asked can delete the conversation."))
        if conversation.is_open:
            _close(conversation, by=user)
        _destroy(conversation)
    return True


def _destroy(conversation: Conversation) -> None:
    room_id = conversation.room_id
    ConversationRequest.objects.filter(pk=conversation.request_id).delete()
    Room.objects.filter(pk=room_id).delete()


def write_debrief(user, conversation_id, *, body: str):
    from augenhoehe.conversations.access import access_debrief
    from augenhoehe.conversations.models import DebriefNote

    conversation = access_debrief(user, conversation_id)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("The note is empty.")]})
    note = DebriefNote(conversation=conversation, author=user, body=body)
    note.full_clean()
    note.save()
    return note


def may_be_on_duty(user) -> bool:
    """Professionals and moderators can be on duty: crisis alerts go to whoever is."""
    return bool(getattr(user, "is_professional", False) or getattr(user, "is_moderator", False))


def set_on_duty(user, *, on: bool) -> OnDuty | None:
    if not may_be_on_duty(user):
        raise NotFound
    now = timezone.now()
    with transaction.atomic():
        OnDuty.objects.filter(user=user, until__isnull=True).update(until=now)
        return OnDuty.objects.create(user=user, since=now) if on else None


# --- housekeeping -----------------------------------------------------------------------
def purge_conversations(*, now=None) -> int:
    """Delete conversations ended, and requests withdrawn, more than RETENTION_DAYS ago."""
    cutoff = (now or timezone.now()) - timedelta(days=setting("RETENTION_DAYS"))
    count = 0
    for conversation in Conversation.objects.filter(
        status=ConversationStatus.ENDED, ended_at__lt=cutoff
    ).iterator():
        with transaction.atomic():
            _destroy(conversation)
        count += 1
    ConversationRequest.objects.filter(
        status=RequestStatus.CANCELLED, cancelled_at__lt=cutoff
    ).delete()
    return count


def advance_offers(*, now=None) -> int:
    """Auto-offer mode: pass on expired offers and offer each unoffered waiting request to
    the best-fitting available peer who has room. Returns how many offers were made."""
    seconds = setting("AUTO_OFFER_SECONDS")
    if not seconds:
        return 0
    from augenhoehe.conversations.offers import make_offers

    return make_offers(now=now or timezone.now(), seconds=seconds)


def delete_data_of(user) -> None:
    """Account deletion: the person's own requests and conversations go entirely; where
    they were the peer, open conversations end (the seeker keeps theirs)."""
    for conversation in Conversation.objects.filter(seeker=user):
        _destroy(conversation)
    ConversationRequest.objects.filter(seeker=user).delete()
    for conversation in Conversation.objects.filter(
        participants_q(user), status=ConversationStatus.OPEN
    ):
        _close(conversation, by=user)


def participants_q(user):
    from augenhoehe.conversations.access import participants

    return participants(user)
