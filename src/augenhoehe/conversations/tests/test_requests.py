"""A seeker asks: one topic is enough, the queue tells them their place honestly."""

from __future__ import annotations

import pytest

from augenhoehe.conversations.tests.conftest import ask, make_peer


@pytest.mark.django_db
def test_asking_needs_only_one_topic(cast):
    """201 with id, status, position and an estimate (null: nobody is available)."""
    response = cast.api("mira").post("conversations/requests", {"topics": ["anxiety"]})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "waiting"
    assert body["position"] == 1
    assert body["estimated_wait_seconds"] is None
    assert body["peers_available"] is False
    assert body["preferences"]["share_text"] is False  # default: peers do not read first


@pytest.mark.django_db
def test_estimate_is_given_when_a_peer_is_available(ready):
    body = ready.api("mira").post("conversations/requests", {"topics": ["anxiety"]}).json()
    assert body["peers_available"] is True
    assert body["estimated_wait_seconds"] == 120  # a free place: only the reaction time


@pytest.mark.django_db
def test_estimate_grows_with_the_queue_beyond_free_places(ready, second_peer):
    """One peer with capacity 1: the second in line waits about one median conversation."""
    from augenhoehe.conversations import actions, matching

    actions.save_peer_profile(ready.peer, capacity=1)
    ask(ready.helga)
    second = ask(ready.mira)
    stats = matching.queue_stats()
    assert stats.free_slots == 1
    assert matching.estimate_wait(matching.position_of(second), stats) == 120 + 30 * 60


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, field",
    [
        ({"topics": []}, "topics"),
        ({"topics": ["astrology"]}, "topics"),
        ({"topics": ["anxiety"], "text": "x" * 1001}, "text"),
        ({"topics": ["anxiety"], "preferences": {"language": "fr"}}, "preferences.language"),
        ({"topics": ["anxiety"], "preferences": {"peer_gender": "x"}}, "preferences.peer_gender"),
    ],
)
def test_invalid_requests_answer_422_with_field_errors(cast, payload, field):
    response = cast.api("mira").post("conversations/requests", payload)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert field in body["errors"]


@pytest.mark.django_db
def test_a_second_waiting_request_is_refused_kindly(cast):
    api = cast.api("mira")
    api.post("conversations/requests", {"topics": ["anxiety"]})
    response = api.post("conversations/requests", {"topics": ["trauma"]})
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
def test_anonymous_cannot_ask(anon_api):
    response = anon_api.post("conversations/requests", {"topics": ["anxiety"]})
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["helga", "outsider", "peer", "professional", "moderator"])
def test_nobody_else_can_read_or_cancel_a_request(ready, who):
    """The same 404 as for a request that does not exist."""
    request = ask(ready.mira, text="privat")
    api = ready.api(who)
    for response in (
        api.get(f"conversations/requests/{request.pk}"),
        api.delete(f"conversations/requests/{request.pk}"),
    ):
        assert response.status_code == 404
        assert response.json() == api.get("conversations/requests/999999").json()
    request.refresh_from_db()
    assert request.status == "waiting"


@pytest.mark.django_db
def test_the_seeker_reads_and_cancels_their_request(cast):
    api = cast.api("mira")
    created = api.post("conversations/requests", {"topics": ["anxiety"], "text": "Hallo"}).json()
    assert api.get(f"conversations/requests/{created['id']}").json()["text"] == "Hallo"
    cancelled = api.delete(f"conversations/requests/{created['id']}")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["position"] is None
    # withdrawing twice is harmless
    assert api.delete(f"conversations/requests/{created['id']}").status_code == 200


@pytest.mark.django_db
def test_a_request_cannot_be_withdrawn_after_a_peer_accepted(ready):
    from augenhoehe.conversations import actions

    request = ask(ready.mira)
    actions.accept_request(ready.peer, request.pk)
    response = ready.api("mira").delete(f"conversations/requests/{request.pk}")
    assert response.status_code == 409
    after = ready.api("mira").get(f"conversations/requests/{request.pk}").json()
    assert after["status"] == "accepted" and after["room"]


@pytest.mark.django_db
def test_outside_service_hours_there_is_no_estimate(ready, settings):
    """Configured hours that are never now: the seeker hears it at once, without a number."""
    settings.CONVERSATIONS = {**settings.CONVERSATIONS, "HOURS": "Mo 00:00-00:00"}
    from django.utils import timezone

    if timezone.localtime().strftime("%a%H%M") == "Mon0000":
        pytest.skip("exactly at the edge")
    body = ready.api("mira").post("conversations/requests", {"topics": ["anxiety"]}).json()
    assert body["service_open"] is False
    assert body["estimated_wait_seconds"] is None


def test_service_hours_are_parsed_in_german_and_english():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from augenhoehe.conversations.conf import parse_hours, service_open

    windows = parse_hours("Mo-Fr 16:00-22:00; Sa 10:00-14:00")
    assert windows[0].days == frozenset(range(5))
    berlin = ZoneInfo("Europe/Berlin")
    from django.test import override_settings

    with override_settings(CONVERSATIONS={"HOURS": "Mo-Fr 16:00-22:00; Sa 10:00-14:00"}):
        assert service_open(datetime(2026, 11, 23, 17, 0, tzinfo=berlin))  # Monday
        assert not service_open(datetime(2026, 11, 23, 9, 0, tzinfo=berlin))
        assert service_open(datetime(2026, 11, 28, 11, 0, tzinfo=berlin))  # Saturday
        assert not service_open(datetime(2026, 11, 29, 11, 0, tzinfo=berlin))  # Sunday
    with override_settings(CONVERSATIONS={"HOURS": "Su-Tu 08:00-24:00"}):
        assert service_open(datetime(2026, 11, 29, 23, 30, tzinfo=berlin))


def test_unreadable_service_hours_fail_loudly():
    from django.core.exceptions import ImproperlyConfigured

    from augenhoehe.conversations.conf import parse_hours

    with pytest.raises(ImproperlyConfigured):
        parse_hours("weekdays evenings")


@pytest.mark.django_db
def test_unavailable_peers_do_not_count(cast):
    make_peer(cast.peer, available=False)
    body = cast.api("mira").post("conversations/requests", {"topics": ["anxiety"]}).json()
    assert body["peers_available"] is False
    assert body["estimated_wait_seconds"] is None
