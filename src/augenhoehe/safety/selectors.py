from __future__ import annotations

from collections import OrderedDict

from django.db.models import Case, Value, When

from augenhoehe.core.lib.conf import site_setting
from augenhoehe.safety.models import Alert, Country, CrisisResource, Flag

HOME_COUNTRIES = ("DE", "AT", "CH")


def crisis_resources(*, country: str | None = None) -> list[CrisisResource]:
    qs = CrisisResource.objects.filter(is_active=True)
    if country:
        qs = qs.filter(country=country.upper())
    return list(qs)


def resources_by_country(*, first: str | None = None) -> OrderedDict[str, list[CrisisResource]]:
    """Active resources grouped by country, the person's own country first."""
    first = (first or site_setting("DEFAULT_COUNTRY")).upper()
    grouped: OrderedDict[str, list[CrisisResource]] = OrderedDict()
    order = [first] + [c for c in Country.values if c != first]
    all_resources = crisis_resources()
    for code in order:
        items = [r for r in all_resources if r.country == code]
        if items:
            grouped[code] = items
    return grouped


def alerts_for_staff(*, limit: int = 200) -> list[Alert]:
    """The persistent alert list: open ones first, then newest first."""
    return list(
        Alert.objects.select_related("flag", "flag__author", "acknowledged_by")
        .annotate(done=Case(When(acknowledged_at__isnull=True, then=Value(0)), default=Value(1)))
        .order_by("done", "-created", "-pk")[:limit]
    )


def open_alert_count() -> int:
    return Alert.objects.filter(acknowledged_at__isnull=True).count()


def latest_flag(*, context_kind: str, object_id: int) -> Flag | None:
    """The newest flag about an object such as a one-to-one request (flags only ever raise
    the level, so it is also the highest): what its writer's support card is about."""
    flags = Flag.objects.filter(context_kind=context_kind, object_id=object_id)
    return flags.order_by("-created", "-pk").first()
