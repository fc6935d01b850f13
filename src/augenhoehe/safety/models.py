from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    DE = "DE", _("Germany")
    AT = "AT", _("Austria")
    CH = "CH", _("Switzerland")
    GB = "GB", _("United Kingdom")
    US = "US", _("United States")
    INT = "INT", _("International")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    YOUNG = "young", _("Children and young people")
    RELATIVES = "relatives", _("Relatives")


class CrisisResource(models.Model):
    """A crisis line or emergency number. Admins edit these; the crisis page and card read them."""

    country = models.CharField(_("country"), max_length=3, choices=Country.choices)
    language = models.CharField(
        _("language"), max_length=5, default="de", help_text=_("Language of the service.")
    )
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone number"), max_length=40, help_text=_("As shown."))
    hours = models.CharField(_("hours"), max_length=120, default="24/7")
    description = models.CharField(_("description"), max_length=300, blank=True)
    web_url = models.URLField(_("web link"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.EVERYONE
    )
    is_emergency = models.BooleanField(
        _("emergency number"), default=False, help_text=_("Police, ambulance: shown first.")
    )
    free_of_charge = models.BooleanField(_("free of charge"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    last_checked = models.DateField(_("last checked"), default=timezone.localdate)

    class Meta:
        verbose_name = _("crisis resource")
        verbose_name_plural = _("crisis resources")
        ordering = ["country", "-is_emergency", "order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country}) {self.phone}"

    @property
    def tel(self) -> str:
        """The number for a tel: link: digits and a leading plus only."""
        raw = self.phone.strip()
        digits = "".join(ch for ch in raw if ch.isdigit())
        return ("+" + digits) if raw.startswith("+") else digits


class Level(models.TextChoices):
    """The detector's levels (``augenhoehe.safety.detector.Level``); ``none`` is never stored."""

    CONCERN = "concern", _("concern")
    HIGH = "high", _("high")


CONTEXT_LABELS = {
    "group": _("Group"),
    "conversation": _("One-to-one conversation"),
    "request": _("Request for a conversation"),
}


class Flag(models.Model):
    """The safety net noticed signs of a crisis in something a person wrote.

    Deliberately no text: only the level, the rule ids, the time and where (room id and
    message sequence number, or a conversation request). See docs/crisis-safety.md.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("written by"),
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    rule_ids = models.JSONField(_("rules"), default=list)
    # Where: the kind of the chat room ("group", "conversation") or "request". Plain ids,
    # not foreign keys: safety sits below chat and the apps that own rooms.
    context_kind = models.CharField(_("context"), max_length=32)
    room_id = models.BigIntegerField(_("room"), null=True, blank=True)
    message_seq = models.BigIntegerField(_("message number"), null=True, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("safety-net flag")
        verbose_name_plural = _("safety-net flags")
        indexes = [models.Index(fields=["author", "-created"], name="safety_flag_author")]

    def __str__(self) -> str:
        return f"flag #{self.pk} ({self.level})"

    @property
    def context_label(self) -> str:
        return str(CONTEXT_LABELS.get(self.context_kind, self.context_kind))

    @property
    def families(self) -> list[str]:
        """Rule families without language prefix: 'de.plan.time_named' -> 'plan'."""
        found: list[str] = []
        for rule_id in self.rule_ids:
            parts = str(rule_id).split(".")
            if parts[0] == "model":  # the second opinion ('model.use_e5', earlier 'model.use_v3')
                family = "model"
            elif len(parts) >= 2 and parts[0] != "mod":
                family = parts[1]
            else:
                continue
            if family not in found:
                found.append(family)
        return found


class Alert(models.Model):
    """A high flag in a group or conversation: staff must look at it. Persistent, so that
    no alert is lost when the live notification cannot be delivered."""

    flag = models.OneToOneField(Flag, on_delete=models.CASCADE, related_name="alert")
    created = models.DateTimeField(_("raised"), default=timezone.now)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("crisis alert")
        verbose_name_plural = _("crisis alerts")
        indexes = [
            models.Index(fields=["acknowledged_at", "-created"], name="safety_alert_open"),
        ]

    def __str__(self) -> str:
        return f"alert #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("safety:alert", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
