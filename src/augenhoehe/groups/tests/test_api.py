"""The groups API: listing, joining, leaving, members, facilitator tools, and who cannot."""

from __future__ import annotations

import pytest

from augenhoehe.groups import actions
from augenhoehe.groups.models import Membership, ModerationRecord

pytestmark = pytest.mark.django_db


def test_list_shape_and_member_fields(cast, group):
    """Each group shows counts; members also see the room id and their unread count."""
    api = cast.api("mira")
    cast.api("helga").post(f"rooms/{group.room_id}/messages", {"body": "Hallo", "client_id": "c1"})
    [item] = api.get("groups").json()
    assert item == {
        "id": group.pk,
        "name": "Abendrunde",
        "slug": group.slug,
        "topic": "depression",
        "language": "de",
        "audience": "everyone",
        "join_policy": "open",
        "member_count": 5,
        "room": group.room_id,
        "is_member": True,
        "membership": "active",
        "unread": 1,
    }
    [other] = cast.api("outsider").get("groups").json()
    assert other["is_member"] is False and other["room"] is None and other["unread"] is None


def test_list_filters(cast):
    actions.create_group(name="Angst & Panik", topic="anxiety")
    actions.create_group(name="Anxiety circle", topic="anxiety", language="en")
    actions.create_group(name="Für Angehörige", topic="relatives", audience="relatives")
    api = cast.api("mira")

    def names(**params):
        return sorted(g["name"] for g in api.get("groups", params).json())

    assert names(topic="anxiety") == ["Angst & Panik", "Anxiety circle"]
    assert names(topic="anxiety", language="en") == ["Anxiety circle"]
    assert names(audience="relatives") == ["Für Angehörige"]
    assert names(q="panik") == ["Angst & Panik"]
    assert len(names()) == 3


def test_list_needs_authentication(anon_api):
    assert anon_api.get("groups").status_code == 401


def test_detail_and_missing_group(cast, group):
    data = cast.api("outsider").get(f"groups/{group.pk}").json()
    assert data["rules"] == "Respekt." and data["is_member"] is False
    assert cast.api("peer").get(f"groups/{group.pk}").json()["is_facilitator"] is True
    response = cast.api("mira").get("groups/99999")
    assert response.status_code == 404 and set(response.json()) == {"detail"}


@pytest.mark.parametrize("payload", [{}, {"accept_rules": False}, {"accept_rules": None}])
def test_join_requires_accepting_the_rules(cast, group, payload):
    response = cast.api("outsider").post(f"groups/{group.pk}/join", payload)
    assert response.status_code == 422
    assert "accept_rules" in response.json()["errors"]
    assert not Membership.objects.filter(user=cast.outsider).exists()


def test_join_open_group_at_once(cast, group):
    api = cast.api("outsider")
    response = api.post(f"groups/{group.pk}/join", {"accept_rules": True})
    assert response.status_code == 200
    assert response.json() == {"group": group.pk, "status": "active", "is_facilitator": False}
    assert api.post(f"groups/{group.pk}/join", {"accept_rules": True}).status_code == 200
    assert api.get(f"rooms/{group.room_id}/messages").status_code == 200


