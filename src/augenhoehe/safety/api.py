from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from augenhoehe.safety.selectors import crisis_resources

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
