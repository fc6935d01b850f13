"""Ended conversations are deleted after the retention period; exports and account deletion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from augenhoehe.accounts.actions import delete_account, export_data
from augenhoehe.chat.models import Room
from augenhoehe.conversations import actions
from augenhoehe.conversations.models import Conversation, ConversationRequest
from augenhoehe.conversations.tests.conftest import ask


@pytest.mark.django_db
def test_purge_deletes_only_what_ended_long_enough_ago(ready, conversation, settings):
    settings.CONVERSATIONS = {**settings.CONVERSATIONS, "RETENTION_DAYS": 30}
    actions.end_conversation(ready.mira, conversation.pk)
    fresh = actions.accept_request(ready.peer, ask(ready.helga).pk)
    actions.end_conversation(ready.helga, fresh.pk)
    Conversation.objects.filter(pk=conversation.pk).update(
        ended_at=timezone.now() - timedelta(days=31)
    )
    call_command("purge_conversations")
    assert list(Conversation.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not Room.objects.filter(pk=conversation.room_id).exists()


@pytest.mark.django_db
def test_purge_keeps_open_conversations(ready, conversation):
    Conversation.objects.filter(pk=conversation.pk).update(
        started=timezone.now() - timedelta(days=90)
    )
    assert actions.purge_conversations() == 0
    assert Conversation.objects.filter(pk=conversation.pk).exists()


@pytest.mark.django_db
def test_export_holds_requests_conversations_and_feedback(ready, conversation):
    actions.end_conversation(ready.mira, conversation.pk)
    actions.give_feedback(ready.mira, conversation.pk, understood=5, comment="gut")
    data = export_data(ready.mira)["conversations"]
    assert data["requests"][0]["text"] == "Ich habe Angst vor morgen."
    assert data["conversations"][0]["role"] == "seeker"
    assert data["feedback"] == [
        {"conversation": conversation.pk, "understood": 5, "comment": "gut"}
    ]
    peer_data = export_data(ready.peer)["conversations"]
    assert peer_data["conversations"][0]["role"] == "helper"
    assert peer_data["peer_profile"]["topics"] == ["anxiety"]
    assert peer_data["requests"] == []  # the seeker's words are not the peer's data


@pytest.mark.django_db
def test_deleting_the_seekers_account_removes_their_conversations(ready, conversation):
    ask(ready.helga)
    delete_account(ready.mira)
    assert not Conversation.objects.exists()
    assert not Room.objects.filter(pk=conversation.room_id).exists()
    assert list(ConversationRequest.objects.values_list("seeker__pseudonym", flat=True)) == [
        "Helga"
    ]


@pytest.mark.django_db
def test_deleting_the_peers_account_ends_their_open_conversations(ready, conversation):
    delete_account(ready.peer)
    conversation.refresh_from_db()
    assert conversation.status == "ended" and conversation.peer is None
