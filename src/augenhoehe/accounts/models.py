from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Perspective(models.TextChoices):
    AFFECTED = "affected", _("Person with lived experience")
    RELATIVE = "relative", _("Relative")
    UNSPECIFIED = "unspecified", _("Prefer not to say")


class Role(models.TextChoices):
    PEER = "peer", _("Peer supporter")
    PROFESSIONAL = "professional", _("Professional")
    MODERATOR = "moderator", _("Moderator")
    ORGADMIN = "orgadmin", _("Organisation admin")


class Language(models.TextChoices):
    DE = "de", "Deutsch"
    EN = "en", "English"


class UserManager(DjangoUserManager):
    def get_by_natural_key(self, username):  # type: ignore[override]
        # Pseudonyms are unique case-insensitively, so log-in is case-insensitive too.
        return self.get(pseudonym__iexact=username)

    def create_user(self, pseudonym, password=None, **extra_fields):  # type: ignore[override]
        user = self.model(pseudonym=pseudonym, **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, pseudonym, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(pseudonym, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A pseudonymous account: no e-mail, no phone number, no real name."""

    pseudonym = models.CharField(_("pseudonym"), max_length=30)
    perspective = models.CharField(
        _("perspective"),
        max_length=16,
        choices=Perspective.choices,
        default=Perspective.UNSPECIFIED,
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.DE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()  # type: ignore[misc]

    USERNAME_FIELD = "pseudonym"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                Lower("pseudonym"),
                name="accounts_user_pseudonym_ci_unique",
                violation_error_message=_("This pseudonym is already taken."),
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym

    def get_username(self) -> str:
        return self.pseudonym

    @property
    def role_names(self) -> set[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = set(self.role_grants.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    @property
    def is_peer(self) -> bool:
        return self.has_role(Role.PEER)

    @property
    def is_professional(self) -> bool:
        return self.has_role(Role.PROFESSIONAL)

    @property
    def is_moderator(self) -> bool:
        return self.has_role(Role.MODERATOR) or self.has_role(Role.ORGADMIN)

    @property
    def trialog_perspective(self) -> str:
        """The label shown in Trialog spaces: professionals speak as professionals."""
        if self.is_professional:
            return "professional"
        return self.perspective


class RoleGrant(models.Model):
    """A role that needs trust, granted by an administrator (never self-chosen)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="accounts_rolegrant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class PeerCertificate(models.Model):
    """A verified EX-IN (Experienced Involvement) certificate: who checked it, and when."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_certificate"
    )
    title = models.CharField(_("certificate"), max_length=200, default="EX-IN")
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)

    class Meta:
        verbose_name = _("EX-IN certificate")
        verbose_name_plural = _("EX-IN certificates")

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"


class ApiToken(models.Model):
    """A bearer token for API and WebSocket clients; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.created:%Y-%m-%d})"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
