"""Writes on groups. The web views, the API, the admin and the demo call these.

Every facilitator action leaves a ``ModerationRecord`` (who, what, when). Chat writes go
through ``augenhoehe.chat.actions``, which broadcasts only after commit.

Who may join which group (``may_join``):

- ``everyone`` and ``trialog`` groups: every account. Trialog rooms show each writer's
  perspective (affected, relative, professional).
- ``relatives`` groups are a protected space for relatives: accounts whose perspective is
  "relative" or "prefer not to say" (we do not make anybody prove it), and peers and
  moderators who facilitate. People who describe themselves as affected are pointed to
  the other groups.
- ``young`` groups: we store no age, so this is stated on the group page and trusted.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from augenhoehe.accounts.models import Perspective, Role
from augenhoehe.chat import actions as chat_actions
from augenhoehe.groups.access import (
    GroupNotFound,
    access_group_as_facilitator,
    get_group,
)
from augenhoehe.groups.models import (
    Audience,
    Group,
    JoinPolicy,
    Membership,
    MembershipStatus,
    ModerationAction,
    ModerationRecord,
)

GROUP_ROOM_KIND = "group"


class MemberNotFound(GroupNotFound):
    pass


# Addresses of pages under /gruppen/ that a group's slug must not take.
RESERVED_SLUGS = {"neu"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "gruppe"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Group.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_group(
    *,
    name: str,
    topic: str,
    description: str = "",
    language: str = "de",
    rules: str = "",
    audience: str = Audience.EVERYONE,
    join_policy: str = JoinPolicy.OPEN,
    created_by=None,
) -> Group:
    """Create a group and its chat room. A peer or moderator who creates it facilitates it."""
    with transaction.atomic():
        room = chat_actions.create_room(
            kind=GROUP_ROOM_KIND, title=name, label_perspectives=audience == Audience.TRIALOG
        )
        group = Group(
            name=name,
            slug=_unique_slug(name),
            topic=topic,
            description=description,
            language=language,
            rules=rules,
            audience=audience,
            join_policy=join_policy,
            room=room,
        )
        group.full_clean()
        group.save()
        if created_by is not None and (created_by.is_peer or created_by.is_moderator):
            now = timezone.now()
            Membership.objects.create(
                group=group,
                user=created_by,
                status=MembershipStatus.ACTIVE,
                is_facilitator=True,
                accepted_rules_at=now,
                joined_at=now,
            )
    return group


def may_start_groups(user) -> bool:
    """Verified peer supporters and moderators start groups (and facilitate them)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_peer or user.is_moderator)
    )


def start_group(user, **fields) -> Group:
    """A peer supporter or moderator starts a group from the web page; they facilitate it."""
    if not may_start_groups(user):
        raise PermissionDenied(_("Only peer supporters and moderators can start groups."))
    return create_group(created_by=user, **fields)


def may_join(user, group: Group) -> bool:
    if group.audience != Audience.RELATIVES:
        return True
    if user.perspective in (Perspective.RELATIVE, Perspective.UNSPECIFIED):
        return True
    return user.is_peer or user.is_moderator


def join_group(user, group_id, *, accept_rules: bool) -> Membership:
    """Join (open group) or ask to join (closed group). Accepting the rules is required.

    Someone a facilitator removed may ask again, but a facilitator has to approve it, also
    in an open group. Joining twice changes nothing.
    """
    if accept_rules is not True:
        raise ValidationError(
            {"accept_rules": [_("Please read and accept the group rules to join.")]}
        )
    group = get_group(group_id)
    if not may_join(user, group):
        raise PermissionDenied(_("This group is a protected space for relatives."))
    now = timezone.now()
    try:
        with transaction.atomic():
            membership, created = Membership.objects.select_for_update().get_or_create(
                group=group,
                user=user,
                defaults={"status": MembershipStatus.PENDING, "requested_at": now},
            )
            if membership.is_active or (membership.is_pending and not created):
                return membership
            needs_approval = group.is_closed or membership.status == MembershipStatus.REMOVED
            membership.accepted_rules_at = now
            membership.requested_at = now
            if needs_approval:
                membership.status = MembershipStatus.PENDING
            else:
                membership.activate(now=now)
                # A newcomer starts with nothing unread rather than the whole history.
                chat_actions.mark_read(user, group.room, seq=group.room.last_seq)
            membership.save()
    except IntegrityError:  # the same person joined twice at the same moment
        return Membership.objects.get(group=group, user=user)
    return membership


