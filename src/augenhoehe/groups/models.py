"""Self-help groups: a group, who belongs to it, and what its facilitators did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    DEPRESSION = "depression", _("Depression")
    ANXIETY = "anxiety", _("Anxiety")
    PSYCHOSIS = "psychosis", _("Experience of psychosis")
    BIPOLAR = "bipolar", _("Bipolar")
    TRAUMA = "trauma", _("Trauma")
    ADDICTION = "addiction", _("Addiction")
    LONELINESS = "loneliness", _("Loneliness")
    HEARTBREAK = "heartbreak", _("Heartbreak")
    BULLYING = "bullying", _("Bullying")
    RELATIVES = "relatives", _("Relatives")
    OTHER = "other", _("Other")


class GroupLanguage(models.TextChoices):
    DE = "de", "Deutsch"
    EN = "en", "English"


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    RELATIVES = "relatives", _("Relatives")
    YOUNG = "young", _("Young people")
    TRIALOG = "trialog", _("Trialog")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: join at once")
    CLOSED = "closed", _("Closed: a facilitator approves")


class Group(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=140, unique=True)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=GroupLanguage.choices, default=GroupLanguage.DE
    )
    rules = models.TextField(_("group rules"), blank=True)
    rules_pinned = models.BooleanField(_("rules pinned above the chat"), default=False)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.EVERYONE
    )
    join_policy = models.CharField(
        _("joining"), max_length=8, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    room = models.OneToOneField(
        "chat.Room", on_delete=models.PROTECT, related_name="group", verbose_name=_("chat room")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.slug])

    @property
    def is_trialog(self) -> bool:
        return self.audience == Audience.TRIALOG

    @property
    def is_closed(self) -> bool:
        return self.join_policy == JoinPolicy.CLOSED


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Member")
    PENDING = "pending", _("Waiting for approval")
    REMOVED = "removed", _("Removed")


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    is_facilitator = models.BooleanField(_("facilitator"), default=False)
    accepted_rules_at = models.DateTimeField(_("accepted the rules at"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groups_membership_unique")
        ]
        indexes = [models.Index(fields=["user", "status"], name="groups_member_user_status")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.group} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == MembershipStatus.PENDING

    def activate(self, *, now) -> None:
        self.status = MembershipStatus.ACTIVE
        self.joined_at = now
        self.removed_by = None
        self.removed_at = None
        self.removal_reason = ""


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("approved a member")
    HIDE = "hide", _("hid a message")
    REMOVE = "remove", _("removed a member")
    PIN_RULES = "pin_rules", _("pinned the rules")
    UNPIN_RULES = "unpin_rules", _("unpinned the rules")
    MAKE_FACILITATOR = "make_facilitator", _("made a facilitator")


class ModerationRecord(models.Model):
    """Every facilitator action: who did what to whom, and when."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="moderation_records")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=ModerationAction.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    target_seq = models.BigIntegerField(_("message number"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation record")
        verbose_name_plural = _("moderation records")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.group}: {self.actor} {self.get_action_display()}"
