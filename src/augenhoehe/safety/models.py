from __future__ import annotations

from django.db import models
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