def leave_group(user, group_id) -> None:
    """Leave a group or withdraw a request. A removal stays on record."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(group_id=_int(group_id), user=user)
            .exclude(status=MembershipStatus.REMOVED)
            .first()
        )
        if membership is None:
            raise GroupNotFound
        was_active = membership.is_active
        room_id = Group.objects.values_list("room_id", flat=True).get(pk=membership.group_id)
        membership.delete()
        if was_active:
            chat_actions.revoke_room_access(user.pk, room_id)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise GroupNotFound from None


def _record(group: Group, actor, action: str, *, target_user=None, target_seq=None, note=""):
    return ModerationRecord.objects.create(
        group=group,
        actor=actor,
        action=action,
        target_user=target_user,
        target_seq=target_seq,
        note=note,
    )


def _target(group: Group, user_id, *statuses: str) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(group=group, user_id=_int(user_id), status__in=statuses)
        .first()
    )
    if membership is None:
        raise MemberNotFound
    return membership


def approve_member(facilitator, group_id, *, user_id) -> Membership:
    with transaction.atomic():
        group = access_group_as_facilitator(facilitator, group_id)
        membership = _target(group, user_id, MembershipStatus.PENDING)
        membership.activate(now=timezone.now())
        membership.save()
        chat_actions.mark_read(membership.user, group.room, seq=group.room.last_seq)
        _record(group, facilitator, ModerationAction.APPROVE, target_user=membership.user)
    return membership


def remove_member(facilitator, group_id, *, user_id, reason: str = "") -> Membership:
    """Remove a member or decline a request; their open chat sockets are told at once."""
    with transaction.atomic():
        group = access_group_as_facilitator(facilitator, group_id)
        membership = _target(group, user_id, MembershipStatus.ACTIVE, MembershipStatus.PENDING)
        if membership.user_id == facilitator.pk:
            raise ValidationError({"user_id": [_("To leave the group, use “Leave group”.")]})
        if membership.is_facilitator and not facilitator.is_moderator:
            raise PermissionDenied(_("Only a moderator can remove a facilitator."))
        was_active = membership.is_active
        membership.status = MembershipStatus.REMOVED
        membership.is_facilitator = False
        membership.removed_by = facilitator
        membership.removed_at = timezone.now()
        membership.removal_reason = reason.strip()[:2000]
        membership.save()
        _record(
            group,
            facilitator,
            ModerationAction.REMOVE,
            target_user=membership.user,
            note=membership.removal_reason,
        )
        if was_active:
            chat_actions.revoke_room_access(membership.user_id, group.room_id)
    return membership


def make_facilitator(actor, group_id, *, user_id) -> Membership:
    """A moderator names a member with the peer or moderator role as facilitator."""
    with transaction.atomic():
        if not actor.is_moderator:
            access_group_as_facilitator(actor, group_id)  # 404 for strangers, 403 for members
            raise PermissionDenied(_("Only moderators can name facilitators."))
        group = get_group(group_id)
        membership = _target(group, user_id, MembershipStatus.ACTIVE)
        target = membership.user
        if not (target.has_role(Role.PEER) or target.is_moderator):
            raise ValidationError(
                {"user_id": [_("Facilitators must be peer supporters or moderators.")]}
            )
        if not membership.is_facilitator:
            membership.is_facilitator = True
            membership.save(update_fields=["is_facilitator"])
            _record(group, actor, ModerationAction.MAKE_FACILITATOR, target_user=target)
    return membership


def pin_rules(facilitator, group_id, *, pinned: bool = True) -> Group:
    with transaction.atomic():
        group = access_group_as_facilitator(facilitator, group_id)
        if group.rules_pinned != pinned:
            group.rules_pinned = pinned
            group.save(update_fields=["rules_pinned"])
            action = ModerationAction.PIN_RULES if pinned else ModerationAction.UNPIN_RULES
            _record(group, facilitator, action)
    return group


def hide_message(facilitator, group_id, *, seq):
    """Hide a message in the group chat. The chat action calls ``record_hidden`` (registered
    as the room policy's ``on_hidden``), so a hide over the socket or the chat API is
    recorded the same way."""
    with transaction.atomic():
        group = access_group_as_facilitator(facilitator, group_id)
        return chat_actions.hide_message(facilitator, group.room_id, seq=seq)


def record_hidden(actor, room, message) -> None:
    group = Group.objects.filter(room=room).first()
    if group is not None:
        _record(
            group, actor, ModerationAction.HIDE, target_user=message.author, target_seq=message.seq
        )
