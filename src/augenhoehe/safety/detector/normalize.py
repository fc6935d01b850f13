"""Text normalisation for the crisis detector.

The detector matches on a *normalised* copy of the message:

* casefold (``ß`` -> ``ss``), German umlauts folded to their two-letter form
  (``ä`` -> ``ae``, ``ö`` -> ``oe``, ``ü`` -> ``ue``, also when written with a
  combining diaeresis); rule patterns are folded the other way round, so a
  pattern written with ``ü`` matches ``ü``, ``ue`` and a bare ``u`` typo
  (see :func:`fold_pattern`);
* other accents stripped (``é`` -> ``e``);
* zero-width characters, soft hyphens and emoji variation selectors removed;
* typographic quotes unified; an apostrophe *between letters* is dropped
  (``don't`` -> ``dont``, ``geht's`` -> ``gehts``), any other one becomes ``"``;
* runs of three or more identical letters collapsed to one (``soooo`` -> ``so``).

All steps only delete characters or replace one character by one or two, so
:func:`offset_map` can map every normalised position back to the original
text. The map is built lazily, only when a message produced matches.
"""

from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = (
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\ufe0e\ufe0f\u180e"
)
_SQUOTES = "\u2018\u2019\u201a\u201b\u0060\u00b4\u02bc\u2032\uff07"
_DQUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2039\u203a\uff02"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and base != ch and base.isascii():
            table[cp] = base
    table.update({ord("ä"): "ae", ord("ö"): "oe", ord("ü"): "ue", ord("ß"): "ss", ord("ẞ"): "ss"})
    for cp in range(0x300, 0x370):  # combining marks
        table[cp] = ""
    table[0x308] = "e"  # combining diaeresis: u + \u0308 -> ue
    for ch in _ZERO_WIDTH:
        table[ord(ch)] = ""
    for ch in _SQUOTES:
        table[ord(ch)] = "'"
    for ch in _DQUOTES:
        table[ord(ch)] = '"'
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212":
        table[ord(ch)] = "-"
    for ch in "\u00a0\u2007\u202f\u2009\u200a\u3000":
        table[ord(ch)] = " "
    return table


_TABLE = _build_table()
_APOS_IN_WORD = re.compile(r"(?<=\w)'(?=\w)")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")


def _fold(text: str) -> str:
    return text.casefold().translate(_TABLE)


def normalize(text: str) -> str:
    """Return the normalised text (see module docstring)."""
    s = _fold(text)
    if "'" in s:
        s = _APOS_IN_WORD.sub("", s).replace("'", '"')
    return _REPEAT.sub(r"\1", s)


def offset_map(text: str) -> list[int]:
    """For each character of ``normalize(text)`` the index of the original
    character it came from; one extra trailing entry equals ``len(text)``."""
    if text.isascii():
        s = text.lower()
        chars = list(s)
        idx = list(range(len(text)))
    else:
        parts = [_fold(ch) for ch in text]
        idx = [i for i, p in enumerate(parts) for _ in p]
        s = "".join(parts)
        chars = list(s)
    if "'" in s:
        drop = {m.start() for m in _APOS_IN_WORD.finditer(s)}
        if drop:
            chars = [c for j, c in enumerate(chars) if j not in drop]
            idx = [k for j, k in enumerate(idx) if j not in drop]
        chars = ['"' if c == "'" else c for c in chars]
        s = "".join(chars)
    drop = set()
    for m in _REPEAT.finditer(s):
        drop.update(range(m.start() + 1, m.end()))
    if drop:
        idx = [k for j, k in enumerate(idx) if j not in drop]
    idx.append(len(text))
    return idx


_UMLAUT_PAT = {"ä": "(?:ae|a)", "ö": "(?:oe|o)", "ü": "(?:ue|u)", "ß": "(?:ss|s)"}


def fold_pattern(pattern: str) -> str:
    """Fold a rule pattern: umlauts match both spellings (and the bare vowel),
    a literal space matches any run of whitespace. Do not put umlauts inside
    ``[...]`` character classes."""
    out = []
    n = len(pattern)
    for i, ch in enumerate(pattern):
        if ch in _UMLAUT_PAT:
            out.append(_UMLAUT_PAT[ch])
        elif ch == " ":
            # " *", " ?", " +" keep their quantifier: "\s*" etc.
            out.append(r"\s" if i + 1 < n and pattern[i + 1] in "*?+{" else r"\s+")
        else:
            out.append(ch)
    return "".join(out)
