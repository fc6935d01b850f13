"""A flagged message: the writer alone sees a calm card; the message is delivered unchanged."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from augenhoehe.accounts.actions import issue_token
from augenhoehe.chat.models import Message
from augenhoehe.chat.tests.helpers import connect, frames_until, send, subscribe
from augenhoehe.safety.models import Alert, CrisisResource, Flag
from augenhoehe.safety.tests.conftest import (
    CONCERN_DE,
    HARMLESS,
    RISKY_DE,
    RISKY_EN,
    send_api,
)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_risky_message_gives_the_writer_a_card_in_german_with_home_crisis_lines(cast, group):
    """The API answer carries the card in ``support``; the message is stored unchanged."""
    response = send_api(cast, "mira", group.room_id, RISKY_DE)
    assert response.status_code == 201
    data = response.json()
    assert data["message"]["body"] == RISKY_DE
    card = data["support"]
    assert card["type"] == "crisis_support"
    assert card["room"] == group.room_id
    assert card["seq"] == data["message"]["seq"]
    assert card["level"] == "high"
    assert card["title"] == "Du bist nicht allein"
    assert "112" in card["text"]
    countries = [r["country"] for r in card["resources"]]
    assert countries[0] == "DE"
    assert {"DE", "AT", "CH"} == set(countries)
    assert countries == sorted(countries, key=["DE", "AT", "CH"].index)  # grouped, home first
    seelsorge = next(r for r in card["resources"] if r["phone"] == "0800 111 0 111")
    assert seelsorge == {
        "country": "DE",
        "name": "TelefonSeelsorge",
        "phone": "0800 111 0 111",
        "tel": "tel:08001110111",
        "hours": "24/7",
        "web_url": "https://www.telefonseelsorge.de",
    }
    labels = {a["label"]: a["url"] for a in card["actions"]}
    assert labels["Jetzt mit einem Peer sprechen"] == "/hilfe/jetzt/"
    flag = Flag.objects.get()
    assert card["why_url"] == f"/hilfe/warum/{flag.pk}/"
    assert card["why_label"] == "Warum sehe ich das?"


@pytest.mark.django_db
def test_card_is_in_the_writers_language(cast, group):
    cast.helga.language = "en"
    cast.helga.save(update_fields=["language"])
    card = send_api(cast, "helga", group.room_id, RISKY_EN).json()["support"]
    assert card["title"] == "You are not alone"
    assert card["actions"][0]["label"] == "Talk to a peer now"
    assert card["resources"][0]["country"] == "DE"


@pytest.mark.django_db
def test_concern_gives_a_card_and_a_flag_but_no_alert(cast, group):
    card = send_api(cast, "mira", group.room_id, CONCERN_DE).json()["support"]
    assert card["level"] == "concern"
    assert "112" not in card["text"]
    assert Flag.objects.get().level == "concern"
    assert not Alert.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", HARMLESS)
def test_harmless_messages_and_idioms_give_no_card_and_no_flag(cast, group, body):
    data = send_api(cast, "mira", group.room_id, body).json()
    assert data["support"] is None
    assert not Flag.objects.exists()


@pytest.mark.django_db
def test_flag_and_alert_store_no_copy_of_the_text(cast, group):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    flag = Flag.objects.get()
    alert = Alert.objects.get()
    stored = [str(getattr(flag, f.attname)) for f in Flag._meta.concrete_fields]
    stored += [str(getattr(alert, f.attname)) for f in Alert._meta.concrete_fields]
    for value in stored:
        assert "Tabletten" not in value and "Nacht" not in value
    assert flag.rule_ids and flag.level == "high"
    assert flag.context_kind == "group"
    assert (flag.room_id, flag.message_seq, flag.author_id) == (group.room_id, 1, cast.mira.pk)


@pytest.mark.django_db
def test_card_and_crisis_page_read_the_same_crisis_lines(cast, group, client):
    """An admin's edit shows on the crisis page and on the next card alike."""
    line = CrisisResource.objects.get(country="AT", phone="142")
    line.hours = "rund um die Uhr, neu geprüft"
    line.save()
    CrisisResource.objects.filter(country="CH", phone="143").update(is_active=False)

    card = send_api(cast, "mira", group.room_id, RISKY_DE).json()["support"]
    at = next(r for r in card["resources"] if r["phone"] == "142")
    assert at["hours"] == "rund um die Uhr, neu geprüft"
    assert not any(r["phone"] == "143" for r in card["resources"])

    page = client.get("/hilfe/").content.decode()
    assert "rund um die Uhr, neu geprüft" in page
    assert "tel:143" not in page


