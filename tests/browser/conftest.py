"""Real-browser journeys: Debian's Chromium driven by Playwright against the live server.

Every page a test visits is checked by axe-core (WCAG 2.1 A and AA) and every request the
browser makes is recorded, so a stray third-party request fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="package", autouse=True)
def allow_database_access_beside_playwright():
    """Playwright's sync API keeps an event loop running in this thread, and Django then
    refuses database access (the test's own set-up and flush) as "async unsafe".

    Only for these tests, not the whole session: elsewhere the check finds real bugs.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser(allow_database_access_beside_playwright):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it"
        if IN_CI:
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Visitor:
    """One person's browser tab: navigation that checks every page it lands on."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.requests: list[str] = []
        self.checked: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        # Script errors and CSP refusals ("Refused to load ...") show up here.
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console",
            lambda message: message.type == "error" and self.errors.append(message.text),
        )

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, *, check: bool = True):
        response = self.page.goto(self.url(path))
        if check:
            self.check_accessibility()
        return response

    def check_accessibility(self) -> None:
        """Zero axe-core violations for WCAG 2.1 A and AA on the current page."""
        from axe_playwright_python.sync_playwright import Axe

        self.page.wait_for_load_state("load")
        results = Axe().run(
            self.page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        self.checked.append(self.page.url)
        if results.violations_count:
            pytest.fail(
                f"axe found accessibility problems on {self.page.url}:\n"
                + results.generate_report(),
                pytrace=False,
            )

    def unexpected_errors(self) -> list[str]:
        # The lock page answers 429 on purpose; Chromium logs every 4xx as a console error.
        expected = "the server responded with a status of 429"
        return [error for error in self.errors if expected not in error]

    def foreign_requests(self) -> list[str]:
        own = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != own
        ]


@pytest.fixture
def visitor_factory(browser, live_server):
    contexts = []
    visitors: list[Visitor] = []

    def make(**context_options) -> Visitor:
        options = {"locale": "de-DE", "viewport": {"width": 1280, "height": 900}}
        options.update(context_options)
        context = browser.new_context(**options)
        contexts.append(context)
        visitor = Visitor(context.new_page(), live_server.url)
        visitors.append(visitor)
        return visitor

    yield make
    for context in contexts:
        context.close()
    for visitor in visitors:
        assert visitor.foreign_requests() == [], "requests to a third-party host"
        assert visitor.unexpected_errors() == [], "errors in the browser console"


@pytest.fixture
def crisis_lines(transactional_db):
    """The crisis lines a data migration installs; transactional tests empty every table."""
    from importlib import import_module

    from django.apps import apps

    from augenhoehe.safety.models import CrisisResource

    if not CrisisResource.objects.exists():
        import_module("augenhoehe.safety.migrations.0002_crisis_resources").add_resources(
            apps, None
        )


@pytest.fixture
def visitor(visitor_factory) -> Visitor:
    return visitor_factory()
