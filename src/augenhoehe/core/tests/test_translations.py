"""German is the default and every UI string has a German translation."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from augenhoehe.core.tests.pages import PUBLIC_PAGES, SIGNED_IN_PAGES, page

SRC = Path(__file__).resolve().parents[2]
CATALOGUES = [
    SRC / app / "locale" / "de" / "LC_MESSAGES" / "django.po"
    for app in ("core", "accounts", "safety")
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")

# Text that is the same in both languages: names and the language names themselves.
SAME_IN_BOTH = {"Augenhöhe", "Deutsch", "English", "Pseudonym", "Mira"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_message_is_translated(path):
    catalogue = polib.pofile(str(path))
    assert catalogue.metadata["Language"] == "de"
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.obsolete_entries() == []
    for entry in catalogue:
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            assert translation.strip(), entry.msgid
            assert sorted(PLACEHOLDER.findall(translation)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogues_are_compiled(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists()
    assert compiled.stat().st_mtime >= path.stat().st_mtime


@pytest.mark.django_db
def test_german_is_the_default(client):
    response = client.get("/")
    assert response["Content-Language"] == "de"
    text = page(response).visible_text
    assert "Peer-Unterstützung auf Augenhöhe" in text
    assert "Seite schnell verlassen" in text
    assert "Peer support as equals" not in text


@pytest.mark.django_db
def test_english_browsers_get_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert response["Content-Language"] == "en"
    assert "Leave this page quickly" in page(response).visible_text


@pytest.mark.django_db
def test_no_english_is_left_on_german_pages(client, cast):
    """Text that reads the same in German and English is an untranslated string."""
    client.force_login(cast.mira)
    paths = [p for p in PUBLIC_PAGES if p != "/hilfe/"] + SIGNED_IN_PAGES
    for path in paths:
        client.cookies["augenhoehe_language"] = "de"
        german = set(page(client.get(path)).text)
        client.cookies["augenhoehe_language"] = "en"
        english = set(page(client.get(path)).text)
        leftovers = {
            text
            for text in german & english
            if text not in SAME_IN_BOTH and any(c.isalpha() for c in text)
        }
        assert not leftovers, (path, leftovers)
