from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from augenhoehe.safety.models import Country
from augenhoehe.safety.selectors import resources_by_country


@require_GET
def crisis_page(request: HttpRequest) -> HttpResponse:
    country = request.GET.get("country", "").upper()
    if country not in Country.values:
        country = ""
    grouped = resources_by_country(first=country or None)
    sections = [(code, Country(code).label, items) for code, items in grouped.items()]
    return render(request, "safety/crisis.html", {"sections": sections})
