"""The pages every person can reach, and a small HTML reader for tests about all of them."""

from __future__ import annotations

from html.parser import HTMLParser

PUBLIC_PAGES = [
    "/",
    "/datenschutz/",
    "/impressum/",
    "/hilfe/",
    "/konto/anmelden/",
    "/konto/registrieren/",
]
SIGNED_IN_PAGES = ["/konto/profil/", "/konto/profil/loeschen/"]
NEUTRAL_PAGE = "/rezepte/apfelkuchen/"


class Page(HTMLParser):
    """Collects tags with their attributes, and the visible text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(" ".join(data.split()))

    def find_all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def links(self) -> list[dict[str, str]]:
        return self.find_all("a")

    @property
    def visible_text(self) -> str:
        return " ".join(self.text)


def page(response) -> Page:
    return Page(response.content.decode())
