"""The support card without JavaScript: a page that posts a message through a plain form
calls ``remember_support(request, result)`` after ``chat.actions.send_message``; the
next page shows the card once through ``{% support_card %}`` (in ``base.html``)."""

from __future__ import annotations

from typing import Any

SESSION_KEY = "safety_support_card"


def remember_support(request, result: Any) -> None:
    """Keep the writer's support card (if the send produced one) for the next page."""
    screening = getattr(result, "screening", None)
    if screening is None or not hasattr(screening, "to_frame"):
        return
    request.session[SESSION_KEY] = screening.to_frame(room=result.room.pk, seq=result.message.seq)


def pop_support(request) -> dict | None:
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return None
    return session.pop(SESSION_KEY, None)
