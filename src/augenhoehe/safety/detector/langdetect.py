"""Tiny stop-word based language guess (``de`` / ``en``) for chat messages.

German dialect function words (Bavarian, Austrian, Swiss) count as German.
Falls back to ``de`` (the platform's first language) when nothing is known.
"""
from __future__ import annotations

import re

_DE = frozenset(
    """ich i mi mir mich mei mein meine meiner meinem meinen du di dir dich der die das des dem den ein eine einen einem
    einer nen ne n und oder aber nicht nich ned net nit noed nix nichts kein keine keinen ist is isch bin bist sind
    war wär waer hab habe hat hast haben hob hoab wie was wer wo warum wenn weil dass dann doch noch schon
    auch nur mal grad gerade heute heut morgen mit auf aufm fuer für von vom zum zur im in bei so echt halt eh
    einfach gut mehr nimma nimmer nuemme nume sich uns euch ihr er sie es wir ja nein nee jo gell oida servus
    grüezi gruezi zäme zaeme hoit ma mog ned do des isch het hät gsi chli eifach gaht gehts geht mach mache
    machen kann könnte will wollte soll muss würde würd wuerd jetzt immer alles alle man""".split()
)
_EN = frozenset(
    """i im i'm me my mine you your the a an and or but not no dont don't cant can't wont won't is are was were
    am be been have has had do does did to of in on at for with just so really this that it its it's what
    who why when if because then still already today tonight tomorrow anyone everyone someone feel like
    want wanna gonna going get got know idk tbh lol rn myself anymore about all any can could would should
    will there they them he she we us our his her out up from""".split()
)
_TOKEN = re.compile(r"[a-zäöüß']+")


def language_scores(norm_text: str) -> tuple[int, int]:
    """(German, English) function-word counts; words in both lists count for neither."""
    de = en = 0
    for tok in _TOKEN.findall(norm_text):
        d, e = tok in _DE, tok in _EN
        if d and not e:
            de += 1
        elif e and not d:
            en += 1
    return de, en


def detect_language(norm_text: str, raw_text: str = "") -> str:
    """Return ``'de'`` or ``'en'`` for already normalised text."""
    de, en = language_scores(norm_text)
    if raw_text and any(c in raw_text for c in "äöüÄÖÜß"):
        de += 2
    if en > de:
        return "en"
    return "de"
