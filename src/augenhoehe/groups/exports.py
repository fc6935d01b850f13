from __future__ import annotations

from augenhoehe.groups.models import Membership


def export_memberships(user) -> list[dict]:
    """A person's own memberships; removals keep the reason, as it was recorded about them."""
    return [
        {
            "group": m.group.name,
            "group_id": m.group_id,
            "status": m.status,
            "is_facilitator": m.is_facilitator,
            "accepted_rules_at": m.accepted_rules_at.isoformat() if m.accepted_rules_at else None,
            "joined_at": m.joined_at.isoformat() if m.joined_at else None,
            "removed_at": m.removed_at.isoformat() if m.removed_at else None,
            "removal_reason": m.removal_reason,
        }
        for m in Membership.objects.select_related("group").filter(user=user).order_by("pk")
    ]
