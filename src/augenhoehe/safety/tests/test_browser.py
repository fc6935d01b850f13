"""End to end in a real Chromium over real WebSockets: a risky message in a group shows
the writer alone a card; the professional's alert list announces the alert live; the
professional acknowledges it. Every page is checked with axe-core (WCAG 2.1 A/AA)."""

from __future__ import annotations

import re

import pytest
from tests.support import running_server

from augenhoehe.safety.tests.conftest import RISKY_DE

pytestmark = pytest.mark.browser

SETUP = """
from augenhoehe.accounts.actions import grant_role, register_user
from augenhoehe.groups import actions
pw = "{password}"
anna = register_user(pseudonym="Anna", password=pw, perspective="affected")
ben = register_user(pseudonym="Ben", password=pw, perspective="relative")
krause = register_user(pseudonym="Krause", password=pw, perspective="unspecified")
grant_role(krause, "professional")
lena = register_user(pseudonym="Lena", password=pw, perspective="affected")
grant_role(lena, "moderator")
group = actions.create_group(name="Abendrunde", topic="depression", rules="Respekt.",
                             description="Austausch am Abend")
actions.join_group(anna, group.pk, accept_rules=True)
actions.join_group(ben, group.pk, accept_rules=True)
"""


@pytest.fixture(scope="module")
def browser():
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``augenhoehe serve`` (ASGI) on a temporary SQLite file, as in the group chat test."""
    from tests.browser import test_group_chat as chat_journey

    setup = SETUP.format(password=chat_journey.PASSWORD)
    with running_server(tmp_path_factory.mktemp("safety-e2e"), setup) as url:
        yield url


def test_writer_sees_the_card_others_do_not_and_staff_are_alerted_live(browser, server):
    from playwright.sync_api import expect
    from tests.browser.test_group_chat import check_accessibility, messages_with, open_as, send

    anna_context, anna = open_as(browser, server, "Anna")
    ben_context, ben = open_as(browser, server, "Ben")
    krause_context, krause = open_as(browser, server, "Krause")
    errors: list[str] = []
    for page in (anna, ben, krause):
        page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        krause.goto("/krisenhinweise/")
        expect(krause.get_by_role("heading", name="Krisenmeldungen")).to_be_visible()
        check_accessibility(krause)
        for page in (anna, ben):
            page.goto("/gruppen/abendrunde/")
            expect(page.locator("[data-chat]")).to_have_attribute("data-state", "connected")

        send(anna, RISKY_DE)
        card = anna.locator(".support-card")
        expect(card).to_be_visible()
        expect(card.get_by_role("heading", name="Du bist nicht allein")).to_be_visible()
        expect(card.locator('a[href="tel:08001110111"]')).to_have_count(1)
        expect(card.get_by_role("link", name="Jetzt mit einem Peer sprechen")).to_be_visible()
        check_accessibility(anna)

        expect(messages_with(ben, "Tabletten")).to_have_count(1)
        ben.wait_for_timeout(300)
        expect(ben.locator(".support-card")).to_have_count(0)

        live = krause.locator("#alerts-live")
        expect(live).to_contain_text("Neue Krisenmeldung")
        live.get_by_role("link").click()
        krause.wait_for_url(re.compile(r"/krisenhinweise/\d+/$"))
        expect(krause.locator("main")).to_contain_text("Anna")
        expect(krause.locator("main")).not_to_contain_text("Tabletten")
        check_accessibility(krause)
        krause.get_by_label("Notiz (freiwillig)").fill("Habe Anna angeschrieben.")
        krause.get_by_role("button", name="Übernehmen").click()
        expect(krause.locator("main")).to_contain_text("übernommen von Krause")

        card.get_by_role("link", name="Warum sehe ich das?").click()
        anna.wait_for_url(re.compile(r"/hilfe/warum/\d+/$"))
        expect(anna.locator("main")).not_to_contain_text("Tabletten")
        check_accessibility(anna)
        assert errors == []
    finally:
        for context in (anna_context, ben_context, krause_context):
            context.close()


def test_a_moderator_goes_on_duty_from_the_alert_list(browser, server):
    """The duty desk for a moderator: reachable from the alert list, accessible, and the
    switch says what it means (crisis alerts, no handovers)."""
    from playwright.sync_api import expect
    from tests.browser.test_group_chat import check_accessibility, open_as

    context, page = open_as(browser, server, "Lena")
    try:
        page.goto("/krisenhinweise/")
        page.get_by_role("link", name="Meinen Dienst beginnen oder beenden").click()
        expect(page.get_by_role("heading", name="Mein Dienst", exact=True)).to_be_visible()
        expect(page.locator("main")).to_contain_text("Du hast keinen Dienst.")
        expect(page.locator("main")).not_to_contain_text("Übergeben")
        check_accessibility(page)
        page.get_by_role("button", name="Dienst beginnen").click()
        expect(page.locator("main")).to_contain_text(
            "Du hast Dienst: Krisenmeldungen kommen zu dir."
        )
        check_accessibility(page)
        page.get_by_role("button", name="Dienst beenden").click()
        expect(page.locator("main")).to_contain_text("Du hast keinen Dienst.")
    finally:
        context.close()
