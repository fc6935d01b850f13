"""Auto-offer mode (``CONVERSATION_AUTO_OFFER_SECONDS`` > 0): instead of everybody picking
from the open queue, the best-fitting available peer gets a request offered for N seconds;
then it passes to the next. ``advance_offers`` runs on reads and from
``augenhoehe advance-offers --loop``.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Count

from augenhoehe.chat.actions import notify_user
from augenhoehe.conversations import matching
from augenhoehe.conversations.models import (
    Conversation,
    ConversationStatus,
    Offer,
    OfferStatus,
)

BATCH = 100


def make_offers(*, now, seconds: int) -> int:
    made = 0
    with transaction.atomic():
        Offer.objects.filter(status=OfferStatus.OPEN, expires__lte=now).update(
            status=OfferStatus.PASSED
        )
        profiles = list(matching.accepting_profiles(now).select_related("user"))
        if not profiles:
            return 0
        busy = dict(
            Conversation.objects.filter(status=ConversationStatus.OPEN)
            .values("peer_id")
            .annotate(n=Count("id"))
            .values_list("peer_id", "n")
        )
        holding = set(
            Offer.objects.filter(status=OfferStatus.OPEN).values_list("peer_id", flat=True)
        )
        requests = list(
            matching.waiting()
            .exclude(offers__status=OfferStatus.OPEN)
            .order_by(*matching.QUEUE_ORDER)[:BATCH]
        )
        for request in requests:
            tried = set(request.offers.values_list("peer_id", flat=True))
            free = [
                p
                for p in profiles
                if p.user_id not in holding | tried
                and p.user_id != request.seeker_id
                and busy.get(p.user_id, 0) < p.capacity
            ]
            if not free:
                continue
            best = max(
                free,
                key=lambda p: (
                    matching.match(request, p).score,
                    -busy.get(p.user_id, 0),
                    -p.user_id,
                ),
            )
            expires = now + timedelta(seconds=seconds)
            Offer.objects.create(request=request, peer=best.user, created=now, expires=expires)
            holding.add(best.user_id)
            notify_user(
                best.user_id,
                {
                    "type": "conversation_offer",
                    "request": request.pk,
                    "expires": expires.isoformat(),
                },
            )
            made += 1
    return made