def test_closed_group_pending_then_approved(cast):
    closed = actions.create_group(
        name="Bipolar", topic="bipolar", join_policy="closed", created_by=cast.peer
    )
    api = cast.api("mira")
    response = api.post(f"groups/{closed.pk}/join", {"accept_rules": True})
    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert api.get(f"rooms/{closed.room_id}/messages").status_code == 404
    assert api.get(f"groups/{closed.pk}/members").status_code == 404
    pending = cast.api("peer").get(f"groups/{closed.pk}/members").json()["pending"]
    assert [p["pseudonym"] for p in pending] == ["Mira"]
    approved = cast.api("peer").post(f"groups/{closed.pk}/members/{cast.mira.pk}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "active"
    assert api.get(f"rooms/{closed.room_id}/messages").status_code == 200
    record = ModerationRecord.objects.get(group=closed)
    assert (record.actor, record.action, record.target_user) == (cast.peer, "approve", cast.mira)


def test_leave(cast, group):
    api = cast.api("mira")
    assert api.post(f"groups/{group.pk}/leave").status_code == 204
    assert api.get(f"rooms/{group.room_id}/messages").status_code == 404
    assert api.get(f"groups/{group.pk}/members").status_code == 404
    assert api.post(f"groups/{group.pk}/leave").status_code == 404
    assert api.post(f"groups/{group.pk}/join", {"accept_rules": True}).status_code == 200


def test_remove_member_records_and_revokes(cast, group):
    response = cast.api("peer").post(
        f"groups/{group.pk}/members/{cast.mira.pk}/remove", {"reason": "Beleidigungen"}
    )
    assert response.status_code == 200 and response.json()["status"] == "removed"
    mira = cast.api("mira")
    assert mira.get(f"rooms/{group.room_id}/messages").status_code == 404
    assert (
        mira.post(f"rooms/{group.room_id}/messages", {"body": "x", "client_id": "a"}).status_code
        == 404
    )
    membership = Membership.objects.get(group=group, user=cast.mira)
    assert (membership.removed_by, membership.removal_reason) == (cast.peer, "Beleidigungen")
    assert ModerationRecord.objects.filter(action="remove", target_user=cast.mira).exists()
    # Asking again after a removal needs a facilitator, even in an open group.
    again = mira.post(f"groups/{group.pk}/join", {"accept_rules": True})
    assert again.status_code == 202


def test_facilitator_cannot_remove_self_or_other_facilitator(cast, group):
    peer = cast.api("peer")
    assert peer.post(f"groups/{group.pk}/members/{cast.peer.pk}/remove").status_code == 422
    actions.make_facilitator(cast.moderator, group.pk, user_id=cast.moderator.pk)
    assert peer.post(f"groups/{group.pk}/members/{cast.moderator.pk}/remove").status_code == 403


def test_members_list_members_only(cast, trialog):
    data = cast.api("helga").get(f"groups/{trialog.pk}/members").json()
    assert "pending" not in data or data["pending"] is None
    by_name = {m["pseudonym"]: m for m in data["members"]}
    assert set(by_name) == {"Sam", "Mira", "Helga", "Krause"}
    assert by_name["Sam"]["is_facilitator"] is True
    assert by_name["Helga"]["perspective"] == "relative"
    assert by_name["Krause"]["perspective"] == "professional"
    assert set(by_name["Mira"]) == {"id", "pseudonym", "is_facilitator", "perspective"}
    assert cast.api("outsider").get(f"groups/{trialog.pk}/members").status_code == 404
    assert cast.api("moderator").get(f"groups/{trialog.pk}/members").status_code == 404


def test_history_api_members_only(cast, group):
    cast.api("mira").post(f"rooms/{group.room_id}/messages", {"body": "Hallo", "client_id": "1"})
    assert cast.api("helga").get(f"rooms/{group.room_id}/messages").json()["last_seq"] == 1
    response = cast.api("outsider").get(f"rooms/{group.room_id}/messages")
    assert response.status_code == 404 and set(response.json()) == {"detail"}


def test_trialog_labels_in_history(cast, trialog, group):
    for name in ("mira", "helga", "professional"):
        cast.api(name).post(f"rooms/{trialog.room_id}/messages", {"body": "Hi", "client_id": name})
    messages = cast.api("mira").get(f"rooms/{trialog.room_id}/messages").json()["messages"]
    assert [m["author"]["perspective"] for m in messages] == [
        "affected",
        "relative",
        "professional",
    ]
    cast.api("mira").post(f"rooms/{group.room_id}/messages", {"body": "Hi", "client_id": "x"})
    [plain] = cast.api("mira").get(f"rooms/{group.room_id}/messages").json()["messages"]
    assert "perspective" not in plain["author"] or plain["author"]["perspective"] is None


def test_relatives_group_is_for_relatives(cast):
    relatives = actions.create_group(name="Angehörige", topic="relatives", audience="relatives")
    assert (
        cast.api("helga").post(f"groups/{relatives.pk}/join", {"accept_rules": True}).status_code
        == 200
    )
    assert (
        cast.api("outsider").post(f"groups/{relatives.pk}/join", {"accept_rules": True}).status_code
        == 200
    )  # unspecified
    refused = cast.api("mira").post(f"groups/{relatives.pk}/join", {"accept_rules": True})
    assert refused.status_code == 403 and refused.json()["detail"]
    assert (
        cast.api("peer").post(f"groups/{relatives.pk}/join", {"accept_rules": True}).status_code
        == 200
    )


def test_hide_message_records(cast, group):
    cast.api("mira").post(f"rooms/{group.room_id}/messages", {"body": "böse", "client_id": "1"})
    response = cast.api("peer").post(f"groups/{group.pk}/messages/1/hide")
    assert response.status_code == 200 and response.json()["hidden"] is True
    history = cast.api("helga").get(f"rooms/{group.room_id}/messages").json()["messages"]
    assert history[0]["hidden"] is True and history[0]["body"] == ""
    record = ModerationRecord.objects.get(action="hide")
    assert (record.actor, record.target_user, record.target_seq) == (cast.peer, cast.mira, 1)
    assert cast.api("peer").post(f"groups/{group.pk}/messages/99/hide").status_code == 404


def test_pin_rules(cast, group):
    response = cast.api("peer").post(f"groups/{group.pk}/rules/pin", {"pinned": True})
    assert response.status_code == 200 and response.json()["rules_pinned"] is True
    cast.api("moderator").post(f"groups/{group.pk}/rules/pin", {"pinned": False})
    assert [r.action for r in ModerationRecord.objects.order_by("created")] == [
        "pin_rules",
        "unpin_rules",
    ]


def test_make_facilitator(cast, group):
    moderator = cast.api("moderator")
    not_peer = moderator.post(f"groups/{group.pk}/members/{cast.mira.pk}/facilitator")
    assert not_peer.status_code == 422 and "user_id" in not_peer.json()["errors"]
    outsider_group = actions.create_group(name="Ohne Lena", topic="other")
    actions.join_group(cast.peer, outsider_group.pk, accept_rules=True)
    ok = moderator.post(f"groups/{outsider_group.pk}/members/{cast.peer.pk}/facilitator")
    assert ok.status_code == 200 and ok.json()["is_facilitator"] is True


# --- who cannot: every role of the cast against every facilitator tool --------------------

FACILITATOR_CALLS = [
    ("approve", lambda g, c: (f"groups/{g.pk}/members/{c.outsider.pk}/approve", None)),
    ("remove", lambda g, c: (f"groups/{g.pk}/members/{c.helga.pk}/remove", {"reason": ""})),
    ("pin", lambda g, c: (f"groups/{g.pk}/rules/pin", {"pinned": True})),
    ("hide", lambda g, c: (f"groups/{g.pk}/messages/1/hide", None)),
]


@pytest.mark.parametrize(
    "call", [c[1] for c in FACILITATOR_CALLS], ids=[c[0] for c in FACILITATOR_CALLS]
)
@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("mira", 403), ("professional", 403)],
)
def test_who_cannot_use_facilitator_tools(cast, group, call, who, status):
    """Strangers cannot even see the group's private side (404); members are refused (403)."""
    actions.join_group(cast.outsider, group.pk, accept_rules=True) if who != "outsider" else None
    Membership.objects.filter(user=cast.outsider).update(status="pending")
    cast.api("helga").post(f"rooms/{group.room_id}/messages", {"body": "Hallo", "client_id": "1"})
    path, payload = call(group, cast)
    assert cast.api(who).post(path, payload).status_code == status
    assert not ModerationRecord.objects.exists()


