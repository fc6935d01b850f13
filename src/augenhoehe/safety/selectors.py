from __future__ import annotations

from collections import OrderedDict

from django.conf import settings

from augenhoehe.safety.models import Country, CrisisResource

HOME_COUNTRIES = ("DE", "AT", "CH")


def crisis_resources(*, country: str | None = None) -> list[CrisisResource]:
    qs = CrisisResource.objects.filter(is_active=True)
    if country:
        qs = qs.filter(country=country.upper())
    return list(qs)


def resources_by_country(*, first: str | None = None) -> OrderedDict[str, list[CrisisResource]]:
    """Active resources grouped by country, the person's own country first."""
    first = (first or settings.AUGENHOEHE["DEFAULT_COUNTRY"]).upper()
    grouped: OrderedDict[str, list[CrisisResource]] = OrderedDict()
    order = [first] + [c for c in Country.values if c != first]
    all_resources = crisis_resources()
    for code in order:
        items = [r for r in all_resources if r.country == code]
        if items:
            grouped[code] = items
    return grouped
