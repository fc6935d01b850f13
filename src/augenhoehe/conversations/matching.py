"""Reads for the queue: positions, honest wait estimates, match scores and the pick.

The rule in plain words is in ``docs/matching.md``. In short: higher priority first, then
whoever has waited longest; among requests of the same priority that arrived within
``FAIR_WINDOW`` of the longest-waiting one, the best fit for this peer goes first.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from augenhoehe.accounts.models import Language
from augenhoehe.conversations.conf import service_open, setting
from augenhoehe.conversations.models import (
    Conversation,
    ConversationRequest,
    ConversationStatus,
    Gender,
    Offer,
    OfferStatus,
    PeerProfile,
    Priority,
    RequestStatus,
    RequestTopic,
    Topic,
)

FAIR_WINDOW = timedelta(minutes=10)
CANDIDATES = 100
REACTION_SECONDS = 120  # a peer needs a moment to notice and open the request
DEFAULT_DURATION = 30 * 60  # until there are enough finished conversations to measure
DURATION_SAMPLE = 50
QUEUE_ORDER = ("-priority", "created", "id")


# --- queue positions ----------------------------------------------------------------------
def waiting():
    return ConversationRequest.objects.filter(status=RequestStatus.WAITING)


def ahead_of(priority: int, created: datetime, pk: int) -> Q:
    return (
        Q(priority__gt=priority)
        | Q(priority=priority, created__lt=created)
        | Q(priority=priority, created=created, id__lt=pk)
    )


def behind(priority: int, created: datetime, pk: int) -> Q:
    return (
        Q(priority__lt=priority)
        | Q(priority=priority, created__gt=created)
        | Q(priority=priority, created=created, id__gt=pk)
    )


def position_of(request: ConversationRequest) -> int | None:
    """1 = next in line. Counts waiting requests ahead by (priority desc, created asc)."""
    if not request.is_waiting:
        return None
    return waiting().filter(ahead_of(request.priority, request.created, request.pk)).count() + 1


def positions_from(key: tuple[int, datetime, int], *, inclusive: bool, upto=None):
    """(request id, seeker id, position) for waiting requests from ``key`` on, in order:
    one count and one ordered list, however many requests moved."""
    priority, created, pk = key
    rows = waiting().filter(behind(priority, created, pk) | (Q(pk=pk) if inclusive else Q()))
    if upto is not None:
        rows = rows.filter(ahead_of(*upto) | Q(pk=upto[2]))
    rows = list(rows.order_by(*QUEUE_ORDER).values_list("pk", "seeker_id", "priority", "created"))
    if not rows:
        return []
    start = waiting().filter(ahead_of(rows[0][2], rows[0][3], rows[0][0])).count() + 1
    return [(pk, seeker, start + i) for i, (pk, seeker, _p, _c) in enumerate(rows)]


# --- the honest estimate -----------------------------------------------------------------
@dataclass(frozen=True)
class QueueStats:
    service_open: bool
    peers_available: int
    total_capacity: int
    free_slots: int
    median_seconds: float


def accepting_profiles(now: datetime | None = None):
    now = now or timezone.now()
    return PeerProfile.objects.filter(available=True, user__is_active=True).filter(
        Q(paused_until__isnull=True) | Q(paused_until__lte=now)
    )


def queue_stats(now: datetime | None = None) -> QueueStats:
    now = now or timezone.now()
    capacities = dict(accepting_profiles(now).values_list("user_id", "capacity"))
    busy = dict(
        Conversation.objects.filter(status=ConversationStatus.OPEN, peer_id__in=capacities)
        .values("peer_id")
        .annotate(n=Count("id"))
        .values_list("peer_id", "n")
    )
    free = sum(max(0, cap - busy.get(uid, 0)) for uid, cap in capacities.items())
    recent = Conversation.objects.filter(
        status=ConversationStatus.ENDED, ended_at__gte=now - timedelta(days=30)
    ).order_by("-ended_at")[:DURATION_SAMPLE]
    durations = [(c.ended_at - c.started).total_seconds() for c in recent if c.ended_at]
    median = statistics.median(durations) if len(durations) >= 5 else DEFAULT_DURATION
    return QueueStats(service_open(now), len(capacities), sum(capacities.values()), free, median)


def estimate_wait(position: int | None, stats: QueueStats) -> int | None:
    """Seconds, or None when nobody can honestly say (no peer available, outside hours).

    Free places are taken first; beyond them, peers finish about ``capacity / median``
    conversations per second between them, so place k waits ``(k - free) * median /
    capacity``. Rounded up to whole minutes: this is an estimate, not a promise.
    """
    if position is None or not stats.service_open or stats.total_capacity == 0:
        return None
    seconds: float = REACTION_SECONDS
    if position > stats.free_slots:
        seconds += (position - stats.free_slots) * stats.median_seconds / stats.total_capacity
    return int(math.ceil(seconds / 60) * 60)


# --- matching -----------------------------------------------------------------------------
@dataclass
class Match:
    score: int = 0
    reasons: list[tuple[str, str]] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [text for _code, text in self.reasons]

    def codes(self) -> list[str]:
        return [code for code, _text in self.reasons]


def profile_languages(profile: PeerProfile) -> list[str]:
    return list(profile.languages) or [profile.user.language if profile.user_id else "de"]


def match(request: ConversationRequest, profile: PeerProfile) -> Match:
    """How well a peer fits a request, and why, in words the peer reads in the waiting room."""
    result = Match()
    common = [t for t in request.topics if t in set(profile.topics)]
    if common:
        result.score += 4 if request.same_experience else 2
        names = ", ".join(str(Topic(t).label) for t in common if t in Topic.values)
        result.reasons.append(("topic", _("same topic: %(topics)s") % {"topics": names}))
    if request.language in profile_languages(profile):
        result.score += 3
        name = Language(request.language).label
        result.reasons.append(("language", _("language: %(language)s") % {"language": name}))
    if request.peer_gender and request.peer_gender == profile.gender:
        result.score += 1
        result.reasons.append(
            ("gender", _("preferred gender: %(gender)s") % {"gender": Gender(profile.gender).label})
        )
    if request.young_peer and profile.is_young_peer:
        result.score += 1
        result.reasons.append(("young", _("young peer, as wished")))
    return result


def offered_elsewhere(peer, now: datetime):
    """Auto-offer mode: requests offered right now to somebody else."""
    return Exists(
        Offer.objects.filter(
            request=OuterRef("pk"), status=OfferStatus.OPEN, expires__gt=now
        ).exclude(peer=peer)
    )


def open_to(peer, now: datetime | None = None):
    """Waiting requests this peer may take: not their own, not offered to someone else."""
    now = now or timezone.now()
    qs = waiting().exclude(seeker=peer)
    if setting("AUTO_OFFER_SECONDS"):
        qs = qs.exclude(offered_elsewhere(peer, now))
    return qs


def pick_request_for(peer, profile: PeerProfile | None = None, *, now=None):
    """The request this peer should take next, or None. Index-friendly: the top priority
    tier's oldest request anchors a window; at most ``CANDIDATES`` oldest requests in it plus
    at most ``CANDIDATES`` in it with a topic of the peer are scored in Python."""
    profile = profile or PeerProfile.objects.select_related("user").get(user=peer)
    base = open_to(peer, now)
    anchor = base.order_by(*QUEUE_ORDER).values_list("priority", "created").first()
    if anchor is None:
        return None
    priority, oldest = anchor
    window = base.filter(priority=priority, created__lte=oldest + FAIR_WINDOW)
    candidates = {r.pk: r for r in window.order_by("created", "id")[:CANDIDATES]}
    if profile.topics:
        fitting = list(
            RequestTopic.objects.filter(
                topic__in=profile.topics, priority=priority, created__lte=oldest + FAIR_WINDOW
            )
            .order_by("created")
            .values_list("request_id", flat=True)[:CANDIDATES]
        )
        missing = [pk for pk in fitting if pk not in candidates]
        candidates.update({r.pk: r for r in window.filter(pk__in=missing)})
    if not candidates:
        return None
    return max(candidates.values(), key=lambda r: (match(r, profile).score, _age(r)))


def _age(request: ConversationRequest) -> tuple:
    return (-request.created.timestamp(), -request.pk)


def queue_for(peer, profile: PeerProfile, *, limit: int = 50):
    """The waiting room: requests in queue order, each with its match for this peer."""
    rows = list(open_to(peer).order_by(*QUEUE_ORDER)[:limit])
    return [(request, match(request, profile)) for request in rows]


def priority_label(priority: int) -> str:
    return str(Priority(priority).label)