@pytest.mark.parametrize("who", ["peer", "moderator"])
def test_facilitators_and_member_moderators_can(cast, group, who):
    cast.api("helga").post(f"rooms/{group.room_id}/messages", {"body": "Hallo", "client_id": "1"})
    api = cast.api(who)
    assert api.post(f"groups/{group.pk}/messages/1/hide").status_code == 200
    assert api.post(f"groups/{group.pk}/rules/pin", {"pinned": True}).status_code == 200


def test_moderator_who_is_not_a_member_cannot_use_group_tools(cast, group):
    actions.leave_group(cast.moderator, group.pk)
    assert cast.api("moderator").post(f"groups/{group.pk}/rules/pin").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), ("mira", 403), ("professional", 403), ("peer", 403)]
)
def test_who_cannot_name_facilitators(cast, group, who, status):
    """Only moderators name facilitators; the group's own facilitator cannot."""
    path = f"groups/{group.pk}/members/{cast.peer.pk}/facilitator"
    assert cast.api(who).post(path).status_code == status


def test_removed_member_cannot_see_members_or_use_tools(cast, group):
    actions.make_facilitator(cast.moderator, group.pk, user_id=cast.moderator.pk)
    actions.remove_member(cast.moderator, group.pk, user_id=cast.peer.pk)
    peer = cast.api("peer")
    assert peer.get(f"groups/{group.pk}/members").status_code == 404
    assert peer.post(f"groups/{group.pk}/rules/pin").status_code == 404


@pytest.mark.django_db
def test_a_hide_over_the_chat_api_is_recorded_in_the_moderation_log(cast):
    """Every path to hiding a message (group tools, chat API, socket) leaves one record."""
    from augenhoehe.chat import actions as chat_actions
    from augenhoehe.groups import actions as group_actions
    from augenhoehe.groups.models import ModerationRecord

    group = group_actions.create_group(name="Protokoll", topic="other", rules="Respekt")
    for person in (cast.mira, cast.peer):
        group_actions.join_group(person, group.pk, accept_rules=True)
    group_actions.join_group(cast.moderator, group.pk, accept_rules=True)
    chat_actions.send_message(cast.mira, group.room_id, body="Hallo", client_id="c1")
    response = cast.api("moderator").post(f"rooms/{group.room_id}/messages/1/hide")
    assert response.status_code == 200
    record = ModerationRecord.objects.get(group=group)
    assert (record.actor_id, record.action, record.target_seq) == (cast.moderator.pk, "hide", 1)
