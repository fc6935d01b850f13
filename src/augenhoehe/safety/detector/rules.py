"""Loading and compiling the TOML rule files.

Shipped rule files live in ``rules/*.toml`` next to this module. An
organisation can add its own files without touching the package:

    AUGENHOEHE_CRISIS_RULES_DIR=/etc/augenhoehe/crisis-rules

Every ``*.toml`` file in that directory (several directories may be given,
separated by ``os.pathsep``) is loaded *after* the shipped files, in file name
order. Extra files may

* add patterns to an existing concept (``[concepts.<name>] patterns = [...]``
  is merged with the shipped patterns),
* add new concepts, rules and modifiers,
* replace a shipped rule or modifier by using the same ``id`` (set
  ``enabled = false`` to switch it off).

The compiled rule set is cached; call :func:`reload_rules` (or
``get_ruleset(refresh=True)``) after changing the environment variable or the
files. See ``docs/crisis-detector.md`` for the format.
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import fold_pattern

ENV_VAR = "AUGENHOEHE_CRISIS_RULES_DIR"
SHIPPED_DIR = Path(__file__).with_name("rules")
LEVELS = ("none", "concern", "high")

BUILTIN_MACROS = {
    # word gaps: up to N words (each followed by whitespace); use as "mich {g3}umbringen"
    **{f"g{n}": rf"(?:[\w\"-]+,?\s+){{0,{n}}}" for n in range(1, 9)},
}
try:  # Python 3.11+
    from re import _constants as _sc  # type: ignore[attr-defined]
    from re import _parser as _sp  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _sc  # type: ignore[no-redef]
    import sre_parse as _sp  # type: ignore[no-redef]


def _necessary(items) -> set[str] | None:
    """A set of literals one of which every match of ``items`` must contain (or None)."""
    cands: list[set[str]] = []
    cur = ""
    for op, av in items:
        if op is _sc.LITERAL:
            cur += chr(av)
            continue
        if cur:
            cands.append({cur})
            cur = ""
        s = None
        if op is _sc.SUBPATTERN:
            s = _necessary(av[3])
        elif op is _sc.BRANCH:
            subs = [_necessary(b) for b in av[1]]
            s = None if any(x is None for x in subs) else set().union(*[x for x in subs if x])
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT) or op is getattr(
            _sc, "POSSESSIVE_REPEAT", None
        ):
            s = _necessary(av[2]) if av[0] >= 1 else None
        elif op is getattr(_sc, "ATOMIC_GROUP", None):
            s = _necessary(av)
        if s:
            cands.append(s)
    if cur:
        cands.append({cur})
    if not cands:
        return None
    return min(cands, key=_anchor_cost)


# Frequent chat words: a literal that is (part of) one of them is a weak prefilter anchor
_COMMON = (  # noqa: SIM905
    "ich mich mir nicht das des die der den dem ein eine einen und oder aber ist bin bist sind "
    "war wäre hab habe hat haben wie was wer wo wenn weil dass dann doch noch schon auch nur mal "
    "grad gerade heute mit auf für von zum zur sich uns euch ihr sie er es wir ja nein halt eh "
    "einfach mehr sein will kann mach alles alle jetzt immer "
    "the and you your that this with have has was were what when just not dont cant wont "
    "about they them there then from would could should will want like know going gonna "
    "really still some something anything everything all get got"
).split()


def _first_chars(items) -> tuple[set[str], bool] | None:
    """(characters a match can begin with, whether it can be empty) of a parsed pattern,
    or None when that cannot be told simply (classes like \\w, inline flags, ...)."""
    out: set[str] = set()
    for op, av in items:
        if op in (_sc.AT, _sc.ASSERT, _sc.ASSERT_NOT):
            continue  # zero width
        if op is _sc.LITERAL:
            out.add(chr(av))
            return out, False
        if op is _sc.IN:
            for iop, iav in av:
                if iop is _sc.LITERAL:
                    out.add(chr(iav))
                elif iop is _sc.RANGE and iav[1] - iav[0] <= 64:
                    out.update(chr(x) for x in range(iav[0], iav[1] + 1))
                else:
                    return None
            return out, False
        if op is _sc.SUBPATTERN:
            if av[1] or av[2]:
                return None
            sub = _first_chars(av[3])
        elif op is _sc.BRANCH:
            subs = [_first_chars(b) for b in av[1]]
            if any(x is None for x in subs):
                return None
            sub = (set().union(*(x[0] for x in subs)), any(x[1] for x in subs))  # type: ignore[index]
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT):
            inner = _first_chars(av[2])
            sub = None if inner is None else (inner[0], inner[1] or av[0] == 0)
        else:
            return None
        if sub is None:
            return None
        out |= sub[0]
        if not sub[1]:
            return out, False
    return out, True


def _compile_words(body: str) -> re.Pattern:
    """The regex of a concept or bucket: whole words only.

    When every match must begin with one of a few known characters, a lookahead with
    those characters goes first: Python's regex engine then skips other positions quickly
    instead of trying the whole alternation there (about 40 % faster scans, same matches).
    """
    plain = rf"(?<!\w)(?:{body})(?!\w)"
    try:
        first = _first_chars(_sp.parse(plain))
    except Exception:  # pragma: no cover - compile() below reports a bad pattern
        first = None
    if first is None or first[1] or not first[0]:
        return re.compile(plain)
    chars = "".join(re.escape(ch) for ch in sorted(first[0]))
    return re.compile(rf"(?=[{chars}]){plain}")


def _anchor_cost(st: set[str]) -> float:
    """Expected cost of a literal set as prefilter (lower = more selective)."""
    cost = 0.0
    for x in st:
        if len(x) == 1:
            cost += 1000.0
        elif len(x) == 2:
            cost += 50.0
        elif any(x in w for w in _COMMON):
            cost += 10.0
        else:
            cost += 4.0 / len(x)
    return cost


def _anchors(patterns: list[str]) -> tuple[str, ...] | None:
    out: set[str] = set()
    for p in patterns:
        try:
            n = _necessary(_sp.parse(p))
        except Exception:  # pragma: no cover - be safe, just don't prefilter
            return None
        if not n or any(len(x) < 2 and x.isascii() for x in n):
            return None
        out |= n
    if not out:
        return None
    # an anchor that contains a shorter anchor is redundant
    keep: list[str] = []
    for a in sorted(out, key=len):
        if not any(k in a for k in keep):
            keep.append(a)
    return tuple(keep)


def _union_anchors(parts) -> tuple[str, ...] | None:
    """Union of per-pattern anchor sets (None if any pattern has none), redundant ones pruned."""
    out: set[str] = set()
    for a in parts:
        if a is None:
            return None
        out.update(a)
    if not out:
        return None
    keep: list[str] = []
    for a in sorted(out, key=len):
        if not any(k in a for k in keep):
            keep.append(a)
    return tuple(keep)


_MACRO = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


class RuleError(ValueError):
    """A rule file is malformed."""


@dataclass
class Concept:
    name: str
    kind: str = "risk"  # "risk" (can make rules fire) or "cue" (used by modifiers)
    negatable: bool = False
    negation_inside: bool = False
    patterns: list[str] = field(default_factory=list)
    regex: re.Pattern | None = None
    sources: list[str] = field(default_factory=list)
    # literal strings of which every match must contain at least one (None = no prefilter)
    anchors: tuple[str, ...] | None = None
    # large lexicons are split into buckets [(bucket name, anchors, regex)]: patterns with
    # rare literal anchors are only run when one of those literals occurs in the text
    buckets: list | None = None
    # names in the anchor index that make this concept worth running (None = always run)
    prefilter: frozenset[str] | None = None


@dataclass
class Rule:
    id: str
    level: str
    reason: str
    family: str
    requires: list[tuple[str, ...]]
    scope: str = "message"
    min_distinct: int = 1
    unless: tuple[str, ...] = ()
    source: str = ""
    lang: str = "*"
    # concept names of a requirement group made only of risk concepts: the rule
    # cannot fire unless one of them matched (fast pre-check)
    gate: tuple[str, ...] = ()


@dataclass
class Modifier:
    id: str
    reason: str
    kind: str
    cue: str = ""
    exempt: str = ""
    scope: str = "sentence"
    effect: str = "cancel"
    applies_to: tuple[str, ...] = ("*",)
    exclude_families: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    unless_scope: str = "message"
    unless_effect: str = ""
    unless_id: str = ""
    unless_reason: str = ""
    window: int = 6
    source: str = ""
    # context modifiers: when one of these cues ("cue@clause") stands in the clause of the
    # risk match and the modifier's own cue does not, the modifier does not govern the match
    keep_if: tuple[str, ...] = ()


@dataclass
class RuleSet:
    versions: dict[str, str]
    concepts: dict[str, Concept]
    rules: list[Rule]
    modifiers: list[Modifier]
    files: list[str]
    # concepts that some rule requires, in a stable order
    risk_concepts: list[str] = field(default_factory=list)
    # risk concept names by language ("*" = language-neutral)
    risk_by_lang: dict[str, list[str]] = field(default_factory=dict)
    # anchor prefilter index: first two chars -> [(anchor, concept names)], single-char anchors
    # anchor prefilter index: 3-letter prefix -> [(anchor, names)], 2-letter anchors -> names,
    # single-char anchors -> names
    anchor_index3: dict[str, list[tuple[str, frozenset[str]]]] = field(default_factory=dict)
    anchor_index2: dict[str, frozenset[str]] = field(default_factory=dict)
    anchor_index1: dict[str, tuple[str, ...]] = field(default_factory=dict)

    # anchors with a character that is not a word character (a space, an emoji, ...);
    # all others lie inside one word and are looked up per word (with a memo)
    anchor_cross: tuple[tuple[str, frozenset[str]], ...] = ()
    _word_memo: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def _word_concepts(self, word: str) -> frozenset[str]:
        found: set[str] = set()
        idx2 = self.anchor_index2
        n = len(word)
        if idx2 and n >= 2:
            for key in {word[i : i + 2] for i in range(n - 1)} & idx2.keys():
                found |= idx2[key]
        if n >= 3:
            idx3 = self.anchor_index3
            for key in {word[i : i + 3] for i in range(n - 2)} & idx3.keys():
                for a, names in idx3[key]:
                    if len(a) == 3 or a in word:
                        found |= names
        return frozenset(found)

    def active_concepts(self, norm: str) -> set[str]:
        """Names of concepts whose anchor prefilter passes on ``norm``.

        Word anchors are found per distinct word, memoised (chat words repeat a lot; the
        memo holds at most WORD_MEMO_SIZE words); the few other anchors on the whole text."""
        active: set[str] = set()
        memo = self._word_memo
        for word in set(_WORD_RUN.findall(norm)):
            names = memo.get(word)
            if names is None:
                if len(memo) >= WORD_MEMO_SIZE:
                    memo.clear()
                names = memo[word] = self._word_concepts(word)
            if names:
                active |= names
        for a, names in self.anchor_cross:
            if a in norm:
                active |= names
        if self.anchor_index1:
            for ch in set(norm):
                single = self.anchor_index1.get(ch)
                if single:
                    active.update(single)
        return active


WORD_MEMO_SIZE = 50_000
_WORD_RUN = re.compile(r"\w+")


def _as_tuple(v) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    return tuple(v)


def _files(extra_dirs: list[Path]) -> list[Path]:
    out = sorted(SHIPPED_DIR.glob("*.toml"))
    for d in extra_dirs:
        if not d.is_dir():
            raise RuleError(f"{ENV_VAR}: {d} is not a directory")
        out.extend(sorted(d.glob("*.toml")))
    return out


def _extra_dirs_from_env() -> list[Path]:
    raw = os.environ.get(ENV_VAR, "").strip()
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()] if raw else []


_GAP_AFTER_WORD = re.compile(r"(?<=[\w)])\\s(?=\{g[1-8]\})")


def _gap_comma(pat: str) -> str:
    """A word gap ``{gN}`` may follow a comma: "ausgerechnet, wie viele" like "ausgerechnet wie
    viele" (the gap's own words already allow a comma after them)."""
    return _GAP_AFTER_WORD.sub(r",?\\s", pat)


