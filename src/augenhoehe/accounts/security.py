"""Login lockout hooks for django-axes: keyed by account, never by IP address."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext


def no_client_ip(request: HttpRequest) -> None:
    """Axes asks for the client's IP address; we deliberately store none."""
    return None


def normalise_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """Lock the account whatever the capitalisation, as pseudonyms are case-insensitive."""
    if not credentials:
        return None
    raw = credentials.get("pseudonym") or credentials.get("username")
    return raw.strip().casefold() if isinstance(raw, str) else None


def cooloff() -> timedelta:
    return timedelta(hours=settings.AXES_COOLOFF_TIME)


def retry_after_seconds(username: str | None) -> int:
    from axes.models import AccessAttempt

    if not username:
        return int(cooloff().total_seconds())
    attempt = AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first()
    if attempt is None:
        return int(cooloff().total_seconds())
    remaining = attempt.attempt_time + cooloff() - timezone.now()
    return max(1, math.ceil(remaining.total_seconds()))


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed attempts. For your safety this account is locked. "
        "Please try again in %(minutes)d minute.",
        "Too many failed attempts. For your safety this account is locked. "
        "Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    seconds = retry_after_seconds(normalise_username(request, credentials))
    message = lockout_message(seconds)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": message, "retry_after": seconds}, status=429
        )
    else:
        response = render(
            request, "accounts/locked.html", {"message": message, "seconds": seconds}, status=429
        )
    response["Retry-After"] = str(seconds)
    return response
