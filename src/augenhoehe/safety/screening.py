"""Screening a chat message in the send transaction, and the writer's private support card.

``screen_chat_message`` is registered with ``chat.hooks`` (in ``chat/apps.py``). It runs
the detector; only when something is noticed does it touch the database: a flag (level,
rule ids, time; never the text), an alert for ``high``, and one read of the crisis lines.
The card is rendered here, in the writer's language, so that ``to_frame`` needs no
database (the consumer calls it on the event loop).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from augenhoehe.safety import registry
from augenhoehe.safety.actions import assess_text, record_flag
from augenhoehe.safety.detector import Level
from augenhoehe.safety.models import Flag
from augenhoehe.safety.selectors import HOME_COUNTRIES, resources_by_country

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SupportCard:
    """What only the writer sees after a flagged message (frame type ``crisis_support``)."""

    level: str
    title: str
    text: str
    resources: list[dict[str, str]] = field(default_factory=list)
    actions: list[dict[str, str]] = field(default_factory=list)
    why_url: str = ""
    why_label: str = ""
    flag_id: int | None = None

    def to_frame(self, *, room: int | None, seq: int | None) -> dict[str, Any]:
        return {
            "type": "crisis_support",
            "room": room,
            "seq": seq,
            "level": self.level,
            "title": self.title,
            "text": self.text,
            "resources": [dict(r) for r in self.resources],
            "actions": [dict(a) for a in self.actions],
            "why_url": self.why_url,
            "why_label": self.why_label,
        }


def screen_chat_message(*, author, room, message) -> SupportCard | None:
    """The chat message hook: runs inside the send transaction, never blocks the message."""
    assessment = assess_text(message.body)
    if assessment is None or assessment.level is not Level.HIGH:
        _second_opinion_after_commit(author, room, message)
    if assessment is None:
        return None
    try:
        flag = record_flag(
            author, assessment, context_kind=room.kind, room_id=room.pk, message_seq=message.seq
        )
        return support_card(author, flag)
    except Exception:
        # The message must go through even if the safety net fails; the log says so loudly.
        logger.exception("crisis screening failed for a message in room %s", room.pk)
        return None


def screen_edited_message(*, author, room, message) -> None:
    """The edit hook: an edited message is screened again, inside the edit's transaction.

    A flag (and, for ``high``, an alert) is written only when the new text rates higher
    than anything this message was flagged with before, so rewording a flagged message
    never repeats the card or the alert. The writer's card goes to their open sockets."""
    try:
        assessment = assess_text(message.body)
        previous = Level.NONE
        for level in Flag.objects.filter(room_id=room.pk, message_seq=message.seq).values_list(
            "level", flat=True
        ):
            previous = max(previous, Level(level), key=lambda lv: lv.rank)
        if previous is Level.NONE and (assessment is None or assessment.level is not Level.HIGH):
            _second_opinion_after_commit(author, room, message)
        if assessment is None or assessment.level.rank <= previous.rank:
            return
        flag = record_flag(
            author, assessment, context_kind=room.kind, room_id=room.pk, message_seq=message.seq
        )
        card = support_card(author, flag)
        from augenhoehe.core.lib.realtime import notify_user_on_commit

        frame = card.to_frame(room=room.pk, seq=message.seq)
        notify_user_on_commit(author.pk, json.dumps(frame, separators=(",", ":")))
    except Exception:
        # The edit must go through even if the safety net fails; the log says so loudly.
        logger.exception("crisis screening failed for an edited message in room %s", room.pk)


def second_opinion_for_request(request) -> None:
    """A one-to-one request's text gets the same second look after commit as a chat
    message; a raised level is flagged on the request (and so moves it up the queue)."""
    _queue_second_opinion(
        f"request {request.pk}",
        author_id=request.seeker_id,
        room_id=None,
        room_kind="request",
        seq=None,
        text=request.text or "",
        object_id=request.pk,
    )


def _second_opinion_after_commit(author, room, message) -> None:
    _queue_second_opinion(
        f"a message in room {room.pk}",
        author_id=author.pk,
        room_id=room.pk,
        room_kind=room.kind,
        seq=message.seq,
        text=message.body or "",
    )


def _queue_second_opinion(what: str, **job) -> None:
    """Below ``high``: the embedding model takes a second look after commit, off the send
    path (``safety/second_opinion/worker.py``); it can only raise the level. Never raises."""
    try:
        from augenhoehe.safety.second_opinion import worker

        if worker.enabled():
            worker.submit_on_commit(worker.Job(**job))
    except Exception:
        logger.exception("could not queue the second opinion for %s", what)


def card_resources(*, country: str | None = None) -> list[dict[str, str]]:
    """DE, AT and CH crisis lines, the home country's first: the crisis page's data."""
    home = (country or settings.AUGENHOEHE["DEFAULT_COUNTRY"]).upper()
    grouped = resources_by_country(first=home)
    wanted = [home] + [c for c in HOME_COUNTRIES if c != home]
    return [
        {
            "country": r.country,
            "name": r.name,
            "phone": r.phone,
            "tel": "tel:" + r.tel,
            "hours": r.hours,
            "web_url": r.web_url,
        }
        for code in wanted
        for r in grouped.get(code, [])
    ]


def support_card(author, flag: Flag) -> SupportCard:
    language = getattr(author, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        text = _(
            "Your message sounded as if things are very hard for you right now. It was sent "
            "as usual. If you want to talk to someone now, these lines are there for you, "
            "free and anonymous."
        )
        if flag.level == Level.HIGH.value:
            text += " " + _(
                "If you are in acute danger, please call 112 now. Someone from our team has "
                "been told and may get in touch with you."
            )
        actions = []
        if registry.talk_now_handler() is not None:
            actions.append({"label": _("Talk to a peer now"), "url": reverse("safety:talk_now")})
        actions.append({"label": _("All crisis lines"), "url": reverse("safety:crisis")})
        return SupportCard(
            level=flag.level,
            title=_("You are not alone"),
            text=text,
            resources=card_resources(),
            actions=actions,
            why_url=reverse("safety:why", args=[flag.pk]),
            why_label=_("Why am I seeing this?"),
            flag_id=flag.pk,
        )