@pytest.mark.django_db
def test_default_country_comes_first(cast, group, settings):
    settings.AUGENHOEHE = {**settings.AUGENHOEHE, "DEFAULT_COUNTRY": "CH"}
    card = send_api(cast, "mira", group.room_id, RISKY_DE).json()["support"]
    assert [r["country"] for r in card["resources"]][0] == "CH"


@pytest.mark.django_db
def test_detection_can_be_switched_off(cast, group, settings):
    settings.AUGENHOEHE = {**settings.AUGENHOEHE, "CRISIS_DETECTION_ENABLED": False}
    assert send_api(cast, "mira", group.room_id, RISKY_DE).json()["support"] is None
    assert not Flag.objects.exists()


@pytest.mark.django_db
def test_others_see_the_message_unchanged_and_no_label(cast, group):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    history = cast.api("helga").get(f"rooms/{group.room_id}/messages").json()
    assert history["messages"][0]["body"] == RISKY_DE
    assert set(history["messages"][0]) == {
        "room",
        "seq",
        "author",
        "body",
        "client_id",
        "created",
        "edited",
        "deleted",
        "hidden",
    }


@pytest.mark.django_db
def test_without_javascript_the_group_page_shows_the_card_once(cast, group):
    client = login(cast.mira)
    response = client.post(
        f"/gruppen/{group.slug}/nachricht/", {"body": RISKY_DE, "client_id": "nojs-1"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Du bist nicht allein" in page
    assert 'href="tel:08001110111"' in page
    assert "Du bist nicht allein" not in client.get(response["Location"]).content.decode()
    # Helga, in the same group, sees the message and no card.
    helga_page = login(cast.helga).get(f"/gruppen/{group.slug}/").content.decode()
    assert "Du bist nicht allein" not in helga_page


@pytest.mark.django_db
def test_why_page_explains_in_plain_words_without_the_text(cast, group):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    flag = Flag.objects.get()
    page = login(cast.mira).get(f"/hilfe/warum/{flag.pk}/").content.decode()
    assert "Warum sehe ich das?" in page
    assert "nach einem Plan" in page
    assert "Tabletten" not in page
    assert "tel:08001110111" in page


@pytest.mark.django_db
def test_why_page_names_the_second_opinion_in_plain_words(cast, group):
    """A flag raised by the embedding model says so, instead of a generic reason."""
    from augenhoehe.safety.actions import record_flag
    from augenhoehe.safety.detector import Assessment, Level

    flag = record_flag(
        cast.mira,
        Assessment(level=Level.CONCERN, rule_ids=("model.use_v3",), lang="de"),
        context_kind="group",
        room_id=group.room_id,
        message_seq=1,
    )
    assert flag.families == ["model"]
    page = login(cast.mira).get(f"/hilfe/warum/{flag.pk}/").content.decode()
    assert "automatischer zweiter Blick" in page
    assert "Andere Anzeichen" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["helga", "outsider", "peer", "professional", "moderator"])
def test_who_cannot_open_someone_elses_why_page(cast, group, name):
    send_api(cast, "mira", group.room_id, RISKY_DE)
    flag = Flag.objects.get()
    assert login(cast[name]).get(f"/hilfe/warum/{flag.pk}/").status_code == 404
    assert login(cast[name]).get(f"/hilfe/warum/{flag.pk + 100}/").status_code == 404


# --- over the socket ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_card_reaches_only_the_writer_over_the_socket(cast, group):
    tokens = {n: await sync_to_async(issue_token)(cast[n]) for n in ("mira", "helga")}
    mira, _ = await connect(tokens["mira"])
    helga, _ = await connect(tokens["helga"])
    assert (await subscribe(mira, group.room_id))["type"] == "subscribed"
    assert (await subscribe(helga, group.room_id))["type"] == "subscribed"

    await send(mira, {"type": "send", "room": group.room_id, "client_id": "s-1", "body": RISKY_DE})
    frames = await frames_until(mira, lambda f: f["type"] == "crisis_support")
    card = frames[-1]
    assert card["room"] == group.room_id and card["seq"] == 1
    assert card["level"] == "high"
    assert any(f["type"] == "ack" for f in frames)

    got = await frames_until(helga, lambda f: f["type"] == "message")
    assert got[-1]["body"] == RISKY_DE
    # Anything still queued for Helga arrives before the pong: no card among it.
    await send(helga, {"type": "ping", "ref": "end"})
    rest = await frames_until(helga, lambda f: f["type"] == "pong")
    assert all(f["type"] != "crisis_support" for f in got + rest)
    assert await sync_to_async(Message.objects.get)(room_id=group.room_id, seq=1)
    await mira.disconnect()
    await helga.disconnect()


@pytest.mark.django_db
def test_privacy_page_explains_the_safety_net(client):
    page = client.get("/datenschutz/").content.decode()
    assert 'id="safety-net"' in page
    assert "Nie der Text selbst" in page
    assert "nach ein paar Minuten" in page
    # the second opinion and the re-check of edited messages and request texts are named too
    assert "Ein zweiter Blick" in page and "nicht bei einer anderen Firma" in page
    assert (
        "Bearbeitete Nachrichten und die Worte einer Anfrage für ein Einzelgespräch "
        "werden genauso geprüft" in page
    )
    assert "sonst nach 180 Tagen" in page  # CRISIS_FLAG_RETENTION_DAYS


@pytest.mark.django_db
def test_without_javascript_the_conversation_page_shows_the_card(cast):
    from augenhoehe.conversations import actions as conv

    conv.save_peer_profile(cast.peer, topics=["anxiety"], languages=["de"])
    conv.set_availability(cast.peer, available=True)
    request = conv.create_request(cast.mira, topics=["anxiety"], text="")
    conversation = conv.accept_request(cast.peer, request.pk)
    client = login(cast.mira)
    response = client.post(
        f"/gespraeche/{conversation.pk}/senden/", {"body": CONCERN_DE, "client_id": "nojs-c"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Du bist nicht allein" in page
    peer_page = login(cast.peer).get(f"/gespraeche/{conversation.pk}/").content.decode()
    assert "Du bist nicht allein" not in peer_page
    assert CONCERN_DE in peer_page


# --- edited messages ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_an_edit_that_adds_acute_danger_is_screened_again(cast, group):
    """Editing a harmless message into a risky one: flag, alert and the writer's card, as
    for a new message. Rewording it again, still risky, repeats neither."""
    tokens = {n: await sync_to_async(issue_token)(cast[n]) for n in ("mira", "helga")}
    mira, _ = await connect(tokens["mira"])
    helga, _ = await connect(tokens["helga"])
    assert (await subscribe(mira, group.room_id))["type"] == "subscribed"
    assert (await subscribe(helga, group.room_id))["type"] == "subscribed"
    await send(
        mira, {"type": "send", "room": group.room_id, "client_id": "e-1", "body": HARMLESS[0]}
    )
    await frames_until(mira, lambda f: f["type"] == "ack")
    assert await sync_to_async(Flag.objects.count)() == 0

    await send(mira, {"type": "edit", "room": group.room_id, "seq": 1, "body": RISKY_DE})
    frames = await frames_until(mira, lambda f: f["type"] == "crisis_support")
    assert frames[-1]["room"] == group.room_id and frames[-1]["seq"] == 1
    assert frames[-1]["level"] == "high"
    flags = await sync_to_async(list)(Flag.objects.filter(room_id=group.room_id, message_seq=1))
    assert [f.level for f in flags] == ["high"]
    assert await sync_to_async(Alert.objects.filter(flag=flags[0]).count)() == 1
    # the others see the edited message, and no card
    got = await frames_until(helga, lambda f: f["type"] == "message_edited")
    assert got[-1]["body"] == RISKY_DE
    await send(helga, {"type": "ping", "ref": "end"})
    rest = await frames_until(helga, lambda f: f["type"] == "pong")
    assert all(f["type"] != "crisis_support" for f in got + rest)

    await send(mira, {"type": "edit", "room": group.room_id, "seq": 1, "body": RISKY_DE + " Echt."})
    await frames_until(
        mira, lambda f: f["type"] == "message_edited" and f["body"].endswith("Echt.")
    )
    await send(mira, {"type": "ping", "ref": "after-reword"})
    rest = await frames_until(mira, lambda f: f["type"] == "pong")
    assert all(f["type"] != "crisis_support" for f in rest)
    assert await sync_to_async(Flag.objects.count)() == 1
    assert await sync_to_async(Alert.objects.count)() == 1
    await mira.disconnect()
    await helga.disconnect()


@pytest.mark.django_db
def test_an_edit_from_concern_to_high_raises_the_flag_and_alerts(cast, group):
    sent = send_api(cast, "mira", group.room_id, CONCERN_DE)
    assert sent.status_code == 201
    seq = sent.json()["message"]["seq"]
    assert [f.level for f in Flag.objects.all()] == ["concern"]
    assert Alert.objects.count() == 0
    edited = cast.api("mira").patch(f"rooms/{group.room_id}/messages/{seq}", {"body": RISKY_DE})
    assert edited.status_code == 200
    assert sorted(f.level for f in Flag.objects.all()) == ["concern", "high"]
    assert Alert.objects.count() == 1
    # an edit back to harmless words removes nothing: what was noticed stays noticed
    cast.api("mira").patch(f"rooms/{group.room_id}/messages/{seq}", {"body": HARMLESS[0]})
    assert Flag.objects.count() == 2 and Alert.objects.count() == 1
