"""The gates of a group. Missing and forbidden look the same: ``GroupNotFound`` (404).

What is public and what is not:

- the group list and a group's page (name, topic, description, rules, member count) are
  open to everybody, so that a person can decide whether to join before registering;
- the member list, the chat and the chat history are for active members only
  (``access_group``);
- facilitator tools need an active membership *and* being that group's facilitator or
  holding the moderator role (``access_group_as_facilitator``): a non-member gets 404, a
  member without the right gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from augenhoehe.groups.models import Group, Membership, MembershipStatus


class GroupNotFound(Http404):
    pass


def get_group(group_id) -> Group:
    """A group's public page: every group that exists (there are no secret groups)."""
    try:
        return Group.objects.select_related("room").get(pk=int(group_id))
    except (Group.DoesNotExist, TypeError, ValueError):
        raise GroupNotFound from None


def active_membership(user, group_id) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return (
        Membership.objects.select_related("group", "group__room")
        .filter(group_id=group_id, user=user, status=MembershipStatus.ACTIVE)
        .first()
    )


def _membership_or_404(user, group_id) -> Membership:
    try:
        group_id = int(group_id)
    except (TypeError, ValueError):
        raise GroupNotFound from None
    membership = active_membership(user, group_id)
    if membership is None:
        raise GroupNotFound
    return membership


def access_group(user, group_id) -> Group:
    """The group with its private parts (members, chat): active members only."""
    return _membership_or_404(user, group_id).group


def may_facilitate(user, membership: Membership | None) -> bool:
    if membership is None or not membership.is_active:
        return False
    return membership.is_facilitator or user.is_moderator


def access_group_as_facilitator(user, group_id) -> Group:
    membership = _membership_or_404(user, group_id)
    if not may_facilitate(user, membership):
        raise PermissionDenied(_("Only the group's facilitators can do this."))
    return membership.group


# --- the chat room policy (registered in GroupsConfig.ready) ---------------------------


def is_room_participant(user, room) -> bool:
    return Membership.objects.filter(
        group__room=room, user=user, status=MembershipStatus.ACTIVE
    ).exists()


def can_moderate_room(user, room) -> bool:
    membership = (
        Membership.objects.filter(group__room=room, user=user, status=MembershipStatus.ACTIVE)
        .only("status", "is_facilitator")
        .first()
    )
    return may_facilitate(user, membership)
