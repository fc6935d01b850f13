"""Pages for peers (waiting room, profile) and professionals (on duty, inbox, debriefs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from augenhoehe.conversations import actions, selectors
from augenhoehe.conversations.forms import PeerProfileForm
from augenhoehe.conversations.views import _try, gate


@login_required
@require_GET
def waiting_room(request: HttpRequest) -> HttpResponse:
    profile = gate(actions.peer_profile, request.user)
    actions.advance_offers()
    context = {
        "profile": profile,
        "status": selectors.profile_data(profile),
        "items": selectors.queue_items(request.user, profile),
        "conversations": selectors.my_conversations(request.user).filter(peer=request.user)[:20],
    }
    return render(request, "conversations/waiting_room.html", context)


@login_required
@require_POST
def accept(request: HttpRequest, request_id: int) -> HttpResponse:
    conversation = _try(request, actions.accept_request, request.user, request_id)
    if conversation is None:
        return redirect("conversations:waiting_room")
    return redirect("conversations:conversation", conversation.pk)


@login_required
@require_POST
def availability(request: HttpRequest) -> HttpResponse:
    pause = request.POST.get("pause_minutes")
    _try(
        request,
        actions.set_availability,
        request.user,
        available=request.POST.get("available") == "1",
        pause_minutes=int(pause) if pause and pause.isdigit() and 0 < int(pause) <= 240 else None,
    )
    return redirect("conversations:waiting_room")


@login_required
@require_http_methods(["GET", "POST"])
def peer_profile(request: HttpRequest) -> HttpResponse:
    profile = gate(actions.peer_profile, request.user)
    initial = {f: getattr(profile, f) for f in PeerProfileForm.base_fields}
    form = PeerProfileForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _try(request, actions.save_peer_profile, request.user, **form.cleaned_data)
    ):
        messages.success(request, _("Your peer profile is saved."))
        return redirect("conversations:waiting_room")
    return render(request, "conversations/peer_profile.html", {"form": form})


@login_required
@require_GET
def staff(request: HttpRequest) -> HttpResponse:
    if not actions.may_be_on_duty(request.user):
        raise Http404
    professional = request.user.is_professional
    context = {
        "on_duty": selectors.is_on_duty(request.user),
        "professional": professional,
        "inbox": selectors.handover_inbox(request.user) if professional else [],
        "notes": selectors.debrief_notes(request.user) if professional else [],
    }
    return render(request, "conversations/staff.html", context)


@login_required
@require_POST
def on_duty(request: HttpRequest) -> HttpResponse:
    gate(actions.set_on_duty, request.user, on=request.POST.get("on") == "1")
    return redirect("conversations:staff")
