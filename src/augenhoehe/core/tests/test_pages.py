"""Every page: landmarks, quick exit, the crisis link, no third-party resources, no inline code."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import override_settings

from augenhoehe.core.tests.pages import NEUTRAL_PAGE, PUBLIC_PAGES, SIGNED_IN_PAGES, page

RESOURCE_ATTRIBUTES = {
    "link": "href",
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
}


def every_page(client, cast):
    """(path, response) for every page a person can see, signed out and signed in."""
    for path in PUBLIC_PAGES:
        yield path, client.get(path)
    client.force_login(cast.mira)
    for path in SIGNED_IN_PAGES:
        yield path, client.get(path)
    yield "/ (signed in)", client.get("/")
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post("/konto/anmelden/", {"pseudonym": "Mira", "password": "falsch-123"})
    assert locked.status_code == 429
    yield "lock page", locked


@pytest.mark.django_db
def test_every_page_has_landmarks_a_skip_link_and_one_heading(client, cast):
    for path, response in every_page(client, cast):
        assert response.status_code in (200, 429), path
        html = page(response)
        assert html.find_all("html", lang="de"), path
        assert html.find_all("a", class_="skip-link", href="#main"), path
        for landmark in ("header", "nav", "footer"):
            assert html.find_all(landmark), (path, landmark)
        assert html.find_all("main", id="main"), path
        assert len(html.find_all("h1")) == 1, path
        assert html.find_all("meta", name="viewport"), path
        # Every form control has a label (or is hidden / a button).
        labelled = {tag.get("for") for tag in html.find_all("label")}
        for name, attrs in html.tags:
            if name in ("input", "select", "textarea") and attrs.get("type") not in (
                "hidden",
                "submit",
            ):
                assert attrs.get("id") in labelled or attrs.get("aria-label"), (path, attrs)


@pytest.mark.django_db
def test_every_page_has_the_quick_exit_and_the_crisis_link(client, cast):
    exit_url = settings.AUGENHOEHE["QUICK_EXIT_URL"]
    for path, response in every_page(client, cast):
        html = page(response)
        exits = html.find_all("a", class_="quick-exit")
        assert len(exits) == 1, path
        assert exits[0]["href"] == exit_url
        assert "data-quick-exit" in exits[0]
        assert html.find_all("body")[0]["data-quick-exit-url"] == exit_url
        assert "Seite schnell verlassen" in html.visible_text, path
        assert any(a.get("href") == "/hilfe/" for a in html.links()), path
        assert "Hilfe in der Krise" in html.visible_text, path
        assert "112" in html.visible_text, path


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_host(client, cast):
    for path, response in every_page(client, cast):
        for tag, attrs in page(response).tags:
            attribute = RESOURCE_ATTRIBUTES.get(tag)
            if attribute is None or attribute not in attrs:
                continue
            url = urlsplit(attrs[attribute])
            assert not url.netloc, (path, tag, attrs[attribute])
            assert url.scheme in ("", "data"), (path, tag, attrs[attribute])


@pytest.mark.django_db
def test_no_page_has_inline_script_style_or_handlers(client, cast):
    """The strict CSP would block them, so they must not be needed."""
    for path, response in every_page(client, cast):
        for tag, attrs in page(response).tags:
            if tag == "script":
                assert attrs.get("src"), (path, "inline <script>")
            assert tag != "style", (path, "inline <style>")
            assert "style" not in attrs, (path, tag, attrs)
            assert not [a for a in attrs if a.startswith("on")], (path, tag, attrs)


@pytest.mark.django_db
def test_pages_of_signed_in_people_are_not_cached(client, cast):
    client.force_login(cast.mira)
    for path in [*SIGNED_IN_PAGES, "/"]:
        assert "no-store" in client.get(path)["Cache-Control"], path


@pytest.mark.django_db
def test_the_quick_exit_target_is_configurable(client):
    config = {**settings.AUGENHOEHE, "QUICK_EXIT_URL": "https://wetter.example/"}
    with override_settings(AUGENHOEHE=config):
        html = page(client.get("/"))
    assert html.find_all("a", class_="quick-exit")[0]["href"] == "https://wetter.example/"


@pytest.mark.django_db
def test_the_neutral_page_reveals_nothing_about_this_site(client):
    response = client.get(NEUTRAL_PAGE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    html = page(response)
    assert settings.AUGENHOEHE["SITE_NAME"] not in text
    assert "Augenh" not in text
    assert "augenhoehe" not in text.lower()
    for word in ("Krise", "crisis", "Peer", "Hilfe", "Pseudonym", "quick"):
        assert word not in text, word
    assert not html.find_all("script")
    assert not html.links()
    assert "Apfelkuchen" in html.visible_text


@pytest.mark.django_db
def test_landing_page_says_what_this_is_and_is_not(client):
    html = page(client.get("/"))
    text = html.visible_text
    assert "Peer-Unterstützung auf Augenhöhe" in text
    assert "Sie ersetzt sie nicht" in text
    assert any(a.get("href") == "/konto/registrieren/" for a in html.links())


@pytest.mark.django_db
def test_landing_page_greets_a_signed_in_person(client, cast):
    client.force_login(cast.helga)
    text = page(client.get("/")).visible_text
    assert "Schön, dass du wieder da bist, Helga." in text
    assert "Mit einem Pseudonym mitmachen" not in text


@pytest.mark.django_db
def test_privacy_page_explains_what_is_not_stored(client):
    text = page(client.get("/datenschutz/")).visible_text
    assert "Keine IP-Adressen" in text
    assert "Argon2" in text


@pytest.mark.django_db
def test_imprint_shows_the_configured_text_escaped(client):
    config = {**settings.AUGENHOEHE, "IMPRINT": "Verein Beispiel e. V.\nMusterweg 1 <b>x</b>"}
    with override_settings(AUGENHOEHE=config):
        response = client.get("/impressum/")
    text = response.content.decode()
    assert "Verein Beispiel e. V.<br>Musterweg 1 &lt;b&gt;x&lt;/b&gt;" in text


@pytest.mark.django_db
def test_imprint_without_configuration_says_so(client):
    config = {**settings.AUGENHOEHE, "IMPRINT": ""}
    with override_settings(AUGENHOEHE=config):
        text = page(client.get("/impressum/")).visible_text
    assert "IMPRINT_TEXT" in text


@pytest.mark.django_db
def test_site_name_is_configurable(client):
    config = {**settings.AUGENHOEHE, "SITE_NAME": "Mitnander"}
    with override_settings(AUGENHOEHE=config):
        html = page(client.get("/"))
    assert "Mitnander" in html.visible_text


@pytest.mark.django_db
def test_the_admin_is_usable_for_staff(client, cast):
    from augenhoehe.accounts.actions import grant_role

    grant_role(cast.helga, "orgadmin")
    client.force_login(cast.helga)
    for url in (
        "/verwaltung/",
        "/verwaltung/accounts/user/",
        f"/verwaltung/accounts/user/{cast.mira.pk}/change/",
        "/verwaltung/accounts/rolegrant/",
        "/verwaltung/safety/crisisresource/",
    ):
        assert client.get(url).status_code == 200, url
