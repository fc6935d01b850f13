"""Crisis risk detector for Augenhöhe (pure Python, stdlib only).

Usage::

    from augenhoehe.safety.detector import assess, Level
    a = assess("ich will nicht mehr leben")
    a.level        # Level.CONCERN
    a.rule_ids     # ('de.passive.death_wish',)
    a.spans        # ((8, 25, 'nicht mehr leben'),)  -- into the original text
    a.lang         # 'de'

Levels: ``none`` < ``concern`` < ``high`` (see ``docs/crisis-detector.md``).

The rules are TOML data files in ``rules/``; organisations can add their own
files via the environment variable ``AUGENHOEHE_CRISIS_RULES_DIR`` (a
directory, or several separated by ``os.pathsep``); see
:mod:`augenhoehe.safety.detector.rules`.

This is a screening aid for human moderators, not a diagnosis: it is tuned
for recall and will both miss unusual wording and flag some harmless text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .engine import run, spans_to_original
from .rules import ENV_VAR, RuleError, get_ruleset, reload_rules

__all__ = ["assess", "Assessment", "Level", "ENV_VAR", "RuleError", "get_ruleset", "reload_rules"]

MAX_CHARS = 4_000  # longer input is assessed in chunks cut at sentence ends / whitespace


class Level(str, Enum):
    """Ordered risk level (``Level.NONE < Level.CONCERN < Level.HIGH``)."""

    NONE = "none"
    CONCERN = "concern"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _RANK[self.value]

    def __lt__(self, other):  # type: ignore[override]
        if isinstance(other, Level):
            return self.rank < other.rank
        return NotImplemented

    def __le__(self, other):  # type: ignore[override]
        if isinstance(other, Level):
            return self.rank <= other.rank
        return NotImplemented

    def __gt__(self, other):  # type: ignore[override]
        if isinstance(other, Level):
            return self.rank > other.rank
        return NotImplemented

    def __ge__(self, other):  # type: ignore[override]
        if isinstance(other, Level):
            return self.rank >= other.rank
        return NotImplemented

    def __str__(self) -> str:
        return self.value


_RANK = {"none": 0, "concern": 1, "high": 2}


@dataclass(frozen=True)
class Assessment:
    """Result of :func:`assess`.

    ``rule_ids``: ids of the rules that produced the level, followed by the ids
    of modifiers that changed them (e.g. ``mod.ambivalent_denial``).
    ``spans``: ``(start, end, matched_text)`` into the *original* text.
    ``suppressed``: ``"rule_id>modifier_id"`` for matches a modifier cleared
    (negation, idiom, media, past ...), for transparency.
    """

    level: Level
    rule_ids: tuple[str, ...] = ()
    spans: tuple[tuple[int, int, str], ...] = ()
    lang: str = "de"
    reasons: tuple[str, ...] = ()
    suppressed: tuple[str, ...] = field(default=(), compare=False)

    @property
    def flagged(self) -> bool:
        return self.level is not Level.NONE

    def to_dict(self) -> dict:
        return {
            "level": self.level.value,
            "rule_ids": list(self.rule_ids),
            "spans": [{"start": s, "end": e, "text": t} for s, e, t in self.spans],
            "lang": self.lang,
            "reasons": list(self.reasons),
            "suppressed": list(self.suppressed),
        }


def _chunks(text: str):
    """Yield (offset, chunk) pieces of at most MAX_CHARS, cut at a sentence end or whitespace."""
    i, n = 0, len(text)
    while i < n:
        j = min(n, i + MAX_CHARS)
        if j < n:
            cut = max(
                text.rfind(". ", i, j),
                text.rfind("\n", i, j),
                text.rfind("! ", i, j),
                text.rfind("? ", i, j),
            )
            if cut <= i + MAX_CHARS // 2:
                cut = text.rfind(" ", i, j)
            if cut > i + MAX_CHARS // 2:
                j = cut + 1
        yield i, text[i:j]
        i = j


def _assess_long(text: str, hint: str | None) -> Assessment:
    parts = [(off, assess(chunk, hint)) for off, chunk in _chunks(text)]
    level = max((a.level for _, a in parts), default=Level.NONE)
    lang = hint or parts[0][1].lang
    ids: dict[str, str] = {}
    spans: list[tuple[int, int, str]] = []
    suppressed: dict[str, None] = {}
    for off, a in parts:
        for rid, reason in zip(a.rule_ids, a.reasons, strict=False):
            ids.setdefault(rid, reason)
        spans.extend((s + off, e + off, t) for s, e, t in a.spans)
        suppressed.update(dict.fromkeys(a.suppressed))
    return Assessment(
        level=level,
        rule_ids=tuple(ids),
        spans=tuple(spans),
        lang=lang,
        reasons=tuple(ids.values()),
        suppressed=tuple(suppressed),
    )


def assess(text: str, lang: str | None = None) -> Assessment:
    """Assess one chat message. ``lang`` ('de'/'en') is a hint; detected when None."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    hint = lang.lower()[:2] if isinstance(lang, str) and lang else None
    if hint not in ("de", "en"):
        hint = None
    if not text.strip():
        return Assessment(level=Level.NONE, lang=hint or "de")
    work = text
    if len(text) > MAX_CHARS:
        return _assess_long(text, hint)
    rs = get_ruleset()
    _, _norm, detected, results, suppressed, applied = run(work, hint, rs)
    level = "none"
    ids: list[str] = []
    reasons: list[str] = []
    mod_ids: list[str] = []
    norm_spans = []
    for rule, lvl, used, mods in results:
        if _RANK[lvl] > _RANK[level]:
            level = lvl
        ids.append(rule.id)
        reasons.append(rule.reason)
        norm_spans.extend(used)
        mod_ids.extend(mods)
    for m in mod_ids:
        if m not in ids:
            ids.append(m)
            reasons.append(applied.get(m, ""))
    return Assessment(
        level=Level(level),
        rule_ids=tuple(ids),
        spans=spans_to_original(work, norm_spans),
        lang=detected,
        reasons=tuple(reasons),
        suppressed=tuple(dict.fromkeys(f"{r}>{m}" for r, m in suppressed)),
    )
