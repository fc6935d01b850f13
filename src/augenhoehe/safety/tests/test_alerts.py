"""A high in a group or conversation: an alert in the message's transaction, live frames
to the people on duty after commit, escalation, acknowledgement."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command
from django.db import transaction

from augenhoehe.accounts.actions import issue_token
from augenhoehe.chat.actions import send_message
from augenhoehe.chat.models import Message
from augenhoehe.chat.tests.helpers import connect, frames_until, send, subscribe
from augenhoehe.safety import actions
from augenhoehe.safety.models import Alert, Flag
from augenhoehe.safety.tests.conftest import CONCERN_DE, RISKY_DE, send_api


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_alert_is_written_in_the_message_transaction(cast, group):
    """Roll the send back: no message, no flag, no alert."""
    with pytest.raises(Boom), transaction.atomic():
        send_message(cast.mira, group.room_id, body=RISKY_DE, client_id="rb-1")
        assert Alert.objects.count() == 1
        raise Boom
    assert not Message.objects.exists()
    assert not Flag.objects.exists()
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_no_alert_is_lost_when_the_process_dies_after_commit(
    cast, group, django_capture_on_commit_callbacks
):
    """Commit, then never run the after-commit notifications: the alert is listed anyway."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_message(cast.mira, group.room_id, body=RISKY_DE, client_id="die-1")
    assert callbacks  # the live notifications that never ran
    alert = Alert.objects.get()
    listed = cast.api("professional").get("safety/alerts").json()
    assert [a["id"] for a in listed] == [alert.pk]
    page = _client(cast.moderator).get("/krisenhinweise/").content.decode()
    assert f"/krisenhinweise/{alert.pk}/" in page


