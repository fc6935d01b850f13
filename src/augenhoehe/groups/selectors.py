"""Reads on groups: lists with member counts, memberships, members."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from augenhoehe.chat.selectors import unread_counts
from augenhoehe.groups.models import Group, Membership, MembershipStatus


def groups(
    *, topic: str = "", language: str = "", audience: str = "", search: str = ""
) -> QuerySet[Group]:
    qs = Group.objects.select_related("room").annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    )
    if topic:
        qs = qs.filter(topic=topic)
    if language:
        qs = qs.filter(language=language)
    if audience:
        qs = qs.filter(audience=audience)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return qs.order_by("name")


def memberships_by_group(user, group_list: list[Group]) -> dict[int, Membership]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return {
        m.group_id: m
        for m in Membership.objects.filter(user=user, group__in=group_list).exclude(
            status=MembershipStatus.REMOVED
        )
    }


def annotate_for(user, group_list: list[Group]) -> list[Group]:
    """Set ``membership`` and ``unread`` (members only) on each group of a list."""
    memberships = memberships_by_group(user, group_list)
    member_rooms = [g.room for g in group_list if _active(memberships.get(g.pk))]
    unread = unread_counts(user, member_rooms) if member_rooms else {}
    for group in group_list:
        membership = memberships.get(group.pk)
        group.membership = membership  # type: ignore[attr-defined]
        group.unread = unread.get(group.room_id) if _active(membership) else None  # type: ignore[attr-defined]
    return group_list


def _active(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active


def membership_of(user, group: Group) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(group=group, user=user).first()


def active_members(group: Group) -> list[Membership]:
    return list(
        Membership.objects.select_related("user")
        .filter(group=group, status=MembershipStatus.ACTIVE)
        .order_by("-is_facilitator", "user__pseudonym")
    )


def pending_requests(group: Group) -> list[Membership]:
    return list(
        Membership.objects.select_related("user")
        .filter(group=group, status=MembershipStatus.PENDING)
        .order_by("requested_at")
    )