def _expand(pat: str, macros: dict[str, str], where: str) -> str:
    for _ in range(5):
        pat = _gap_comma(pat)  # also in what a macro brings in
        new = _MACRO.sub(lambda m: macros[m.group(1)] if m.group(1) in macros else m.group(0), pat)
        if new == pat:
            break
        pat = new
    leftover = _MACRO.search(pat)
    if leftover:
        raise RuleError(f"{where}: unknown macro {{{leftover.group(1)}}}")
    return pat


def load_ruleset(extra_dirs: list[Path] | None = None) -> RuleSet:
    """Load shipped rules plus ``extra_dirs`` (default: from the env var)."""
    if extra_dirs is None:
        extra_dirs = _extra_dirs_from_env()
    versions: dict[str, str] = {}
    macros: dict[str, str] = dict(BUILTIN_MACROS)
    concepts: dict[str, Concept] = {}
    rules: dict[str, Rule] = {}
    disabled: set[str] = set()
    modifiers: dict[str, Modifier] = {}
    files = _files(extra_dirs)
    raw_docs = []
    for path in files:
        try:
            with open(path, "rb") as fh:
                doc = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise RuleError(f"{path}: {exc}") from exc
        if "version" not in doc:
            raise RuleError(f"{path}: missing top-level 'version'")
        versions[path.name] = str(doc["version"])
        if str(doc.get("lang", "*")) in ("*", ""):
            # macros of language-neutral files are visible everywhere
            macros.update({k: fold_pattern(str(v)) for k, v in doc.get("macros", {}).items()})
        raw_docs.append((path, doc))

    for path, doc in raw_docs:
        src = path.name
        flang = str(doc.get("lang", "*"))
        local = flang not in ("*", "")
        fmacros = dict(macros)
        fmacros.update({k: fold_pattern(str(v)) for k, v in doc.get("macros", {}).items()})
        sections = [
            (f"{flang}:{n}" if local else n, spec, False)
            for n, spec in doc.get("concepts", {}).items()
        ]
        # cues of a language file are language-scoped too ("de:negation_cue"); the engine
        # uses the cues of the languages it runs plus the language-neutral ones
        sections += [
            (f"{flang}:{n}" if local else n, spec, True) for n, spec in doc.get("cues", {}).items()
        ]
        for name, spec, is_cue in sections:
            c = concepts.get(name)
            if c is None:
                c = concepts[name] = Concept(name=name, kind="cue" if is_cue else "risk")
            for key in ("kind", "negatable", "negation_inside"):
                if key in spec:
                    setattr(c, key, spec[key])
            for p in spec.get("patterns", []):
                c.patterns.append(_expand(fold_pattern(p), fmacros, f"{src}: concept {name}"))
            c.sources.append(src)
        for spec in doc.get("rules", []):
            try:
                rid = spec["id"]
            except KeyError:
                raise RuleError(f"{src}: a rule without 'id'") from None
            if spec.get("enabled", True) is False:
                rules.pop(rid, None)
                disabled.add(rid)
                continue
            level = spec.get("level")
            if level not in ("concern", "high"):
                raise RuleError(f"{src}: rule {rid}: level must be 'concern' or 'high'")
            if not spec.get("reason"):
                raise RuleError(f"{src}: rule {rid}: missing 'reason'")
            reqs: list[tuple[str, ...]] = []
            if spec.get("patterns"):
                cname = f"rule:{rid}"
                concepts[cname] = Concept(
                    name=cname,
                    negatable=spec.get("negatable", True),
                    negation_inside=spec.get("negation_inside", False),
                    patterns=[
                        _expand(fold_pattern(p), fmacros, f"{src}: rule {rid}")
                        for p in spec["patterns"]
                    ],
                    sources=[src],
                )
                reqs.append((cname,))

            def res(n: str) -> str:  # noqa: B023 - called within this iteration only
                if local and f"{flang}:{n}" in concepts:  # noqa: B023
                    return f"{flang}:{n}"  # noqa: B023
                return n

            for r in spec.get("requires", []):
                reqs.append(tuple(res(n) for n in _as_tuple(r)))
            if not reqs:
                raise RuleError(f"{src}: rule {rid}: needs 'patterns' or 'requires'")
            scope = spec.get("scope", "message")
            if scope not in ("clause", "sentence", "message"):
                raise RuleError(f"{src}: rule {rid}: bad scope {scope!r}")
            disabled.discard(rid)
            rules[rid] = Rule(
                id=rid,
                level=level,
                reason=spec["reason"],
                family=spec.get("family", rid.split(".")[1] if "." in rid else rid),
                requires=reqs,
                scope=scope,
                min_distinct=int(spec.get("min_distinct", 1)),
                unless=tuple(res(n) for n in _as_tuple(spec.get("unless"))),
                source=src,
                lang=flang if local else "*",
            )
        for spec in doc.get("modifiers", []):
            mid = spec.get("id")
            if not mid or not spec.get("reason") or not spec.get("kind"):
                raise RuleError(f"{src}: a modifier needs 'id', 'kind' and 'reason'")
            if spec.get("enabled", True) is False:
                modifiers.pop(mid, None)
                continue
            modifiers[mid] = Modifier(
                id=mid,
                reason=spec["reason"],
                kind=spec["kind"],
                cue=spec.get("cue", ""),
                exempt=spec.get("exempt", ""),
                scope=spec.get("scope", "sentence"),
                effect=spec.get("effect", "cancel"),
                applies_to=_as_tuple(spec.get("applies_to", "*")),
                exclude_families=_as_tuple(spec.get("exclude_families")),
                unless=_as_tuple(spec.get("unless")),
                unless_scope=spec.get("unless_scope", "message"),
                unless_effect=spec.get("unless_effect", ""),
                unless_id=spec.get("unless_id", ""),
                unless_reason=spec.get("unless_reason", ""),
                window=int(spec.get("window", 6)),
                source=src,
                keep_if=_as_tuple(spec.get("keep_if")),
            )

    # validate references and compile
    def known(n: str) -> bool:
        return n in concepts or any(k.endswith(":" + n) for k in concepts)

    needed: list[str] = []
    for r in rules.values():
        for alts in r.requires:
            for n in alts:
                if not known(n):
                    raise RuleError(f"{r.source}: rule {r.id}: unknown concept {n!r}")
                if n not in needed and n in concepts:
                    needed.append(n)
        for n in r.unless:
            if not known(n):
                raise RuleError(f"{r.source}: rule {r.id}: unknown concept {n!r}")
    for m in modifiers.values():
        for n in (m.cue, m.exempt, *(u.partition("@")[0] for u in (*m.unless, *m.keep_if))):
            if n and not known(n):
                raise RuleError(f"{m.source}: modifier {m.id}: unknown concept {n!r}")
    for c in concepts.values():
        if not c.patterns:
            c.regex = None
            continue
        body = "|".join(f"(?:{p})" for p in c.patterns)
        try:
            # parse each pattern once for its anchors; the concept's and the buckets' anchor
            # sets are unions of these
            pa = [_anchors([p]) for p in c.patterns]
            c.anchors = _union_anchors(pa)
            groups: dict[str, list[int]] = {"w": [], "m": [], "s": []}
            if len(c.patterns) >= 3:
                for i, a in enumerate(pa):
                    if a and all(len(x) >= 4 and _anchor_cost({x}) < 2 for x in a):
                        groups["s"].append(i)
                    elif a and all(len(x) >= 3 and _anchor_cost({x}) < 5 for x in a):
                        groups["m"].append(i)
                    else:
                        groups["w"].append(i)
            # Patterns with selective anchors run in one bucket per anchor set, so that a
            # frequent word that anchors one pattern does not run the whole lexicon.
            split: list[tuple[str, list[int]]] = []
            if groups["w"]:
                split.append(("w", groups["w"]))
            for tag in ("m", "s"):
                by_anchor: dict[tuple[str, ...], list[int]] = {}
                for i in groups[tag]:
                    by_anchor.setdefault(tuple(sorted(pa[i] or ())), []).append(i)
                if len(by_anchor) == 1:
                    split.append((tag, groups[tag]))
                else:
                    split.extend((f"{tag}{k}", idx) for k, idx in enumerate(by_anchor.values()))
            if len(split) > 1:
                # large lexicons run as buckets; the combined regex is then only a marker
                c.buckets = []
                for tag, idx in split:
                    b = "|".join(f"(?:{c.patterns[i]})" for i in idx)
                    c.buckets.append(
                        (
                            f"{c.name}#{tag}",
                            _union_anchors([pa[i] for i in idx]),
                            _compile_words(b),
                        )
                    )
                c.regex = c.buckets[0][2]
            else:
                c.regex = _compile_words(body)
        except re.error as exc:
            # find the offending pattern for a useful message
            for p in c.patterns:
                try:
                    re.compile(p)
                except re.error as exc2:
                    raise RuleError(
                        f"concept {c.name} ({', '.join(c.sources)}): bad pattern {p!r}: {exc2}"
                    ) from None
            raise RuleError(f"concept {c.name}: {exc}") from None
    for r in rules.values():
        for alts in r.requires:
            if all(n in concepts and concepts[n].kind == "risk" for n in alts):
                r.gate = alts
                break
    for c in concepts.values():
        if c.regex is None:
            continue
        if c.buckets:
            if all(b[1] is not None for b in c.buckets):
                c.prefilter = frozenset(b[0] for b in c.buckets)
        elif c.anchors is not None:
            c.prefilter = frozenset((c.name,))
    by_lang: dict[str, list[str]] = {}
    for n in needed:
        c = concepts[n]
        if c.kind != "risk" or c.regex is None:
            continue
        lg = n.split(":", 1)[0] if ":" in n else "*"
        by_lang.setdefault(lg, []).append(n)
    amap: dict[str, list[str]] = {}
    for c in concepts.values():
        # risk concepts and cues share one index: a cue is still matched lazily, only when a
        # rule or modifier asks for it, but its prefilter is then a set lookup (engine._find)
        if c.regex is not None and c.anchors:
            for anchor_text in c.anchors:
                amap.setdefault(anchor_text, []).append(c.name)
        if c.buckets:
            for bname, banchors, _ in c.buckets:
                for a in banchors or ():
                    amap.setdefault(a, []).append(bname)
    idx3: dict[str, list[tuple[str, frozenset[str]]]] = {}
    idx2: dict[str, frozenset[str]] = {}
    idx1: dict[str, tuple[str, ...]] = {}
    cross: dict[str, frozenset[str]] = {}
    for anchor, names in amap.items():
        if len(anchor) == 1:
            idx1[anchor] = tuple(names)
        elif not _WORD_RUN.fullmatch(anchor):
            cross[anchor] = cross.get(anchor, frozenset()) | frozenset(names)
        elif len(anchor) == 2:
            idx2[anchor] = idx2.get(anchor, frozenset()) | frozenset(names)
        else:
            idx3.setdefault(anchor[:3], []).append((anchor, frozenset(names)))
    return RuleSet(
        versions=versions,
        concepts=concepts,
        rules=list(rules.values()),
        modifiers=list(modifiers.values()),
        files=[str(p) for p in files],
        risk_concepts=needed,
        risk_by_lang=by_lang,
        anchor_index3=idx3,
        anchor_index2=idx2,
        anchor_index1=idx1,
        anchor_cross=tuple(sorted(cross.items())),
    )


_lock = threading.Lock()
_cache: dict[tuple[str, ...], RuleSet] = {}


def get_ruleset(refresh: bool = False) -> RuleSet:
    """Cached rule set for the current value of ``AUGENHOEHE_CRISIS_RULES_DIR``."""
    key = tuple(str(p) for p in _extra_dirs_from_env())
    rs = _cache.get(key)
    if rs is None or refresh:
        with _lock:
            rs = load_ruleset([Path(p) for p in key])
            _cache[key] = rs
    return rs


def reload_rules() -> RuleSet:
    """Drop the cache and reload (e.g. after editing rule files)."""
    _cache.clear()
    return get_ruleset(refresh=True)
