"""Two people chat in one self-help group, live, in a real Chromium, over real WebSockets.

Django's live_server speaks only WSGI, so this starts ``augenhoehe serve`` (uvicorn, ASGI)
in a subprocess against a temporary SQLite file. Every page is checked with axe-core.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import PASSWORD, check_accessibility, open_as
from tests.support import running_server

pytestmark = pytest.mark.browser

SETUP = f"""
from augenhoehe.accounts.actions import register_user
from augenhoehe.groups import actions
anna = register_user(pseudonym="Anna", password="{PASSWORD}", perspective="affected")
ben = register_user(pseudonym="Ben", password="{PASSWORD}", perspective="relative")
group = actions.create_group(name="Abendrunde", topic="depression", rules="Respekt.",
                             description="Austausch am Abend")
actions.create_group(name="Angst & Panik", topic="anxiety", join_policy="closed")
actions.join_group(anna, group.pk, accept_rules=True)
from augenhoehe.accounts.actions import grant_role
lena = register_user(pseudonym="Lena", password="{PASSWORD}", perspective="affected")
grant_role(lena, "moderator")
"""


@pytest.fixture(scope="module")
def asgi_server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("asgi"), SETUP) as url:
        yield url


def messages_with(page, text: str):
    return page.locator(".chat-log li.msg[data-seq]", has_text=text)


def send(page, text: str) -> None:
    page.get_by_label("Deine Nachricht").fill(text)
    page.get_by_role("button", name="Senden").click()


def test_two_people_chat_live_and_across_a_lost_connection(browser, asgi_server):
    from playwright.sync_api import expect

    anna_context, anna = open_as(browser, asgi_server, "Anna")
    ben_context, ben = open_as(
        browser, asgi_server, "Ben", viewport={"width": 360, "height": 740}, has_touch=True
    )
    try:
        anna.goto("/gruppen/")
        expect(anna.get_by_role("link", name="Abendrunde")).to_be_visible()
        check_accessibility(anna)
        anna.get_by_label("Thema").select_option("anxiety")
        expect(anna.get_by_role("link", name="Abendrunde")).to_have_count(0)
        expect(anna.get_by_role("link", name="Angst & Panik")).to_be_visible()

        ben.goto("/gruppen/abendrunde/")
        check_accessibility(ben)
        ben.get_by_role("button", name="Gruppe beitreten").click()
        expect(ben.locator(".error")).to_be_visible()  # the rules must be accepted first
        ben.get_by_label("Ich habe die Gruppenregeln gelesen und stimme ihnen zu.").check()
        ben.get_by_role("button", name="Gruppe beitreten").click()
        chat_b = ben.locator("[data-chat]")
        expect(chat_b).to_have_attribute("data-state", "connected")
        check_accessibility(ben)

        anna.goto("/gruppen/abendrunde/")
        chat_a = anna.locator("[data-chat]")
        expect(chat_a).to_have_attribute("data-state", "connected")
        check_accessibility(anna)

        send(anna, "Hallo Ben, schön dass du da bist! https://example.org/info")
        expect(messages_with(ben, "Hallo Ben")).to_have_count(1)
        link = messages_with(ben, "Hallo Ben").get_by_role("link")
        expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
        expect(ben.locator("[data-chat-announce]")).to_have_text("Neue Nachricht von Anna")
        send(ben, "Danke, Anna <b>!</b>")
        expect(messages_with(anna, "Danke, Anna <b>!</b>")).to_have_count(1)
        check_accessibility(anna)  # the messages the script built, with their buttons

        # Ben loses the connection: the page says so, and his message waits.
        ben_context.set_offline(True)
        expect(ben.locator("[data-chat-status]")).to_contain_text(
            "Verbindung wird wiederhergestellt"
        )
        send(anna, "Während du weg warst")
        expect(messages_with(anna, "Während du weg warst")).to_have_count(1)
        send(ben, "Offline geschrieben")
        expect(ben.locator(".chat-log li.pending", has_text="Offline geschrieben")).to_have_count(1)
        ben.wait_for_timeout(300)
        expect(messages_with(ben, "Während du weg warst")).to_have_count(0)

        ben_context.set_offline(False)
        expect(chat_b).to_have_attribute("data-state", "connected", timeout=15_000)
        expect(messages_with(ben, "Während du weg warst")).to_have_count(1)
        expect(messages_with(anna, "Offline geschrieben")).to_have_count(1)
        expect(messages_with(ben, "Offline geschrieben")).to_have_count(1)
        expect(ben.locator(".chat-log li.pending")).to_have_count(0)
        ben.wait_for_timeout(500)
        expect(messages_with(ben, "Während du weg warst")).to_have_count(1)
        expect(messages_with(anna, "Offline geschrieben")).to_have_count(1)

        # The server stored each message once: a fresh page shows the same.
        ben.reload()
        for text in ("Hallo Ben", "Danke, Anna", "Während du weg warst", "Offline geschrieben"):
            expect(messages_with(ben, text)).to_have_count(1)
        seqs = ben.locator(".chat-log li.msg[data-seq]").evaluate_all(
            "nodes => nodes.map(n => Number(n.dataset.seq))"
        )
        assert seqs == [1, 2, 3, 4]
        assert ben.evaluate("document.documentElement.scrollWidth") <= 360
        check_accessibility(ben)
    finally:
        anna_context.close()
        ben_context.close()


def test_a_moderator_starts_a_group_with_the_form(browser, asgi_server):
    """The form is accessible with and without errors; the new group opens at once."""
    from playwright.sync_api import expect

    context, page = open_as(browser, asgi_server, "Lena")
    try:
        page.goto("/gruppen/")
        page.get_by_role("link", name="Gruppe gründen").click()
        expect(page.get_by_role("heading", name="Gruppe gründen")).to_be_visible()
        check_accessibility(page)
        page.get_by_label("Gruppenregeln").fill("Wir hören einander zu.")
        page.get_by_role("button", name="Gruppe eröffnen").click()
        expect(page.get_by_role("alert")).to_contain_text("Bitte gib der Gruppe einen Namen.")
        check_accessibility(page)
        page.get_by_label("Name").fill("Morgenkreis")
        page.get_by_label("Thema").select_option("anxiety")
        page.get_by_role("button", name="Gruppe eröffnen").click()
        expect(page.get_by_role("heading", name="Morgenkreis")).to_be_visible()
        expect(page.get_by_text("Du begleitest sie.")).to_be_visible()
        check_accessibility(page)
    finally:
        context.close()
