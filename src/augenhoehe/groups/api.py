"""The groups API under /api/v1/groups. Errors: ``{"detail", "errors"?}`` (core.lib.http)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from augenhoehe.chat import events
from augenhoehe.core.lib.http import ApiError, validation_error_dict
from augenhoehe.groups import actions, selectors
from augenhoehe.groups.access import access_group, get_group, may_facilitate
from augenhoehe.groups.models import Group

router = Router(tags=["groups"])


class Detail(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class GroupFilter(Schema):
    topic: str = ""
    language: str = ""
    audience: str = ""
    q: str = Field(default="", max_length=100)


class GroupOut(Schema):
    id: int
    name: str
    slug: str
    topic: str
    language: str
    audience: str
    join_policy: str
    member_count: int
    room: int | None
    is_member: bool
    membership: str | None  # "active", "pending", or null
    unread: int | None


class GroupDetailOut(GroupOut):
    description: str
    rules: str
    rules_pinned: bool
    is_facilitator: bool


class JoinIn(Schema):
    accept_rules: bool | None = None


class MembershipOut(Schema):
    group: int
    status: str
    is_facilitator: bool


class MemberOut(Schema):
    id: int
    pseudonym: str
    is_facilitator: bool
    perspective: str | None = None


class MembersOut(Schema):
    members: list[MemberOut]
    pending: list[MemberOut] | None = None


class RemoveIn(Schema):
    reason: str = Field(default="", max_length=2000)


class PinIn(Schema):
    pinned: bool = True


def _out(group: Group, user) -> dict:
    membership = getattr(group, "membership", None)
    active = membership is not None and membership.is_active
    return {
        "id": group.pk,
        "name": group.name,
        "slug": group.slug,
        "topic": group.topic,
        "language": group.language,
        "audience": group.audience,
        "join_policy": group.join_policy,
        "member_count": group.member_count,
        # The room id is only needed (and only useful) for members.
        "room": group.room_id if active else None,
        "is_member": active,
        "membership": membership.status if membership is not None else None,
        "unread": getattr(group, "unread", None),
    }


def _membership_out(membership) -> dict:
    return {
        "group": membership.group_id,
        "status": membership.status,
        "is_facilitator": membership.is_facilitator,
    }


def _member_out(membership, group: Group) -> dict:
    user = membership.user
    data = {"id": user.pk, "pseudonym": user.pseudonym, "is_facilitator": membership.is_facilitator}
    if group.is_trialog:
        data["perspective"] = user.trialog_perspective
    return data


def _invalid(exc: ValidationError) -> ApiError:
    return ApiError(422, _("The request has invalid fields."), validation_error_dict(exc))


@router.get("/groups", response=list[GroupOut])
def list_groups(request: HttpRequest, q: Query[GroupFilter]):
    """All groups (filter by ``topic``, ``language``, ``audience``, search ``q``)."""
    groups = list(
        selectors.groups(
            topic=q.topic, language=q.language, audience=q.audience, search=q.q.strip()
        )
    )
    return [_out(g, request.auth) for g in selectors.annotate_for(request.auth, groups)]


@router.get("/groups/{group_id}", response={200: GroupDetailOut, 404: Detail})
def group_detail(request: HttpRequest, group_id: int):
    group = selectors.groups().get(pk=get_group(group_id).pk)
    selectors.annotate_for(request.auth, [group])
    data = _out(group, request.auth)
    data.update(
        description=group.description,
        rules=group.rules,
        rules_pinned=group.rules_pinned,
        is_facilitator=data["is_member"]
        and may_facilitate(request.auth, getattr(group, "membership", None)),
    )
    return data


@router.post(
    "/groups/{group_id}/join",
    response={200: MembershipOut, 202: MembershipOut, 403: Detail, 404: Detail, 422: Detail},
)
def join(request: HttpRequest, group_id: int, payload: JoinIn):
    """Join with ``{"accept_rules": true}``: 200 when in, 202 when a facilitator must approve."""
    try:
        membership = actions.join_group(
            request.auth, group_id, accept_rules=payload.accept_rules is True
        )
    except ValidationError as exc:
        raise _invalid(exc) from None
    return (200 if membership.is_active else 202), _membership_out(membership)


@router.post("/groups/{group_id}/leave", response={204: None, 404: Detail})
def leave(request: HttpRequest, group_id: int):
    actions.leave_group(request.auth, group_id)
    return 204, None


@router.get("/groups/{group_id}/members", response={200: MembersOut, 404: Detail})
def members(request: HttpRequest, group_id: int):
    """Members only. Facilitators also see the requests to join (``pending``)."""
    group = access_group(request.auth, group_id)
    data: dict = {"members": [_member_out(m, group) for m in selectors.active_members(group)]}
    membership = selectors.membership_of(request.auth, group)
    if may_facilitate(request.auth, membership):
        data["pending"] = [_member_out(m, group) for m in selectors.pending_requests(group)]
    return data


@router.post(
    "/groups/{group_id}/members/{user_id}/approve",
    response={200: MembershipOut, 403: Detail, 404: Detail},
)
def approve(request: HttpRequest, group_id: int, user_id: int):
    return _membership_out(actions.approve_member(request.auth, group_id, user_id=user_id))


@router.post(
    "/groups/{group_id}/members/{user_id}/remove",
    response={200: MembershipOut, 403: Detail, 404: Detail, 422: Detail},
)
def remove(request: HttpRequest, group_id: int, user_id: int, payload: RemoveIn):
    try:
        membership = actions.remove_member(
            request.auth, group_id, user_id=user_id, reason=payload.reason
        )
    except ValidationError as exc:
        raise _invalid(exc) from None
    return _membership_out(membership)


@router.post(
    "/groups/{group_id}/members/{user_id}/facilitator",
    response={200: MembershipOut, 403: Detail, 404: Detail, 422: Detail},
)
def facilitator(request: HttpRequest, group_id: int, user_id: int):
    """Moderators name a member with the peer or moderator role as facilitator."""
    try:
        membership = actions.make_facilitator(request.auth, group_id, user_id=user_id)
    except ValidationError as exc:
        raise _invalid(exc) from None
    return _membership_out(membership)


@router.post(
    "/groups/{group_id}/rules/pin", response={200: GroupDetailOut, 403: Detail, 404: Detail}
)
def pin(request: HttpRequest, group_id: int, payload: PinIn):
    actions.pin_rules(request.auth, group_id, pinned=payload.pinned)
    return group_detail(request, group_id)


@router.post(
    "/groups/{group_id}/messages/{seq}/hide", response={200: dict, 403: Detail, 404: Detail}
)
def hide(request: HttpRequest, group_id: int, seq: int):
    """Facilitators hide a message of the group chat; recorded as a moderation action."""
    message = actions.hide_message(request.auth, group_id, seq=seq)
    return events.message_data(message, message.room)
