"""Pages for seekers, peers and professionals. Gate, form, action, render or redirect."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from augenhoehe.chat import selectors as chat_selectors
from augenhoehe.chat.access import RoomNotFound
from augenhoehe.chat.actions import delete_message, send_message
from augenhoehe.conversations import actions, matching, selectors
from augenhoehe.conversations.access import NotFound, access_conversation, access_request
from augenhoehe.conversations.conf import setting
from augenhoehe.conversations.forms import (
    DebriefForm,
    FeedbackForm,
    HandoverForm,
    MessageForm,
    RequestForm,
)
from augenhoehe.conversations.safety_hooks import support_for_request
from augenhoehe.safety.web import remember_support


def gate(fn, *args, **kwargs):
    """Run a gate (or a gated action); missing and forbidden both become a 404 page."""
    try:
        return fn(*args, **kwargs)
    except NotFound:
        raise Http404 from None


def _try(request: HttpRequest, fn, *args, **kwargs):
    """Run an action; a conflict, a refusal or bad input becomes a calm message."""
    try:
        return fn(*args, **kwargs)
    except NotFound:
        raise Http404 from None
    except (actions.Conflict, PermissionDenied) as exc:
        messages.info(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return None


# --- seekers ----------------------------------------------------------------------------
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated and (waiting := selectors.active_request(user)):
        return redirect("conversations:waiting", waiting.pk)
    context: dict[str, object] = {"stats": matching.queue_stats()}
    if user.is_authenticated:
        context["form"] = RequestForm(initial={"language": user.language})
        context["conversations"] = selectors.my_conversations(user)[:20]
    return render(request, "conversations/home.html", context)


@login_required
@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST)
    if form.is_valid():
        created = _try(
            request,
            actions.create_request,
            request.user,
            topics=form.cleaned_data["topics"],
            text=form.cleaned_data["text"],
            preferences=form.preferences(),
        )
        if created is not None:
            return redirect("conversations:waiting", created.pk)
        return redirect("conversations:home")
    context = {
        "form": form,
        "stats": matching.queue_stats(),
        "conversations": selectors.my_conversations(request.user)[:20],
    }
    return render(request, "conversations/home.html", context, status=422)


@login_required
@require_GET
def waiting(request: HttpRequest, request_id: int) -> HttpResponse:
    actions.advance_offers()
    conversation_request = gate(access_request, request.user, request_id)
    data = selectors.request_data(conversation_request)
    if data["conversation"]:
        return redirect("conversations:conversation", data["conversation"])
    if data["position"] is None:  # withdrawn
        return redirect("conversations:home")
    context = {
        "req": conversation_request,
        "data": data,
        "estimate_text": estimate_text(data["estimated_wait_seconds"]),
        "support": support_for_request(conversation_request),  # the crisis safety net
    }
    return render(request, "conversations/waiting.html", context)


def estimate_text(seconds: int | None) -> str:
    if seconds is None:
        return _("We cannot estimate this honestly right now.")
    minutes = max(1, seconds // 60)
    if minutes == 1:
        return _("about 1 minute")
    return _("about %(minutes)s minutes") % {"minutes": minutes}


@login_required
@require_POST
def cancel(request: HttpRequest, request_id: int) -> HttpResponse:
    if _try(request, actions.cancel_request, request.user, request_id) is not None:
        messages.info(request, _("Your request is withdrawn. You are welcome back any time."))
    return redirect("conversations:home")


# --- a conversation ---------------------------------------------------------------------
@login_required
@require_GET
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conv = gate(access_conversation, request.user, conversation_id)
    role = selectors.role_in(conv, request.user)
    peers = []
    if role != "seeker":
        peers = [
            p.user
            for p in matching.accepting_profiles().select_related("user")
            if p.user_id not in (request.user.pk, conv.seeker_id)
        ]
    context = {
        "conv": conv,
        "role": role,
        "chat_messages": chat_selectors.messages_before(conv.room, None, limit=200),
        "message_form": MessageForm(initial={"client_id": "web-" + uuid.uuid4().hex}),
        "send_url": reverse("conversations:send", args=[conv.pk]),
        "message_url_base": reverse("conversations:send", args=[conv.pk]),
        "feedback_form": FeedbackForm(),
        "debrief_form": DebriefForm(),
        "handover_form": HandoverForm(peers=peers),
        "feedback_given": selectors.conversation_data(conv, request.user)["feedback_given"],
        "retention_days": setting("RETENTION_DAYS"),
    }
    return render(request, "conversations/conversation.html", context)


@login_required
@require_POST
def send(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Without JavaScript: send through the same chat action, then show the page again."""
    conv = gate(access_conversation, request.user, conversation_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            result = send_message(
                request.user,
                conv.room_id,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
            )
            remember_support(request, result)  # the crisis safety net's card, no JS needed
        except RoomNotFound:
            messages.info(request, _("This conversation has ended."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("conversations:conversation", conv.pk)


@login_required
@require_POST
def delete_own_message(request: HttpRequest, conversation_id: int, seq: int) -> HttpResponse:
    """Without JavaScript: the author deletes their message (the chat partial's form)."""
    conv = gate(access_conversation, request.user, conversation_id)
    try:
        delete_message(request.user, conv.room_id, seq=seq)
    except (RoomNotFound, PermissionDenied, ValidationError):
        messages.info(request, _("This message cannot be deleted."))
    return redirect("conversations:conversation", conv.pk)


@login_required
@require_POST
def end(request: HttpRequest, conversation_id: int) -> HttpResponse:
    _try(request, actions.end_conversation, request.user, conversation_id)
    return redirect("conversations:conversation", conversation_id)


@login_required
@require_POST
def feedback(request: HttpRequest, conversation_id: int) -> HttpResponse:
    form = FeedbackForm(request.POST)
    if form.is_valid() and _try(
        request,
        actions.give_feedback,
        request.user,
        conversation_id,
        understood=form.cleaned_data["understood"],
        comment=form.cleaned_data["comment"],
    ):
        messages.success(request, _("Thank you for your feedback."))
    elif not form.is_valid():
        messages.error(request, _("Please choose a value from 1 to 5."))
    return redirect("conversations:conversation", conversation_id)


@login_required
@require_POST
def delete(request: HttpRequest, conversation_id: int) -> HttpResponse:
    if _try(request, actions.delete_conversation, request.user, conversation_id):
        messages.success(request, _("The conversation is deleted."))
        return redirect("conversations:home")
    return redirect("conversations:conversation", conversation_id)


@login_required
@require_POST
def handover(request: HttpRequest, conversation_id: int) -> HttpResponse:
    to = request.POST.get("to", "")
    note = request.POST.get("note", "")[:1000]
    if _try(request, actions.handover, request.user, conversation_id, to=to, note=note):
        messages.success(request, _("Handed over. Thank you for your care."))
        return redirect("conversations:waiting_room")
    return redirect("conversations:conversation", conversation_id)


@login_required
@require_POST
def debrief(request: HttpRequest, conversation_id: int) -> HttpResponse:
    form = DebriefForm(request.POST)
    if form.is_valid() and _try(
        request,
        actions.write_debrief,
        request.user,
        conversation_id,
        body=form.cleaned_data["body"],
    ):
        messages.success(request, _("Your debrief note is saved."))
    return redirect("conversations:waiting_room")