@pytest.mark.django_db
def test_no_alert_is_lost_when_the_channel_layer_is_down(cast, group, settings):
    """Redis unreachable after commit: sending still works and the alert is listed."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},  # the discard port: nobody there
        }
    }
    channel_layers.backends.clear()
    response = send_api(cast, "mira", group.room_id, RISKY_DE)
    assert response.status_code == 201
    assert response.json()["support"]["level"] == "high"
    alert = Alert.objects.get()
    assert cast.api("moderator").get("safety/alerts").json()[0]["id"] == alert.pk
    detail = _client(cast.professional).get(f"/krisenhinweise/{alert.pk}/")
    assert detail.status_code == 200
    assert "Mira" in detail.content.decode()


@pytest.mark.django_db
def test_concern_creates_no_alert(cast, group):
    send_api(cast, "mira", group.room_id, CONCERN_DE)
    assert not Alert.objects.exists()


# --- escalation -----------------------------------------------------------------------


@pytest.mark.django_db
def test_unacknowledged_alert_escalates_after_the_configured_minutes(cast, group, settings):
    settings.AUGENHOEHE = {**settings.AUGENHOEHE, "CRISIS_ESCALATE_AFTER_MINUTES": 5}
    send_api(cast, "mira", group.room_id, RISKY_DE)
    alert = Alert.objects.get()
    assert actions.escalate_overdue_alerts(now=alert.created + timedelta(minutes=4)) == 0
    later = alert.created + timedelta(minutes=5, seconds=1)
    assert actions.escalate_overdue_alerts(now=later) == 1
    alert.refresh_from_db()
    assert alert.escalated_at == later
    assert actions.escalate_overdue_alerts(now=later + timedelta(minutes=10)) == 0  # once


@pytest.mark.django_db
def test_acknowledged_alert_does_not_escalate(cast, group):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    alert = Alert.objects.get()
    actions.acknowledge_alert(cast.professional, alert.pk)
    assert actions.escalate_overdue_alerts(now=alert.created + timedelta(hours=1)) == 0


@pytest.mark.django_db
def test_escalate_alerts_command(cast, group):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    Alert.objects.update(created=Alert.objects.get().created - timedelta(minutes=30))
    call_command("escalate_alerts")
    assert Alert.objects.get().escalated_at is not None


@pytest.mark.django_db
def test_flags_are_deleted_after_the_retention_period_but_never_an_open_alert(
    cast, group, settings
):
    settings.AUGENHOEHE = {**settings.AUGENHOEHE, "CRISIS_FLAG_RETENTION_DAYS": 30}
    send_api(cast, "mira", group.room_id, CONCERN_DE, client_id="c-old-concern")
    send_api(cast, "mira", group.room_id, RISKY_DE, client_id="c-old-open")
    send_api(cast, "helga", group.room_id, RISKY_DE, client_id="c-old-seen")
    send_api(cast, "helga", group.room_id, CONCERN_DE, client_id="c-new")
    seen = Alert.objects.get(flag__author=cast.helga)
    actions.acknowledge_alert(cast.professional, seen.pk)
    old = Flag.objects.exclude(author=cast.helga, level="concern")
    old.update(
        created=Flag.objects.get(author=cast.helga, level="concern").created - timedelta(days=31)
    )
    assert Flag.objects.count() == 4

    out = io.StringIO()
    call_command("purge_flags", stdout=out)
    assert "deleted 2 flag(s)" in out.getvalue()
    # kept: the recent flag, and the old one whose alert nobody has acknowledged yet
    kept = sorted((f.author.pseudonym, f.level) for f in Flag.objects.all())
    assert kept == [("Helga", "concern"), ("Mira", "high")]
    assert list(Alert.objects.values_list("acknowledged_at", flat=True)) == [None]
    actions.acknowledge_alert(cast.professional, Alert.objects.get().pk)
    assert actions.purge_flags() == 1
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_opening_the_alert_list_escalates_overdue_alerts(cast, group):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    Alert.objects.update(created=Alert.objects.get().created - timedelta(minutes=30))
    page = _client(cast.moderator).get("/krisenhinweise/").content.decode()
    assert Alert.objects.get().escalated_at is not None
    assert "an das ganze Team geschickt" in page  # "sent to all staff"


# --- acknowledging --------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_acknowledge_with_a_note_over_the_api(cast, group):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    alert = Alert.objects.get()
    api = cast.api("professional")
    data = api.post(f"safety/alerts/{alert.pk}/acknowledge", {"note": "Habe Mira geschrieben."})
    assert data.status_code == 200
    body = data.json()
    assert body["acknowledged_by"]["pseudonym"] == "Krause"
    assert "Habe Mira geschrieben." in body["note"]
    first = body["acknowledged"]
    again = cast.api("moderator").post(
        f"safety/alerts/{alert.pk}/acknowledge", {"note": "Gesehen."}
    )
    assert again.json()["acknowledged"] == first  # the first acknowledgement stays
    assert again.json()["acknowledged_by"]["pseudonym"] == "Krause"
    assert "Gesehen." in again.json()["note"] and "Habe Mira" in again.json()["note"]
    assert api.post(f"safety/alerts/{alert.pk}/acknowledge").status_code == 200  # no body


@pytest.mark.django_db
def test_staff_acknowledge_with_a_note_on_the_page(cast, group):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    alert = Alert.objects.get()
    client = _client(cast.moderator)
    response = client.post(f"/krisenhinweise/{alert.pk}/", {"note": "Rufe an."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == cast.moderator
    assert "Rufe an." in alert.note
    page = client.get(f"/krisenhinweise/{alert.pk}/").content.decode()
    assert "Rufe an." in page
    assert "Tabletten" not in page


@pytest.mark.django_db
def test_alert_list_shows_open_alerts_first_then_newest(cast, group):
    for i in range(3):
        send_api(cast, "mira", group.room_id, RISKY_DE, client_id=f"o-{i}")
    first, second, third = Alert.objects.order_by("created", "pk")
    actions.acknowledge_alert(cast.professional, third.pk)
    ids = [a["id"] for a in cast.api("professional").get("safety/alerts").json()]
    assert ids == [second.pk, first.pk, third.pk]


# --- who can see alerts ---------------------------------------------------------------


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["mira", "helga", "outsider", "peer"])
def test_who_cannot_see_or_acknowledge_alerts(cast, group, name):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    alert = Alert.objects.get()
    client = _client(cast[name])
    assert client.get("/krisenhinweise/").status_code == 404
    assert client.get(f"/krisenhinweise/{alert.pk}/").status_code == 404
    assert client.post(f"/krisenhinweise/{alert.pk}/", {"note": "x"}).status_code == 404
    api = cast.api(name)
    assert api.get("safety/alerts").status_code == 404
    assert api.post(f"safety/alerts/{alert.pk}/acknowledge", {"note": "x"}).status_code == 404
    assert Alert.objects.get().acknowledged_at is None
    assert "/krisenhinweise/" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_cannot_see_alerts(cast, group, client, anon_api):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    alert = Alert.objects.get()
    assert client.get("/krisenhinweise/").status_code == 404
    assert client.get(f"/krisenhinweise/{alert.pk}/").status_code == 404
    assert anon_api.get("safety/alerts").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["professional", "moderator", "orgadmin"])
def test_staff_see_alerts(cast, group, orgadmin, name):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    alert = Alert.objects.get()
    user = orgadmin if name == "orgadmin" else cast[name]
    client = _client(user)
    assert client.get("/krisenhinweise/").status_code == 200
    assert client.get(f"/krisenhinweise/{alert.pk}/").status_code == 200
    assert client.get(f"/krisenhinweise/{alert.pk + 99}/").status_code == 404
    assert 'href="/krisenhinweise/"' in client.get("/").content.decode()


# --- live frames ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_on_duty_professional_gets_the_live_alert(cast, group):
    from augenhoehe.conversations.actions import set_on_duty

    await sync_to_async(set_on_duty)(cast.professional, on=True)
    tokens = {
        n: await sync_to_async(issue_token)(cast[n]) for n in ("mira", "professional", "moderator")
    }
    writer, _ = await connect(tokens["mira"])
    duty, _ = await connect(tokens["professional"])
    off_duty, _ = await connect(tokens["moderator"])
    await subscribe(writer, group.room_id)
    await send(
        writer, {"type": "send", "room": group.room_id, "client_id": "l-1", "body": RISKY_DE}
    )
    await frames_until(writer, lambda f: f["type"] == "crisis_support")

    frame = (await frames_until(duty, lambda f: f["type"] == "crisis_alert"))[-1]
    alert = await sync_to_async(Alert.objects.select_related("flag").get)()
    assert frame == {
        "type": "crisis_alert",
        "alert": alert.pk,
        "level": "high",
        "context": "group",
        "room": group.room_id,
        "created": alert.created.isoformat(),
        "escalated": False,
        "url": f"/krisenhinweise/{alert.pk}/",
    }
    assert "Tabletten" not in json.dumps(frame)
    # The moderator is not on duty: no live frame (the alert is in their list anyway).
    await send(off_duty, {"type": "ping", "ref": "end"})
    seen = await frames_until(off_duty, lambda f: f["type"] == "pong")
    assert all(f["type"] != "crisis_alert" for f in seen)
    for comm in (writer, duty, off_duty):
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_with_nobody_on_duty_all_professionals_and_moderators_are_alerted(cast, group):
    tokens = {
        n: await sync_to_async(issue_token)(cast[n])
        for n in ("mira", "professional", "moderator", "peer")
    }
    writer, _ = await connect(tokens["mira"])
    pro, _ = await connect(tokens["professional"])
    mod, _ = await connect(tokens["moderator"])
    peer, _ = await connect(tokens["peer"])
    await send(
        writer, {"type": "send", "room": group.room_id, "client_id": "a-1", "body": RISKY_DE}
    )
    assert (await frames_until(pro, lambda f: f["type"] == "crisis_alert"))[-1]["level"] == "high"
    assert (await frames_until(mod, lambda f: f["type"] == "crisis_alert"))[-1]["level"] == "high"
    await send(peer, {"type": "ping", "ref": "end"})
    seen = await frames_until(peer, lambda f: f["type"] == "pong")
    assert all(f["type"] != "crisis_alert" for f in seen)
    for comm in (writer, pro, mod, peer):
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_escalation_reaches_organisation_admins_live(cast, group, orgadmin):
    token = await sync_to_async(issue_token)(orgadmin)
    admin_socket, _ = await connect(token)
    await sync_to_async(send_message)(cast.mira, group.room_id, body=RISKY_DE, client_id="e-1")
    alert = await sync_to_async(Alert.objects.get)()
    count = await sync_to_async(actions.escalate_overdue_alerts)(
        now=alert.created + timedelta(minutes=6)
    )
    assert count == 1
    frame = (await frames_until(admin_socket, lambda f: f["type"] == "crisis_alert"))[-1]
    assert frame["alert"] == alert.pk and frame["escalated"] is True
    await admin_socket.disconnect()
