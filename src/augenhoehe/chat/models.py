from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_BODY = 4000


class Room(models.Model):
    """A chat room: the messages of one group or one one-to-one conversation.

    ``kind`` names the app that owns the room; that app registers the access policy
    (see ``augenhoehe.chat.access``). ``last_seq`` is the highest sequence number handed out.
    """

    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=200, blank=True)
    last_seq = models.BigIntegerField(default=0)
    # Counts edits, deletions and hides, so a client that was away can catch up on them.
    last_change = models.BigIntegerField(default=0, db_default=0)
    label_perspectives = models.BooleanField(
        _("show perspectives"),
        default=False,
        help_text=_("Trialog: every message shows the writer's perspective."),
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chat room")
        verbose_name_plural = _("chat rooms")

    def __str__(self) -> str:
        return self.title or f"{self.kind} #{self.pk}"


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.BigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set by the sender so that a retried send never stores a second copy.
    client_id = models.CharField(max_length=64)
    body = models.TextField(max_length=MAX_BODY)
    created = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    # The room's change counter at this message's last edit, deletion or hide (0: never).
    change_no = models.BigIntegerField(default=0, db_default=0)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="chat_message_room_seq"),
            models.UniqueConstraint(
                fields=["room", "author", "client_id"], name="chat_message_client_id"
            ),
        ]
        indexes = [
            models.Index(
                fields=["room", "change_no"],
                name="chat_message_changes",
                condition=models.Q(change_no__gt=0),
            )
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ReadMarker(models.Model):
    """How far a person has read in a room; unread = room.last_seq - last_read_seq."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="chat_readmarker_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.room_id}:{self.last_read_seq}"
