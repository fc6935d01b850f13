"""Journeys in a real Chromium: join, leave, come back, switch language, leave quickly.

Every page visited is checked with axe-core (WCAG 2.1 A/AA) and every request must go to
the live server only (see conftest.py).
"""

from __future__ import annotations

import re

import pytest

pytestmark = [
    pytest.mark.browser,
    # Transactional, as the live server runs in another thread and must see the data.
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "ein-sicheres-passwort-42"
MAIN_PAGES = [
    "/",
    "/hilfe/",
    "/datenschutz/",
    "/impressum/",
    "/konto/anmelden/",
    "/konto/registrieren/",
]
NEUTRAL = "/rezepte/apfelkuchen/"


def make_account(pseudonym: str = "Kranich"):
    from augenhoehe.accounts.actions import register_user

    return register_user(pseudonym=pseudonym, password=PASSWORD, perspective="affected")


def log_in(visitor, pseudonym: str, password: str = PASSWORD) -> None:
    page = visitor.page
    visitor.goto("/konto/anmelden/")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Passwort").fill(password)
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state("load")


def test_join_with_a_suggested_pseudonym_log_out_and_log_in_again(visitor):
    page = visitor.page
    visitor.goto("/")
    page.locator("main").get_by_role("link", name="Mit einem Pseudonym mitmachen").click()
    assert page.url == visitor.url("/konto/registrieren/")
    visitor.check_accessibility()

    # The suggestion button asks the server for a new pseudonym (htmx) and swaps the field.
    field = page.locator("#id_pseudonym")
    first = field.input_value()
    assert first
    for _ in range(3):
        page.get_by_role("button", name="Pseudonym vorschlagen").click()
        page.wait_for_function(
            "old => document.querySelector('#id_pseudonym').value !== old", arg=first
        )
        if field.input_value() != first:
            break
    pseudonym = field.input_value()
    assert pseudonym != first
    assert page.get_by_label("Pseudonym").input_value() == pseudonym  # still labelled

    # A weak password first: the errors are shown accessibly.
    page.get_by_label("Passwort").fill("passwort")
    page.get_by_role("button", name="Konto anlegen").click()
    assert page.get_by_role("alert").is_visible()
    visitor.check_accessibility()

    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_label("Angehörige:r").check()
    page.get_by_role("button", name="Konto anlegen").click()
    page.wait_for_url(visitor.url("/"))
    assert f"Willkommen, {pseudonym}!" in page.locator("main").inner_text()
    visitor.check_accessibility()

    page.get_by_role("link", name="Mein Profil").click()
    assert pseudonym in page.locator("main").inner_text()
    assert page.get_by_label("Angehörige:r").is_checked()
    visitor.check_accessibility()

    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(visitor.url("/"))
    assert "Du bist abgemeldet." in page.locator("main").inner_text()
    visitor.check_accessibility()

    log_in(visitor, pseudonym.lower())
    assert page.url == visitor.url("/")
    assert page.get_by_role("link", name="Mein Profil").is_visible()
    visitor.check_accessibility()


def test_a_wrong_password_and_the_lock_are_explained(visitor):
    from django.conf import settings

    make_account()
    page = visitor.page
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(visitor, "Kranich", "falsch-falsch")
    assert "gesperrt" in page.locator("main").inner_text()
    assert re.search(r"in \d+ Minuten", page.locator("main").inner_text())
    visitor.check_accessibility()


def test_switch_language_to_english_and_back(visitor):
    page = visitor.page
    visitor.goto("/datenschutz/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=1).inner_text() == "Datenschutz"

    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Sprache wechseln").click()
    page.wait_for_load_state("load")
    assert page.url == visitor.url("/datenschutz/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy"
    assert page.get_by_role("link", name="Leave this page quickly").is_visible()
    visitor.check_accessibility()

    visitor.goto("/")  # the choice is remembered
    assert page.get_by_role("heading", level=1).inner_text() == "Peer support as equals"

    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == "Peer-Unterstützung auf Augenhöhe"
    visitor.check_accessibility()


def assert_left_for_the_neutral_page(visitor, left_path: str) -> None:
    page = visitor.page
    page.wait_for_url(visitor.url(NEUTRAL))
    assert "Apfelkuchen" in page.title()
    assert "Augenh" not in page.content()
    visitor.check_accessibility()
    # location.replace() put the neutral page in place of the one left, so Back never
    # returns to it. It cannot erase pages visited before that one (see README).
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url != visitor.url(left_path)


def test_quick_exit_button(visitor):
    page = visitor.page
    visitor.goto("/")
    visitor.goto("/hilfe/")
    page.get_by_role("link", name="Seite schnell verlassen").click()
    assert_left_for_the_neutral_page(visitor, "/hilfe/")
    assert page.url == visitor.url("/")


def test_quick_exit_with_escape_three_times(visitor):
    make_account()
    page = visitor.page
    log_in(visitor, "Kranich")
    visitor.goto("/konto/profil/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    assert page.url == visitor.url("/konto/profil/")  # twice is not enough
    page.keyboard.press("Escape")
    assert_left_for_the_neutral_page(visitor, "/konto/profil/")


def test_quick_exit_from_the_first_page_of_a_tab_leaves_no_trace(visitor):
    page = visitor.page
    visitor.goto("/datenschutz/")
    page.get_by_role("link", name="Seite schnell verlassen").click()
    page.wait_for_url(visitor.url(NEUTRAL))
    page.go_back()
    page.wait_for_timeout(200)
    assert not page.url.startswith(visitor.base_url) or page.url == visitor.url(NEUTRAL)


def test_quick_exit_works_without_javascript(visitor_factory):
    visitor = visitor_factory(java_script_enabled=False)
    visitor.goto("/hilfe/", check=False)
    visitor.page.get_by_role("link", name="Seite schnell verlassen").click()
    visitor.page.wait_for_url(visitor.url(NEUTRAL))


def test_crisis_page_has_tel_links_for_112_and_de_at_ch(visitor, crisis_lines):
    page = visitor.page
    visitor.goto("/")
    page.get_by_role("link", name="Hilfe in der Krise").click()
    assert page.url == visitor.url("/hilfe/")
    visitor.check_accessibility()
    links = page.eval_on_selector_all(
        "a[href^='tel:']", "links => links.map(a => a.getAttribute('href'))"
    )
    assert "tel:112" in links
    for number in ("tel:08001110111", "tel:116123", "tel:142", "tel:143"):
        assert number in links, number
    for country in ("Deutschland", "Österreich", "Schweiz"):
        assert page.get_by_role("heading", name=country).is_visible()
    assert page.get_by_role("link", name="112 anrufen").is_visible()
    assert "ersetzt sie nicht" in page.locator("main").inner_text()


def test_join_and_log_in_work_without_javascript(visitor_factory):
    visitor = visitor_factory(java_script_enabled=False)
    page = visitor.page
    visitor.goto("/konto/registrieren/", check=False)
    page.get_by_label("Pseudonym").fill("Ohne Skript")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Konto anlegen").click()
    page.wait_for_url(visitor.url("/"))
    assert "Willkommen, Ohne Skript!" in page.locator("main").inner_text()
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(visitor.url("/"))
    page.get_by_role("link", name="Anmelden").first.click()
    page.get_by_label("Pseudonym").fill("ohne skript")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(visitor.url("/"))
    assert page.get_by_role("link", name="Mein Profil").is_visible()


def no_horizontal_scroll(visitor, width: int) -> None:
    page = visitor.page
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (page.url, scroll_width)
    button = page.get_by_role("link", name="Seite schnell verlassen")
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, page.url
    assert box["y"] + box["height"] <= page.viewport_size["height"], "quick exit not on screen"


def test_main_pages_fit_a_360_pixel_phone(visitor_factory):
    visitor = visitor_factory(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    make_account()
    for path in MAIN_PAGES:
        visitor.goto(path)
        no_horizontal_scroll(visitor, 360)
    log_in(visitor, "Kranich")
    for path in ("/konto/profil/", "/konto/profil/loeschen/"):
        visitor.goto(path)
        no_horizontal_scroll(visitor, 360)


def test_main_pages_at_200_percent_zoom(visitor_factory):
    """A 1280 x 800 window at 200 % zoom lays out like a 640 x 400 CSS-pixel viewport."""
    visitor = visitor_factory(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    for path in MAIN_PAGES:
        visitor.goto(path)
        no_horizontal_scroll(visitor, 640)


def test_keyboard_users_see_the_skip_link_and_the_focus(visitor):
    page = visitor.page
    visitor.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, "the skip link must appear when focused"
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
