"""Group pages. Each view: gate, form, action, then render or redirect.

Everything works without JavaScript: the chat form posts to ``send`` and the page shows
the newest messages; ``chat.js`` upgrades the same markup to a live chat.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from augenhoehe.accounts.models import RoleGrant
from augenhoehe.chat import actions as chat_actions
from augenhoehe.chat import selectors as chat_selectors
from augenhoehe.chat.access import RoomNotFound
from augenhoehe.groups import actions, selectors
from augenhoehe.groups.access import may_facilitate
from augenhoehe.groups.forms import (
    GroupCreateForm,
    GroupFilterForm,
    JoinForm,
    MessageForm,
    RemoveForm,
)
from augenhoehe.groups.models import Group
from augenhoehe.safety.web import remember_support

CHAT_PAGE = 50


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupFilterForm(request.GET or None)
    groups = selectors.annotate_for(request.user, list(selectors.groups(**form.filters())))
    htmx = request.htmx  # type: ignore[attr-defined]
    template = "groups/_results.html" if htmx else "groups/list.html"
    context = {
        "form": form,
        "groups": groups,
        "may_start": actions.may_start_groups(request.user),
    }
    return render(request, template, context)


@login_required
def new_group(request: HttpRequest) -> HttpResponse:
    """Peer supporters and moderators start a group; they become its facilitator."""
    if not actions.may_start_groups(request.user):
        raise Http404
    form = GroupCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                group = actions.start_group(request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The group is open. You facilitate it."))
                return redirect("groups:detail", slug=group.slug)
        return render(request, "groups/new.html", {"form": form}, status=422)
    return render(request, "groups/new.html", {"form": form})


def _chat_messages(group: Group) -> list:
    items = chat_selectors.messages_before(group.room, None, limit=CHAT_PAGE)
    if group.room.label_perspectives:
        # One query for all authors' roles instead of one per message (trialog labels).
        authors = {m.author.pk: m.author for m in items if m.author is not None}
        roles: dict[int, set[str]] = {pk: set() for pk in authors}
        for user_id, role in RoleGrant.objects.filter(user__in=authors).values_list(
            "user_id", "role"
        ):
            roles[user_id].add(role)
        for message in items:
            if message.author is not None:
                message.author._role_cache = roles[message.author.pk]
    return items


def _detail_context(request: HttpRequest, group: Group, **extra) -> dict[str, Any]:
    membership = selectors.membership_of(request.user, group)
    is_member = membership is not None and membership.is_active
    members = selectors.active_members(group)
    context: dict[str, Any] = {
        "group": group,
        "membership": membership,
        "is_member": is_member,
        "is_facilitator": is_member and may_facilitate(request.user, membership),
        "member_count": len(members),
        "join_form": JoinForm(),
        "message_form": MessageForm(initial={"client_id": MessageForm.new_client_id()}),
        "remove_form": RemoveForm(),
        "send_url": reverse("groups:send", args=[group.slug]),
        "message_url_base": reverse("groups:send", args=[group.slug]),
        "hide_api_url": f"/api/v1/groups/{group.pk}/messages/{{seq}}/hide",
    }
    context["can_moderate"] = context["is_facilitator"]
    if is_member:
        context["members"] = members
        context["chat_messages"] = _chat_messages(group)
        chat_actions.mark_read(request.user, group.room, seq=group.room.last_seq)
    if context["is_facilitator"]:
        context["pending"] = selectors.pending_requests(group)
    context.update(extra)
    return context


def _group(slug: str) -> Group:
    return get_object_or_404(Group.objects.select_related("room"), slug=slug)


@require_GET
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    return render(request, "groups/detail.html", _detail_context(request, group))


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    form = JoinForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, group, join_form=form)
        return render(request, "groups/detail.html", context, status=422)
    try:
        membership = actions.join_group(request.user, group.pk, accept_rules=True)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(group)
    if membership.is_pending:
        messages.info(request, _("Your request was sent. A facilitator will look at it soon."))
    else:
        messages.success(request, _("Welcome to the group!"))
    return redirect(group)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    actions.leave_group(request.user, group.pk)
    messages.info(request, _("You have left the group."))
    return redirect(group)


@login_required
@require_POST
def send(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            result = chat_actions.send_message(request.user, group.room_id, **form.cleaned_data)
        except RoomNotFound:
            return redirect(group)  # not (or no longer) a member: the page explains
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            remember_support(request, result)  # the crisis safety net's card, no JS needed
            return redirect(reverse("groups:detail", args=[slug]) + "#chat")
    context = _detail_context(request, group, message_form=form)
    return render(request, "groups/detail.html", context, status=422)


@login_required
@require_POST
def delete_message(request: HttpRequest, slug: str, seq: int) -> HttpResponse:
    group = _group(slug)
    try:
        chat_actions.delete_message(request.user, group.room_id, seq=seq)
    except RoomNotFound:
        return redirect(group)
    except ValidationError:
        pass  # already deleted
    return redirect(reverse("groups:detail", args=[slug]) + "#chat")


@login_required
@require_POST
def hide_message(request: HttpRequest, slug: str, seq: int) -> HttpResponse:
    group = _group(slug)
    try:
        actions.hide_message(request.user, group.pk, seq=seq)
    except RoomNotFound:
        messages.error(request, _("This message does not exist."))
    return redirect(reverse("groups:detail", args=[slug]) + "#chat")


@login_required
@require_POST
def approve(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    group = _group(slug)
    membership = actions.approve_member(request.user, group.pk, user_id=user_id)
    messages.success(request, _("%(name)s is now a member.") % {"name": membership.user})
    return redirect(reverse("groups:detail", args=[slug]) + "#members")


@login_required
@require_POST
def remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    group = _group(slug)
    form = RemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        membership = actions.remove_member(request.user, group.pk, user_id=user_id, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(name)s was removed from the group.") % {"name": membership.user}
        )
    return redirect(reverse("groups:detail", args=[slug]) + "#members")


@login_required
@require_POST
def pin(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    pinned = request.POST.get("pinned") == "1"
    actions.pin_rules(request.user, group.pk, pinned=pinned)
    messages.success(
        request, _("The rules are pinned.") if pinned else _("The rules are unpinned.")
    )
    return redirect(group)
