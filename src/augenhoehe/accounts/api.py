from __future__ import annotations

from django.contrib.auth import authenticate, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from augenhoehe.accounts import actions
from augenhoehe.accounts.models import Language, Perspective, User
from augenhoehe.accounts.pseudonyms import suggest_pseudonym
from augenhoehe.core.lib.http import ApiError, validation_error_dict

router = Router(tags=["accounts"])


class RegisterIn(Schema):
    pseudonym: str = Field(max_length=200)
    password: str = Field(max_length=1000)
    perspective: Perspective = Perspective.UNSPECIFIED
    language: Language = Language.DE


class LoginIn(Schema):
    pseudonym: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class UserOut(Schema):
    id: int
    pseudonym: str
    perspective: str
    language: str
    roles: list[str]
    joined: str


class AuthOut(Schema):
    user: UserOut
    token: str


class Detail(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class MeIn(Schema):
    language: Language | None = None
    perspective: Perspective | None = None


class SuggestionOut(Schema):
    pseudonym: str


def user_out(user: User) -> dict:
    return {
        "id": user.pk,
        "pseudonym": user.pseudonym,
        "perspective": user.perspective,
        "language": user.language,
        "roles": sorted(user.role_names),
        "joined": user.date_joined.isoformat(),
    }


@router.post("/auth/register", auth=None, response={201: AuthOut, 409: Detail, 422: Detail})
def register(request: HttpRequest, payload: RegisterIn):
    """Create an account from a pseudonym and a password only."""
    try:
        user = actions.register_user(
            pseudonym=payload.pseudonym,
            password=payload.password,
            perspective=payload.perspective,
            language=payload.language,
        )
    except actions.PseudonymTaken as exc:
        raise ApiError(
            409, _("This pseudonym is already taken."), validation_error_dict(exc)
        ) from None
    except ValidationError as exc:
        raise ApiError(422, _("Please check your input."), validation_error_dict(exc)) from None
    return 201, {"user": user_out(user), "token": actions.issue_token(user)}


@router.post("/auth/login", auth=None, response={200: AuthOut, 401: Detail, 429: Detail})
def login(request: HttpRequest, payload: LoginIn):
    """Exchange pseudonym and password for a bearer token. Repeated failures lock the account."""
    user = authenticate(request, pseudonym=payload.pseudonym.strip(), password=payload.password)
    if user is None:
        # A locked account is answered with 429 by the axes middleware.
        raise ApiError(401, _("Pseudonym or password is not correct."))
    return {"user": user_out(user), "token": actions.log_in_with_token(request, user)}


@router.post("/auth/logout", response={204: None})
def logout_view(request: HttpRequest):
    token = getattr(request, "auth_token", None)
    if token:
        actions.revoke_token(token)
    else:
        logout(request)
    return 204, None


@router.get("/me", response=UserOut)
def me(request: HttpRequest):
    return user_out(request.auth)


@router.patch("/me", response={200: UserOut, 422: Detail})
def update_me(request: HttpRequest, payload: MeIn):
    user = actions.update_profile(
        request.auth, language=payload.language, perspective=payload.perspective
    )
    return user_out(user)


@router.delete("/me", response={204: None})
def delete_me(request: HttpRequest):
    actions.delete_account(request.auth)
    return 204, None


@router.get("/me/export")
def export_me(request: HttpRequest):
    return actions.export_data(request.auth)


@router.get("/auth/suggest-pseudonym", auth=None, response=SuggestionOut)
def suggest(request: HttpRequest):
    return {"pseudonym": suggest_pseudonym()}
