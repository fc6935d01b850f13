"""GET /api/v1/rooms/{id}/messages: keyset pages, the same gate as the socket."""

from __future__ import annotations

import pytest

from augenhoehe.chat import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def room_with_120(cast, make_room):
    room = make_room(cast.mira, cast.helga)
    for i in range(1, 121):
        actions.send_message(cast.mira, room.pk, body=f"Nachricht {i}", client_id=f"c{i}")
    return room


def test_newest_page_then_older_pages_cover_everything_once(cast, room_with_120):
    api = cast.api("helga")
    page = api.get(f"rooms/{room_with_120.pk}/messages").json()
    assert page["last_seq"] == 120
    assert [m["seq"] for m in page["messages"]] == list(range(71, 121))
    assert page["has_more"] is True
    seen = [m["seq"] for m in page["messages"]]
    while page["has_more"]:
        before = page["messages"][0]["seq"]
        page = api.get(f"rooms/{room_with_120.pk}/messages", {"before": before}).json()
        seen = [m["seq"] for m in page["messages"]] + seen
    assert seen == list(range(1, 121))


def test_after_pages_forward(cast, room_with_120):
    page = (
        cast.api("mira")
        .get(f"rooms/{room_with_120.pk}/messages", {"after": 100, "limit": 10})
        .json()
    )
    assert [m["seq"] for m in page["messages"]] == list(range(101, 111))
    assert page["has_more"] is True


@pytest.mark.parametrize("who", ["outsider", "peer", "professional", "moderator"])
def test_non_members_get_404_for_history(cast, room_with_120, who):
    response = cast.api(who).get(f"rooms/{room_with_120.pk}/messages")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."} or "detail" in response.json()


def test_history_needs_authentication(anon_api, room_with_120):
    response = anon_api.get(f"rooms/{room_with_120.pk}/messages")
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 500}, {"before": 0}, {"after": -1}, {"limit": "viele"}]
)
def test_bad_paging_parameters_are_422(cast, room_with_120, params):
    response = cast.api("mira").get(f"rooms/{room_with_120.pk}/messages", params)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_send_over_the_api_is_idempotent(cast, make_room):
    room = make_room(cast.mira)
    api = cast.api("mira")
    first = api.post(f"rooms/{room.pk}/messages", {"body": "Hallo", "client_id": "k1"})
    again = api.post(f"rooms/{room.pk}/messages", {"body": "Hallo", "client_id": "k1"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["message"]["seq"] == again.json()["message"]["seq"] == 1
    assert again.json()["duplicate"] is True


def test_send_errors_over_the_api(cast, make_room):
    room = make_room(cast.mira)
    api = cast.api("mira")
    assert api.post(f"rooms/{room.pk}/messages", {"body": "", "client_id": "k"}).status_code == 422
    assert api.post(f"rooms/{room.pk}/messages", {"body": "x"}).status_code == 422
    assert api.post(f"rooms/{room.pk}/messages", "{kaputt").status_code == 400
    assert (
        cast.api("helga")
        .post(f"rooms/{room.pk}/messages", {"body": "x", "client_id": "k"})
        .status_code
        == 404
    )


def test_edit_and_delete_own_message_over_the_api(cast, make_room):
    room = make_room(cast.mira, cast.helga)
    actions.send_message(cast.mira, room.pk, body="Tippfeler", client_id="k")
    edited = cast.api("mira").patch(f"rooms/{room.pk}/messages/1", {"body": "Tippfehler"})
    assert edited.status_code == 200 and edited.json()["edited"]
    assert (
        cast.api("helga").patch(f"rooms/{room.pk}/messages/1", {"body": "fremd"}).status_code == 403
    )
    deleted = cast.api("mira").delete(f"rooms/{room.pk}/messages/1")
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
