"""Writes of the crisis safety net: flags, alerts, acknowledgement, escalation.

Flags and alerts are written inside the caller's transaction (the message's), so an alert
exists exactly when the message does. Live notifications go out only after commit; if
they are lost, the alert is still in the persistent list (docs/crisis-safety.md).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from augenhoehe.accounts.models import Role, User
from augenhoehe.core.lib.realtime import notify_user_on_commit
from augenhoehe.safety import registry
from augenhoehe.safety.access import AlertNotFound, access_alert
from augenhoehe.safety.detector import Assessment, Level, assess
from augenhoehe.safety.models import Alert, Flag

logger = logging.getLogger(__name__)

ALERT_ROLES = (Role.PROFESSIONAL, Role.MODERATOR)
ESCALATION_ROLES = (Role.PROFESSIONAL, Role.MODERATOR, Role.ORGADMIN)
MAX_NOTE = 2000

__all__ = [
    "AlertNotFound",
    "acknowledge_alert",
    "assess_text",
    "escalate_overdue_alerts",
    "record_flag",
]


def detection_enabled() -> bool:
    return bool(settings.AUGENHOEHE.get("CRISIS_DETECTION_ENABLED", True))


def escalate_after() -> timedelta:
    return timedelta(minutes=int(settings.AUGENHOEHE.get("CRISIS_ESCALATE_AFTER_MINUTES", 5)))


def assess_text(text: str) -> Assessment | None:
    """The detector's view of a text, or None when detection is off or the text is fine.

    Never raises: a failing detector must not stop anybody from writing."""
    if not detection_enabled():
        return None
    try:
        assessment = assess(text or "")
    except Exception:
        logger.exception("crisis detector failed; the message goes through unscreened")
        return None
    return assessment if assessment.level is not Level.NONE else None


def record_flag(
    author,
    assessment: Assessment,
    *,
    context_kind: str,
    room_id: int | None = None,
    message_seq: int | None = None,
    object_id: int | None = None,
) -> Flag:
    """Store a flag (never the text); a ``high`` also raises an alert, in this transaction."""
    with transaction.atomic():
        flag = Flag.objects.create(
            author=author,
            level=assessment.level.value,
            rule_ids=list(assessment.rule_ids),
            context_kind=context_kind,
            room_id=room_id,
            message_seq=message_seq,
            object_id=object_id,
        )
        if assessment.level is Level.HIGH:
            _raise_alert(flag)
        registry.run_flag_hooks(flag)
    return flag


def _raise_alert(flag: Flag) -> Alert:
    alert = Alert.objects.create(flag=flag, created=flag.created)
    recipients = _active_ids(_on_duty()) or staff_ids(ALERT_ROLES)
    _notify(alert, recipients, escalated=False)
    return alert


def _on_duty() -> set[int]:
    if not registry.has_on_duty_providers():
        return set()
    try:
        return registry.on_duty_user_ids()
    except Exception:  # then everybody who can help hears of it
        logger.exception("on-duty provider failed; alerting all professionals and moderators")
        return set()


def staff_ids(roles) -> set[int]:
    return set(
        User.objects.filter(is_active=True, role_grants__role__in=roles)
        .values_list("pk", flat=True)
        .distinct()
    )


def _active_ids(ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))


def alert_frame(alert: Alert, *, escalated: bool) -> dict[str, Any]:
    return {
        "type": "crisis_alert",
        "alert": alert.pk,
        "level": alert.flag.level,
        "context": alert.flag.context_kind,
        "room": alert.flag.room_id,
        "created": alert.created.isoformat(),
        "escalated": escalated,
        "url": alert.get_absolute_url(),
    }


def _notify(alert: Alert, user_ids: set[int], *, escalated: bool) -> None:
    text = json.dumps(alert_frame(alert, escalated=escalated), separators=(",", ":"))
    for user_id in sorted(user_ids):
        notify_user_on_commit(user_id, text)


def acknowledge_alert(user, alert_id: Any, *, note: str = "") -> Alert:
    """A professional or moderator has seen the alert and takes care of it.

    Acknowledging again keeps the first time and person and adds the note."""
    note = (note or "").replace("\x00", "").strip()[:MAX_NOTE]
    with transaction.atomic():
        alert = access_alert(user, alert_id, for_update=True)
        fields = []
        if alert.acknowledged_at is None:
            alert.acknowledged_at = timezone.now()
            alert.acknowledged_by = user
            fields += ["acknowledged_at", "acknowledged_by"]
        if note:
            stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            line = f"{stamp} {user.pseudonym}: {note}"
            alert.note = (alert.note + "\n" + line).strip()[-MAX_NOTE:]
            fields.append("note")
        if fields:
            alert.save(update_fields=fields)
    return alert


def purge_flags(now: datetime | None = None) -> int:
    """Delete flags raised more than CRISIS_FLAG_RETENTION_DAYS ago, with their alerts.

    A flag whose alert is still open stays until someone has acknowledged it: an alert
    must never vanish unseen. Returns the number of flags deleted."""
    days = int(settings.AUGENHOEHE.get("CRISIS_FLAG_RETENTION_DAYS", 180))
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = Flag.objects.filter(created__lt=cutoff).exclude(
        alert__isnull=False, alert__acknowledged_at__isnull=True
    )
    _total, per_model = old.delete()  # alerts go with their flag (CASCADE)
    return per_model.get(Flag._meta.label, 0)


def escalate_overdue_alerts(now: datetime | None = None) -> int:
    """Alerts nobody acknowledged within CRISIS_ESCALATE_AFTER_MINUTES go to all staff.

    Safe to run concurrently (cron and a staff page at once): each alert escalates once."""
    now = now or timezone.now()
    overdue = list(
        Alert.objects.filter(
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            created__lte=now - escalate_after(),
        ).values_list("pk", flat=True)
    )
    if not overdue:
        return 0
    escalated = 0
    everyone = staff_ids(ESCALATION_ROLES)
    for pk in overdue:
        with transaction.atomic():
            claimed = Alert.objects.filter(
                pk=pk, acknowledged_at__isnull=True, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not claimed:
                continue
            alert = Alert.objects.select_related("flag").get(pk=pk)
            _notify(alert, everyone, escalated=True)
            escalated += 1
    return escalated
