"""The gates of the safety net. Missing and forbidden look the same (404).

- ``access_alert``: professionals, moderators and organisation admins only.
- ``access_flag``: only the person who wrote the flagged text (the "why am I seeing
  this?" page); staff see flags only through alerts.
"""

from __future__ import annotations

from django.http import Http404

from augenhoehe.accounts.models import Role
from augenhoehe.safety.models import Alert, Flag

STAFF_ROLES = (Role.PROFESSIONAL, Role.MODERATOR, Role.ORGADMIN)


class AlertNotFound(Http404):
    pass


class FlagNotFound(Http404):
    pass


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_safety_staff(user) -> bool:
    if not _signed_in(user):
        return False
    return any(user.has_role(role) for role in STAFF_ROLES)


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise AlertNotFound from None


def require_safety_staff(user) -> None:
    if not is_safety_staff(user):
        raise AlertNotFound


def access_alert(user, alert_id, *, for_update: bool = False) -> Alert:
    require_safety_staff(user)
    qs = Alert.objects.select_related("flag", "flag__author", "acknowledged_by")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    alert = qs.filter(pk=_pk(alert_id)).first()
    if alert is None:
        raise AlertNotFound
    return alert


def access_flag(user, flag_id) -> Flag:
    if not _signed_in(user):
        raise FlagNotFound
    try:
        pk = int(flag_id)
    except (TypeError, ValueError):
        raise FlagNotFound from None
    flag = Flag.objects.filter(pk=pk, author=user).first()
    if flag is None:
        raise FlagNotFound
    return flag
