from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from augenhoehe.accounts.actions import update_profile


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    days = settings.AUGENHOEHE["CRISIS_FLAG_RETENTION_DAYS"]
    return render(request, "core/privacy.html", {"flag_retention_days": days})


@require_GET
def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "core/imprint.html", {"imprint": settings.AUGENHOEHE["IMPRINT"]})


@require_GET
def neutral(request: HttpRequest) -> HttpResponse:
    """The quick-exit target: an ordinary recipe page that reveals nothing about this site."""
    response = render(request, "core/neutral.html")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
        if request.user.is_authenticated:
            update_profile(request.user, language=language)  # type: ignore[arg-type]
    return response
