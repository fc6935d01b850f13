"""Shared steps of the browser journeys that run against a real ASGI server."""

from __future__ import annotations

import re

import pytest

PASSWORD = "ein-sicheres-passwort-42"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def check_accessibility(page) -> None:
    """Zero axe-core violations of WCAG 2.1 A and AA on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    if results.violations_count:
        pytest.fail(
            f"axe found accessibility problems on {page.url}:\n" + results.generate_report(),
            pytrace=False,
        )


def open_as(browser, base: str, pseudonym: str, **options):
    """A new browser context logged in as ``pseudonym`` (German UI)."""
    context = browser.new_context(locale="de-DE", base_url=base, **options)
    page = context.new_page()
    page.goto("/konto/anmelden/")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    return context, page
