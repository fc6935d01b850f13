from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from augenhoehe.safety import actions, registry
from augenhoehe.safety.access import access_alert, access_flag, require_safety_staff
from augenhoehe.safety.explain import explain_families
from augenhoehe.safety.forms import AcknowledgeForm
from augenhoehe.safety.models import Country
from augenhoehe.safety.screening import card_resources
from augenhoehe.safety.selectors import alerts_for_staff, resources_by_country


@require_GET
def crisis_page(request: HttpRequest) -> HttpResponse:
    country = request.GET.get("country", "").upper()
    if country not in Country.values:
        country = ""
    grouped = resources_by_country(first=country or None)
    sections = [(code, Country(code).label, items) for code, items in grouped.items()]
    return render(request, "safety/crisis.html", {"sections": sections})


@login_required
@require_GET
def why(request: HttpRequest, flag_id: int) -> HttpResponse:
    """ "Why am I seeing this?": which kinds of words were noticed, in plain words."""
    flag = access_flag(request.user, flag_id)
    context = {
        "flag": flag,
        "reasons": explain_families(flag.families),
        "resources": card_resources(),
        "talk_now": registry.talk_now_handler() is not None,
    }
    return render(request, "safety/why.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def talk_now(request: HttpRequest) -> HttpResponse:
    """One button: a one-to-one request at the highest priority (the conversations app)."""
    handler = registry.talk_now_handler()
    if handler is None:
        return redirect("safety:crisis")
    if request.method == "POST":
        return redirect(handler(request.user))
    return render(request, "safety/talk_now.html", {"resources": card_resources()})


# --- staff ------------------------------------------------------------------------------
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    require_safety_staff(request.user)
    actions.escalate_overdue_alerts()  # lazily, in case the timer is not set up
    return render(request, "safety/alerts.html", {"alerts": alerts_for_staff()})


@require_http_methods(["GET", "POST"])
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = access_alert(request.user, alert_id)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.acknowledge_alert(request.user, alert.pk, note=form.cleaned_data["note"])
        return redirect(alert)
    context = {
        "alert": alert,
        "form": form,
        "reasons": explain_families(alert.flag.families),
        "context_url": registry.context_url(alert.flag),
    }
    return render(request, "safety/alert_detail.html", context, status=422 if form.errors else 200)
