from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    config = settings.AUGENHOEHE
    return {
        "site_name": config["SITE_NAME"],
        "organisation_name": config["ORGANISATION_NAME"],
        "quick_exit_url": config["QUICK_EXIT_URL"],
    }
