"""Writes on accounts. Views, the API, the admin and management commands call these."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from augenhoehe.accounts.models import (
    ApiToken,
    Language,
    PeerCertificate,
    Perspective,
    Role,
    RoleGrant,
    User,
)
from augenhoehe.accounts.validators import validate_pseudonym


class PseudonymTaken(ValidationError):
    pass


def pseudonym_taken(pseudonym: str) -> bool:
    return User.objects.filter(pseudonym__iexact=pseudonym.strip()).exists()


def register_user(
    *,
    pseudonym: str,
    password: str,
    perspective: str = Perspective.UNSPECIFIED,
    language: str = Language.DE,
) -> User:
    """Create an account from a pseudonym and a password; nothing else is asked for."""
    pseudonym = pseudonym.strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_pseudonym(pseudonym)
    except ValidationError as exc:
        errors["pseudonym"] = exc.messages
    if perspective not in Perspective.values:
        errors["perspective"] = [_("Please choose one of the offered perspectives.")]
    if language not in Language.values:
        errors["language"] = [_("Please choose German or English.")]
    candidate = User(pseudonym=pseudonym, perspective=perspective, language=language)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    if pseudonym_taken(pseudonym):
        raise PseudonymTaken({"pseudonym": [_("This pseudonym is already taken.")]})
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        # Two registrations raced for the same pseudonym; the constraint decided.
        raise PseudonymTaken({"pseudonym": [_("This pseudonym is already taken.")]}) from None
    return candidate


def issue_token(user: User) -> str:
    raw = "ah_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw))
    return raw


def log_in_with_token(request: HttpRequest, user: User) -> str:
    """An API log-in: what ``django.contrib.auth.login`` does for a session, then a token.

    The ``user_logged_in`` signal updates ``last_login`` and lets django-axes reset the
    account's failure count, as after a log-in in the browser.
    """
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return issue_token(user)


def user_for_token(raw: str) -> User | None:
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or (now - token.last_used).total_seconds() > 300:
        token.last_used = now
        token.save(update_fields=["last_used"])
    return token.user


def revoke_token(raw: str) -> None:
    ApiToken.objects.filter(digest=ApiToken.digest_of(raw)).delete()


def update_profile(user: User, *, language: str | None = None, perspective: str | None = None):
    fields = []
    if language is not None:
        if language not in Language.values:
            raise ValidationError({"language": [_("Please choose German or English.")]})
        user.language = language
        fields.append("language")
    if perspective is not None:
        if perspective not in Perspective.values:
            raise ValidationError(
                {"perspective": [_("Please choose one of the offered perspectives.")]}
            )
        user.perspective = perspective
        fields.append("perspective")
    if fields:
        user.save(update_fields=fields)
    return user


def grant_role(user: User, role: str, *, granted_by: User | None = None) -> RoleGrant:
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role %(role)s. Known roles: %(roles)s")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    with transaction.atomic():
        grant, _created = RoleGrant.objects.get_or_create(
            user=user, role=role, defaults={"granted_by": granted_by}
        )
        if role == Role.ORGADMIN and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            _add_to_orgadmin_group(user)
    user.__dict__.pop("_role_cache", None)
    return grant


def revoke_role(user: User, role: str) -> None:
    with transaction.atomic():
        RoleGrant.objects.filter(user=user, role=role).delete()
        if role == Role.ORGADMIN and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
            user.groups.filter(name=ORGADMIN_GROUP).delete()
    user.__dict__.pop("_role_cache", None)


ORGADMIN_GROUP = "Organisation admins"


def _add_to_orgadmin_group(user: User) -> None:
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=ORGADMIN_GROUP)
    if created or not group.permissions.exists():
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=[
                    "accounts",
                    "safety",
                    "chat",
                    "groups",
                    "conversations",
                    "moderation",
                ]
            ).exclude(codename__in=["delete_user"])
        )
    user.groups.add(group)


def verify_peer_certificate(
    user: User, *, verified_by: User | None, title: str = "EX-IN", issuer: str = ""
) -> PeerCertificate:
    cert, _created = PeerCertificate.objects.update_or_create(
        user=user,
        defaults={
            "title": title,
            "issuer": issuer,
            "verified_by": verified_by,
            "verified_at": timezone.now(),
        },
    )
    return cert


def delete_account(user: User) -> None:
    """Delete the account and everything that belongs only to it (cascades)."""
    from augenhoehe.core.lib.export import run_deletion_hooks

    with transaction.atomic():
        run_deletion_hooks(user)
        user.delete()


def export_data(user: User) -> dict[str, Any]:
    """Everything we hold about this person, as JSON-serialisable data (GDPR Art. 15/20)."""
    from augenhoehe.core.lib.export import collect_exports

    data: dict[str, Any] = {
        "account": {
            "pseudonym": user.pseudonym,
            "perspective": user.perspective,
            "language": user.language,
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.role_names),
        },
        "api_tokens": [
            {"created": t.created.isoformat(), "last_used": t.last_used and t.last_used.isoformat()}
            for t in user.api_tokens.all()
        ],
    }
    data.update(collect_exports(user))
    data["exported_at"] = timezone.now().isoformat()
    return data
