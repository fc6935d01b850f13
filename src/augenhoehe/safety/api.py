from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from augenhoehe.core.lib.http import ApiError
from augenhoehe.safety import actions
from augenhoehe.safety.access import is_safety_staff
from augenhoehe.safety.explain import explain_families
from augenhoehe.safety.models import Alert
from augenhoehe.safety.selectors import alerts_for_staff, crisis_resources

router = Router(tags=["safety"])


class CrisisResourceOut(Schema):
    country: str
    language: str
    name: str
    phone: str
    tel: str
    hours: str
    description: str
    web_url: str
    audience: str
    is_emergency: bool
    free_of_charge: bool
    last_checked: str


@router.get("/crisis/resources", auth=None, response=list[CrisisResourceOut])
def list_resources(request: HttpRequest, country: str | None = None):
    """Crisis lines and emergency numbers; no login needed."""
    return [
        {
            "country": r.country,
            "language": r.language,
            "name": r.name,
            "phone": r.phone,
            "tel": r.tel,
            "hours": r.hours,
            "description": r.description,
            "web_url": r.web_url,
            "audience": r.audience,
            "is_emergency": r.is_emergency,
            "free_of_charge": r.free_of_charge,
            "last_checked": r.last_checked.isoformat(),
        }
        for r in crisis_resources(country=country)
    ]


class AlertOut(Schema):
    id: int
    level: str
    context: str
    room: int | None
    seq: int | None
    author: dict | None
    rule_ids: list[str]
    reasons: list[str]
    created: str
    escalated: str | None
    acknowledged: str | None
    acknowledged_by: dict | None
    note: str
    url: str


class AcknowledgeIn(Schema):
    note: str = Field(default="", max_length=actions.MAX_NOTE)


class Detail(Schema):
    detail: str


def _person(user) -> dict | None:
    return {"id": user.pk, "pseudonym": user.pseudonym} if user else None


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def alert_data(alert: Alert) -> dict:
    flag = alert.flag
    return {
        "id": alert.pk,
        "level": flag.level,
        "context": flag.context_kind,
        "room": flag.room_id,
        "seq": flag.message_seq,
        "author": _person(flag.author),
        "rule_ids": list(flag.rule_ids),
        "reasons": explain_families(flag.families),
        "created": alert.created.isoformat(),
        "escalated": _iso(alert.escalated_at),
        "acknowledged": _iso(alert.acknowledged_at),
        "acknowledged_by": _person(alert.acknowledged_by),
        "note": alert.note,
        "url": alert.get_absolute_url(),
    }


def _require_staff(request: HttpRequest) -> None:
    if not is_safety_staff(request.auth):
        raise ApiError(404, _("Not found."))


@router.get("/safety/alerts", response={200: list[AlertOut], 404: Detail})
def list_alerts(request: HttpRequest):
    """Crisis alerts, open ones first, then newest first. Staff only (others: 404)."""
    _require_staff(request)
    actions.escalate_overdue_alerts()
    return [alert_data(a) for a in alerts_for_staff()]


@router.post("/safety/alerts/{alert_id}/acknowledge", response={200: AlertOut, 404: Detail})
def acknowledge(request: HttpRequest, alert_id: int, payload: AcknowledgeIn | None = None):
    """Acknowledge an alert, optionally with a note (again: adds the note)."""
    alert = actions.acknowledge_alert(request.auth, alert_id, note=payload.note if payload else "")
    return alert_data(alert)
