"""One-to-one peer conversations: a request waits in a fair queue until a peer accepts it.

The conversation itself is a chat ``Room`` of kind ``conversation`` (same protocol and
delivery guarantees as groups); this app only decides who may be in it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from augenhoehe.accounts.models import Language
from augenhoehe.chat.models import Room
from augenhoehe.groups.models import Topic  # one topic list for groups and conversations

MAX_TEXT = 1000


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    DIVERSE = "diverse", _("Non-binary / diverse")


class Priority(models.IntegerChoices):
    NONE = 0, _("Normal")
    CONCERN = 1, _("Concern")
    HIGH = 2, _("High")


class PeerProfile(models.Model):
    """What a peer supporter offers, and whether they can take a conversation now."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_profile"
    )
    topics = models.JSONField(_("topics of lived experience"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    is_young_peer = models.BooleanField(_("young peer"), default=False)
    about = models.CharField(_("about me"), max_length=500, blank=True)
    capacity = models.PositiveSmallIntegerField(_("conversations at once"), default=2)
    available = models.BooleanField(_("available"), default=False)
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("peer profile")
        verbose_name_plural = _("peer profiles")
        indexes = [models.Index(fields=["available"], name="conv_peer_available")]

    def __str__(self) -> str:
        return str(self.user)

    def is_accepting(self, now=None) -> bool:
        now = now or timezone.now()
        return self.available and (self.paused_until is None or self.paused_until <= now)


class RequestStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Withdrawn")


class ConversationRequest(models.Model):
    """A seeker's short request. Only ``topics`` is required; preferences are wishes."""

    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_requests"
    )
    topics = models.JSONField(_("topics"), default=list)
    text = models.TextField(_("a few words"), max_length=MAX_TEXT, blank=True)
    # Preferences: never mandatory, they only change the order among equals.
    same_experience = models.BooleanField(_("a peer who has been through the same"), default=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.DE
    )
    peer_gender = models.CharField(
        _("preferred gender of the peer"), max_length=10, choices=Gender.choices, blank=True
    )
    young_peer = models.BooleanField(_("a young peer"), default=False)
    share_text = models.BooleanField(_("peers may read my words before accepting"), default=False)

    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NONE)
    priority_reason_rules = models.JSONField(default=list, blank=True)
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_requests",
    )
    created = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation request")
        verbose_name_plural = _("conversation requests")
        indexes = [
            # The queue: waiting requests by priority (desc) and age (asc).
            models.Index(fields=["status", "-priority", "created", "id"], name="conv_req_queue"),
        ]

    def __str__(self) -> str:
        return f"request #{self.pk} ({self.status})"

    @property
    def is_waiting(self) -> bool:
        return self.status == RequestStatus.WAITING

    def topic_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.topics if t in Topic.values]

    def sort_key_tuple(self) -> tuple:
        """Where this request stands: (priority, created, id); see matching.ahead_of."""
        return (self.priority, self.created, self.pk)


class RequestTopic(models.Model):
    """One row per topic of a *waiting* request (removed when it leaves the queue), so the
    topics of a peer's lived experience can find fitting requests through an index."""

    request = models.ForeignKey(
        ConversationRequest, on_delete=models.CASCADE, related_name="topic_rows"
    )
    topic = models.CharField(max_length=20, choices=Topic.choices)
    priority = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["topic", "priority", "created"], name="conv_reqtopic"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["request", "topic"], name="conv_reqtopic_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.topic}"


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ENDED = "ended", _("Ended")


class Conversation(models.Model):
    """An accepted request: the seeker and the current peer (or on-duty professional)."""

    request = models.OneToOneField(
        ConversationRequest, on_delete=models.CASCADE, related_name="conversation"
    )
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    room = models.OneToOneField(Room, on_delete=models.PROTECT, related_name="conversation")
    status = models.CharField(
        max_length=8, choices=ConversationStatus.choices, default=ConversationStatus.OPEN
    )
    started = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["peer", "status"], name="conv_peer_status"),
            models.Index(fields=["status", "ended_at"], name="conv_status_ended"),
        ]

    def __str__(self) -> str:
        return f"conversation #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == ConversationStatus.OPEN

    def participant_ids(self) -> list[int]:
        return [i for i in (self.seeker_id, self.peer_id, self.professional_id) if i]

    @property
    def helper_pk(self) -> int | None:
        """The one who supports the seeker now: the on-duty professional, else the peer."""
        return self.professional_id or self.peer_id


class Feedback(models.Model):
    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="feedback"
    )
    understood = models.PositiveSmallIntegerField(_("I felt understood"))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.understood}"


class Handover(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="handovers"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    to_on_duty = models.BooleanField(default=False)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.from_user_id} -> {self.to_user_id}"


class DebriefNote(models.Model):
    """A peer's private reflection after a conversation, for supervision (Intervision)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="debrief_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("note"), max_length=4000)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("debrief note")
        verbose_name_plural = _("debrief notes")

    def __str__(self) -> str:
        return f"debrief #{self.pk}"


class OnDuty(models.Model):
    """A professional on duty: handovers "to on duty" go to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("on duty")
        verbose_name_plural = _("on duty")

    def __str__(self) -> str:
        return f"{self.user_id} since {self.since:%Y-%m-%d %H:%M}"


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    PASSED = "passed", _("Passed on")


class Offer(models.Model):
    """Auto-offer mode: one peer has a request offered to them until ``expires``."""

    request = models.ForeignKey(
        ConversationRequest, on_delete=models.CASCADE, related_name="offers"
    )
    peer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status", "expires"], name="conv_offer_open")]

    def __str__(self) -> str:
        return f"offer {self.request_id} -> {self.peer_id}"
