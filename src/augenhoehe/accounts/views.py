from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from augenhoehe.accounts import actions
from augenhoehe.accounts.forms import DeleteAccountForm, LoginForm, ProfileForm, RegisterForm
from augenhoehe.accounts.models import User
from augenhoehe.accounts.pseudonyms import suggest_pseudonym


def _user(request: HttpRequest) -> User:
    """The signed-in person (views using this are behind @login_required)."""
    return cast(User, request.user)


def _remember_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
    )
    return response


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None, initial={"pseudonym": suggest_pseudonym()})
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.register_user(
                pseudonym=form.cleaned_data["pseudonym"],
                password=form.cleaned_data["password"],
                perspective=form.cleaned_data["perspective"] or "unspecified",
                language=translation.get_language() or "de",
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome, %(name)s! Your account is ready.") % {"name": user.pseudonym}
            )
            return redirect("core:home")
    return render(request, "accounts/register.html", {"form": form})


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: a fresh pseudonym suggestion for the registration form's input."""
    return render(request, "accounts/_pseudonym_input.html", {"value": suggest_pseudonym()})


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        response = redirect(_safe_next(request) or "core:home")
        return _remember_language(response, cast(User, form.user).language)
    return render(request, "accounts/login.html", {"form": form})


def _safe_next(request: HttpRequest) -> str | None:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return None


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("core:home")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(
        request.POST or None,
        initial={"perspective": user.perspective, "language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        actions.update_profile(user, **form.cleaned_data)
        translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        return _remember_language(redirect("accounts:profile"), user.language)
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _user(request)
        logout(request)
        actions.delete_account(user)
        messages.info(request, _("Your account and your data have been deleted."))
        return redirect("core:home")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    data = actions.export_data(_user(request))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="augenhoehe-daten-{stamp}.json"'
    return response
