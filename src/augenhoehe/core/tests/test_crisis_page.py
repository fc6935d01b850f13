"""The crisis page: 112 first, crisis lines for Germany, Austria and Switzerland, calm words."""

from __future__ import annotations

import pytest

from augenhoehe.core.tests.pages import page

CRISIS = "/hilfe/"


def tel_links(html) -> set[str]:
    return {a["href"] for a in html.links() if a.get("href", "").startswith("tel:")}


@pytest.mark.django_db
def test_crisis_page_has_112_and_lines_for_de_at_ch(client):
    html = page(client.get(CRISIS))
    links = tel_links(html)
    assert "tel:112" in links
    assert {"tel:08001110111", "tel:08001110222", "tel:116123"} <= links  # DE
    assert {"tel:142", "tel:144"} <= links  # AT
    assert {"tel:143", "tel:147"} <= links  # CH
    headings = [h for h in html.text if h in ("Deutschland", "Österreich", "Schweiz")]
    assert headings[:3] == ["Deutschland", "Österreich", "Schweiz"]


@pytest.mark.django_db
def test_crisis_page_shows_hours_and_the_peer_support_statement(client):
    text = page(client.get(CRISIS)).visible_text
    assert "24/7" in text
    assert "Mo–Sa 14–20 Uhr" in text
    assert "kostenfrei" in text
    assert "Peer-Unterstützung ergänzt professionelle Hilfe, aber sie ersetzt sie nicht." in text
    assert "Ruf den Notruf 112 an" in text


@pytest.mark.django_db
def test_crisis_page_puts_the_chosen_country_first(client):
    text = page(client.get(CRISIS + "?country=ch")).text
    countries = [t for t in text if t in ("Deutschland", "Österreich", "Schweiz")]
    assert countries[0] == "Schweiz"


@pytest.mark.django_db
def test_crisis_page_ignores_an_unknown_country(client):
    response = client.get(CRISIS + "?country=<script>")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


@pytest.mark.django_db
def test_crisis_page_in_english(client):
    client.cookies["augenhoehe_language"] = "en"
    text = page(client.get(CRISIS)).visible_text
    assert "Help in a crisis" in text
    assert "Germany" in text
    assert "does not replace it" in text


@pytest.mark.django_db
def test_crisis_page_needs_no_login(client):
    assert client.get(CRISIS).status_code == 200


@pytest.mark.django_db
def test_inactive_resources_are_not_listed(client):
    from augenhoehe.safety.models import CrisisResource

    CrisisResource.objects.filter(phone="143").update(is_active=False)
    assert "tel:143" not in tel_links(page(client.get(CRISIS)))
