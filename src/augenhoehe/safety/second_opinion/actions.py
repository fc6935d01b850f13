"""Writes of the second opinion: the flag (and alert) through the safety net's own
``record_flag``, and the writer's support card, in one transaction; live frames after commit."""

from __future__ import annotations

import json
import logging

from django.db import transaction

from augenhoehe.accounts.models import User
from augenhoehe.core.lib.realtime import notify_user_on_commit
from augenhoehe.safety.actions import record_flag
from augenhoehe.safety.detector import Assessment, Level
from augenhoehe.safety.models import Flag

logger = logging.getLogger(__name__)


def record_second_opinion(
    *,
    author_id: int,
    room_id: int | None,
    room_kind: str,
    seq: int | None,
    assessment: Assessment,
    object_id: int | None = None,
) -> Flag | None:
    """A flag for a message the model rated higher than the rules (never the text).

    ``high`` raises an alert for the on-duty staff (``record_flag``); the writer gets the
    same ``crisis_support`` frame as from the send path, after commit."""
    if assessment.level is Level.NONE:
        return None
    from augenhoehe.safety.screening import support_card

    with transaction.atomic():
        author = User.objects.filter(pk=author_id, is_active=True).first()
        if author is None:
            return None
        flag = record_flag(
            author,
            assessment,
            context_kind=room_kind,
            room_id=room_id,
            message_seq=seq,
            object_id=object_id,
        )
        card = support_card(author, flag)
        frame = json.dumps(card.to_frame(room=room_id, seq=seq), separators=(",", ":"))
        notify_user_on_commit(author.pk, frame)
    logger.info("second opinion raised a message to %s (flag %s)", flag.level, flag.pk)
    return flag
