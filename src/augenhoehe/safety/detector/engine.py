"""The matching engine: concepts -> rules -> modifiers.

1. Every *concept* (a lexicon of regexes, e.g. ``suicide_ideation``,
   ``time_anchor``, ``negation_cue``) is matched on the normalised text.
2. *Exempt* modifiers (idioms such as "ich lach mich tot", "career suicide")
   remove risk matches they overlap.
3. The *negation* modifier marks a risk match as negated when a negation cue
   stands in the same clause shortly before it (cues inside fixed risk phrases
   such as "nicht mehr leben" are exempt, so "ich will nicht mehr leben" stays
   a death wish). *post_negation* handles "... and honestly I haven't".
4. A *rule* fires when all its required concepts have live matches inside its
   scope (clause, sentence or message) and none of its ``unless`` concepts is
   present. A rule that only fires with negated matches is suppressed, or
   kept at ``concern`` when a hedge ("glaub ich", "not today", "probably")
   makes the denial ambivalent.
5. *Context* modifiers (past / recovered, media / lyrics / reported,
   technical, gaming, peer help, abuse reports) cancel or cap a fired rule when
   their cue stands in the rule's sentence (or message); an ``unless`` cue
   ("it feels the same now") can turn the cancel into ``concern``.

Every applied modifier is reported by id, so the result stays explainable.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .langdetect import detect_language, language_scores
from .normalize import normalize, offset_map
from .rules import RuleSet, get_ruleset

_RANK = {"none": 0, "concern": 1, "high": 2}
_SENT = re.compile(r"[.!?;]+(?=[\s\"]|$)|\n+|\s[-]\s|\.{2,}")
_CLAUSE_EXTRA = re.compile(
    r",|:|\(|\)|\b(?:aber|but|und|and|weil|because|sondern|doch|jedoch|though|although|obwohl|while|waehrend|oder|or|so that|damit)\b"  # noqa: E501
)


# a negation cue does not govern a risk phrase behind a subordinating conjunction
# ("... nicht, weil ich mich ritze"); a negated subject ("keiner", "nobody") does not
# govern a clause with its own first-person subject ("keiner merkt dass ich mich ritze")
_NEG_BARRIER = re.compile(
    r"\b(?:weil|because|wenn|when|while|waehrend|obwohl|although|bis|until|seit|since|whether"
    r"|sobald|once|nachdem|after|before|bevor|cause|cuz|coz)\b"
)
_SUBJ_NEG = frozenset(
    {
        "niemand",
        "niemanden",
        "niemandem",
        "keiner",
        "keinem",
        "keine",
        "koana",
        "keener",
        "nobody",
        "noone",
        "none",
        "nothing",
        "nix",
        "nichts",
        "no",
    }
)
_FIRST_PERSON = re.compile(r"\b(?:ich|i|mich|mir|me|im|ive|id|ill)\b")

# a comma before a German zu-infinitive does not open a new clause for scoping:
# "ich hab nicht vor, mich umzubringen" keeps the negation in scope
_ZU_INF = re.compile(
    r"\s*(?:um\s+|ohne\s+)?(?:[\w]+\s+){0,3}?(?:zu\s+\w+|\w{2,}zu\w{2,})(?=[\s.,!?;]|$)"
)


class _Text:
    """Sentence and clause segmentation, computed on first use."""

    __slots__ = ("norm", "_sent_b", "_clause_b")

    def __init__(self, norm: str):
        self.norm = norm
        self._sent_b: list[int] | None = None
        self._clause_b: list[int] | None = None

    def _segment(self):
        norm = self.norm
        sb = [m.start() for m in _SENT.finditer(norm)]
        cb = sorted(
            set(
                sb
                + [
                    m.start()
                    for m in _CLAUSE_EXTRA.finditer(norm)
                    if not (m.group() == "," and _ZU_INF.match(norm, m.end()))
                ]
            )
        )
        self._sent_b = sb
        self._clause_b = cb

    def sent(self, pos: int) -> int:
        if self._sent_b is None:
            self._segment()
        assert self._sent_b is not None
        return bisect_right(self._sent_b, pos)

    def clause(self, pos: int) -> int:
        if self._clause_b is None:
            self._segment()
        assert self._clause_b is not None
        return bisect_right(self._clause_b, pos)

    def unit(self, scope: str, pos: int) -> int:
        if scope == "clause":
            return self.clause(pos)
        if scope == "sentence":
            return self.sent(pos)
        return 0


def _overlaps(a, spans) -> bool:
    s, e = a[0], a[1]
    return any(x < e and s < y for x, y in spans)


def _run(text: str, lang: str | None, rs: RuleSet):
    norm = normalize(text)
    detected = lang if lang in ("de", "en") else detect_language(norm, text)
    T = _Text(norm)
    concepts = rs.concepts
    langs = _active_langs(norm, detected)
    active = rs.active_concepts(norm)
    hits: dict[str, list[tuple[int, int]]] = {}
    plan = _lang_plan(rs, langs)
    owners, always, order = plan.owners, plan.always, plan.order
    possible_set = set(always)
    for token in active:
        owner = owners.get(token)
        if owner is not None:
            possible_set.add(owner)
    possible = sorted(possible_set, key=order.__getitem__)
    for name in _worth_searching(plan, possible):
        found = _find(concepts[name], norm, active)
        if found:
            hits[name] = found
    cue_cache: dict[str, list[tuple[int, int]]] = {}

    def get(name: str) -> list[tuple[int, int]]:
        """Live matches of a risk concept, or (lazily) of a cue concept; a cue name
        without language prefix covers the active languages and the neutral file."""
        c = concepts.get(name)
        if c is not None and c.kind == "risk":
            return hits.get(name, [])
        r = cue_cache.get(name)
        if r is None:
            r = _find(c, norm, active) if c is not None else []
            if ":" not in name:
                for lg in langs:
                    lc = concepts.get(f"{lg}:{name}")
                    if lc is not None:
                        r = r + _find(lc, norm, active)
                if len(r) > 1:
                    r.sort()
            cue_cache[name] = r
        return r

    applied_mods: dict[str, str] = {}  # id -> reason
    suppressed: list[tuple[str, str]] = []
    negated: dict[str, list[tuple[int, int]]] = {}

    # --- exempt + negation on match level -------------------------------------------------
    for mod in rs.modifiers:
        if not hits:
            break
        if mod.kind == "exempt":
            ex = get(mod.cue)
            if not ex:
                continue
            for name in list(hits):
                c = concepts[name]
                if c.kind != "risk":
                    continue
                keep = [h for h in hits[name] if not _overlaps(h, ex)]
                if len(keep) != len(hits[name]):
                    suppressed.append((name, mod.id))
                    applied_mods.setdefault(mod.id, mod.reason)
                    if keep:
                        hits[name] = keep
                    else:
                        del hits[name]
        elif mod.kind in ("negation", "post_negation"):
            cues = get(mod.cue)
            if not cues:
                continue
            if mod.exempt and get(mod.exempt):
                ex = get(mod.exempt)
                cues = [c for c in cues if not _overlaps(c, ex)]
                if not cues:
                    continue
            for name in list(hits):
                c = concepts[name]
                if c.kind != "risk" or not c.negatable:
                    continue
                keep = []
                for h in hits[name]:
                    neg = False
                    if mod.kind == "negation":
                        hc = T.clause(h[0])
                        for cs, ce in cues:
                            if T.clause(cs) != hc:
                                continue
                            if ce <= h[0]:
                                if norm.count(" ", ce, h[0]) <= mod.window:
                                    gap = norm[ce : h[0]]
                                    if _NEG_BARRIER.search(gap):
                                        continue
                                    if norm[cs:ce] in _SUBJ_NEG and _FIRST_PERSON.search(gap):
                                        continue
                                    neg = True
                                    break
                            elif c.negation_inside and cs >= h[0] and ce <= h[1]:
                                neg = True
                                break
                    else:
                        hs = T.sent(h[0])
                        for cs, _ce in cues:
                            if cs >= h[1] and T.sent(cs) in (hs, hs + 1):
                                neg = True
                                break
                    if neg:
                        negated.setdefault(name, []).append(h)
                    else:
                        keep.append(h)
                if len(keep) != len(hits[name]):
                    if keep:
                        hits[name] = keep
                    else:
                        del hits[name]

    hedge_mod = next((m for m in rs.modifiers if m.kind == "ambivalence"), None)
    hedged = None

    first_cands: list[tuple[int, int]] = []  # all matches of the first group of the last fired rule

    def fire(rule, pool) -> list[tuple[int, int]] | None:
        cands = []
        for alts in rule.requires:
            lst = []
            for n in alts:
                c = concepts.get(n)
                if c is not None and c.kind == "risk":
                    lst.extend(pool.get(n, ()))
                else:
                    lst.extend(get(n))
            if not lst:
                return None
            cands.append(lst)
        if rule.min_distinct > 1 and len(set(cands[0])) < rule.min_distinct:
            return None
        first_cands[:] = cands[0]
        if rule.scope == "message":
            used = [lst[0] for lst in cands]
            if rule.min_distinct > 1:
                used = list(dict.fromkeys(cands[0]))[: rule.min_distinct] + used[1:]
            return used
        for h0 in cands[0]:
            u = T.unit(rule.scope, h0[0])
            used = [h0]
            ok = True
            for lst in cands[1:]:
                m = next((h for h in lst if T.unit(rule.scope, h[0]) == u), None)
                if m is None:
                    ok = False
                    break
                used.append(m)
            if ok:
                if rule.min_distinct > 1:
                    same = {h for h in cands[0] if T.unit(rule.scope, h[0]) == u}
                    if len(same) < rule.min_distinct:
                        continue
                return used
        return None

    results = []  # (rule, level, used_hits, mod_ids)
    pool_with_neg = None
    live = hits.keys() | negated.keys()
    rules, by_gate = plan.rules, plan.rules_by_gate
    picked = set(plan.ungated)
    for name in live:
        idx = by_gate.get(name)
        if idx:
            picked.update(idx)
    for i in sorted(picked):
        rule = rules[i]
        if rule.unless and any(get(n) for n in rule.unless):
            continue
        used = fire(rule, hits)
        level = rule.level
        mods: list[str] = []
        if used is None:
            if not negated:
                continue
            if pool_with_neg is None:
                pool_with_neg = {k: list(v) for k, v in hits.items()}
                for k, v in negated.items():
                    pool_with_neg.setdefault(k, []).extend(v)
            used = fire(rule, pool_with_neg)
            if used is None:
                continue
            neg_mod = next(
                (m for m in rs.modifiers if m.kind in ("negation", "post_negation")), None
            )
            if hedged is None:
                hedged = bool(hedge_mod and get(hedge_mod.cue))
            if hedged and hedge_mod is not None:
                level = "concern"
                mods.append(hedge_mod.id)
                applied_mods.setdefault(hedge_mod.id, hedge_mod.reason)
            else:
                suppressed.append((rule.id, neg_mod.id if neg_mod else "mod.negation"))
                if neg_mod:
                    applied_mods.setdefault(neg_mod.id, neg_mod.reason)
                continue
        # --- context modifiers ----------------------------------------------------------
        for mod in rs.modifiers:
            if mod.kind != "context":
                continue
            if "*" not in mod.applies_to and rule.family not in mod.applies_to:
                continue
            if rule.family in mod.exclude_families:
                continue
            cues = get(mod.cue)
            if not cues:
                continue
            if mod.exempt and get(mod.exempt):
                cues = [c for c in cues if not _overlaps(c, get(mod.exempt))]
                if not cues:
                    continue
            if mod.scope != "message":
                units = {T.unit(mod.scope, h[0]) for h in used}
                cues = [c for c in cues if T.unit(mod.scope, c[0]) in units]
            if not cues:
                continue
            if mod.keep_if:
                # the cue must govern the risk phrase: a current-state / own-voice cue in a
                # clause with a risk match wins over a media / past cue that stands only in
                # other clauses ("früher hab ich mich geritzt, aber heute wieder")
                cue_cl = {T.clause(c[0]) for c in cues}
                keep_cl = {T.clause(k[0]) for n in mod.keep_if for k in get(n.partition("@")[0])}
                if keep_cl and any(
                    cl in keep_cl and cl not in cue_cl
                    for cl in {T.clause(h[0]) for h in (*used, *first_cands)}
                ):
                    continue
            effect, mid, reason = mod.effect, mod.id, mod.reason
            if mod.unless:
                hit_unless = False
                for n in mod.unless:
                    n, _, uscope = n.partition("@")
                    uscope = uscope or mod.unless_scope
                    ul = get(n)
                    if not ul:
                        continue
                    if uscope != "message":
                        units = {T.unit(uscope, h[0]) for h in used}
                        ul = [x for x in ul if T.unit(uscope, x[0]) in units]
                    if ul:
                        hit_unless = True
                        break
                if hit_unless:
                    effect = mod.unless_effect or "keep"
                    mid = mod.unless_id or mod.id
                    reason = mod.unless_reason or mod.reason
            if effect == "keep":
                continue
            applied_mods.setdefault(mid, reason)
            if effect == "cancel":
                level = "none"
            elif effect.startswith("cap:"):
                cap = effect[4:]
                if _RANK[level] > _RANK[cap]:
                    level = cap
            elif effect == "demote":
                level = ("none", "none", "concern")[_RANK[level]]
            mods.append(mid)
            if level == "none":
                suppressed.append((rule.id, mid))
                break
        if level != "none":
            results.append((rule, level, used, mods))
    return text, norm, detected, results, suppressed, applied_mods


_REACH_CACHE_SIZE = 4096


class _LangPlan:
    """Per set of active languages, precomputed once, so that a message costs work for what it
    contains, not for the size of the rule set:

    * ``owners``: the risk concept that owns each prefilter token (its name or a bucket's);
      ``always``: risk concepts without a prefilter; ``order``: their file order;
    * ``rules`` of these languages, indexed by their gate concepts (``rules_by_gate``);
    * for :func:`_worth_searching`: each rule as requirement groups of risk concepts
      (``reach``), the risk concepts that modifiers and ``unless`` clauses read
      (``read_elsewhere``, always searched when possible), and a cache of its answers."""

    __slots__ = (
        "owners",
        "always",
        "order",
        "rules",
        "rules_by_gate",
        "ungated",
        "reach",
        "read_elsewhere",
        "reach_cache",
    )

    def __init__(self, rs: RuleSet, langs: tuple[str, ...]):
        concepts = rs.concepts

        def risk(name: str) -> bool:
            c = concepts.get(name)
            return c is not None and c.kind == "risk"

        self.owners: dict[str, str] = {}
        self.always: list[str] = []
        self.order: dict[str, int] = {}
        for lg in ("*", *langs):
            for name in rs.risk_by_lang.get(lg, ()):
                self.order.setdefault(name, len(self.order))
                pf = concepts[name].prefilter
                if pf is None:
                    self.always.append(name)
                else:
                    for token in pf:
                        self.owners[token] = name
        self.rules = [r for r in rs.rules if r.lang == "*" or r.lang in langs]
        self.rules_by_gate: dict[str, list[int]] = {}
        self.ungated: list[int] = []
        self.reach: list[tuple[tuple[frozenset[str], ...], frozenset[str]]] = []
        for i, r in enumerate(self.rules):
            if not r.gate:
                self.ungated.append(i)
            for name in set(r.gate):
                self.rules_by_gate.setdefault(name, []).append(i)
            # a group a cue can satisfy is never a reason to skip the rule
            groups = tuple(frozenset(alts) for alts in r.requires if all(risk(n) for n in alts))
            members = frozenset(n for alts in r.requires for n in alts if risk(n))
            self.reach.append((groups, members))
        read: set[str] = set()
        for r in rs.rules:
            read.update(n for n in r.unless if risk(n))
        for m in rs.modifiers:
            for n in (m.cue, m.exempt, *m.unless, *m.keep_if):
                n = n.partition("@")[0]
                if n and risk(n):
                    read.add(n)
        self.read_elsewhere = frozenset(read)
        self.reach_cache: dict[frozenset[str], list[str]] = {}


def _lang_plan(rs: RuleSet, langs: tuple[str, ...]) -> _LangPlan:
    plans = rs.__dict__.setdefault("_lang_plans", {})
    plan = plans.get(langs)
    if plan is None:
        plan = plans[langs] = _LangPlan(rs, langs)
    return plan


def _worth_searching(plan: _LangPlan, possible: list[str]) -> list[str]:
    """The risk concepts whose matches can change the result.

    ``possible`` are those whose anchors occur in the text. A concept is only searched when
    some rule that needs it could still fire, i.e. each of that rule's requirement groups has
    a possible concept (or a cue); the rest cannot influence any rule. Cached per plan."""
    key = frozenset(possible)
    cache = plan.reach_cache
    out = cache.get(key)
    if out is None:
        needed = set(plan.read_elsewhere & key)
        for groups, members in plan.reach:
            for g in groups:
                if g.isdisjoint(key):
                    break
            else:
                needed |= members & key
        out = [n for n in possible if n in needed]
        if len(cache) >= _REACH_CACHE_SIZE:
            cache.clear()
        cache[key] = out
    return out


def _find(c, norm: str, active: set[str]) -> list[tuple[int, int]]:
    rx = c.regex
    if rx is None:
        return []
    if c.anchors is not None and c.name not in active:
        return []
    if c.buckets is None:
        return [m.span() for m in rx.finditer(norm) if m.end() > m.start()]
    spans: list[tuple[int, int]] = []
    for bname, banchors, brx in c.buckets:
        if banchors is not None and bname not in active:
            continue
        spans.extend(m.span() for m in brx.finditer(norm) if m.end() > m.start())
    if len(spans) > 1:
        # like one alternation: leftmost, longest first, no overlaps
        spans.sort(key=lambda x: (x[0], -x[1]))
        out = [spans[0]]
        for sp in spans[1:]:
            if sp[0] >= out[-1][1]:
                out.append(sp)
        return out
    return spans


def _active_langs(norm: str, primary: str) -> tuple[str, ...]:
    """Primary language plus the other one when the message is clearly mixed."""
    de, en = language_scores(norm)
    if de < 2 and en < 2:
        return (primary, "en" if primary == "de" else "de")
    if primary == "de":
        return ("de", "en") if en >= 2 and en * 3 >= de else ("de",)
    return ("en", "de") if de >= 2 and de * 3 >= en else ("en",)


def run(text: str, lang: str | None = None, ruleset: RuleSet | None = None):
    return _run(text, lang, ruleset or get_ruleset())


def spans_to_original(text: str, norm_spans):
    if not norm_spans:
        return ()
    omap = offset_map(text)
    out = []
    for s, e in sorted(set(norm_spans)):
        os_ = omap[s]
        oe = omap[e - 1] + 1 if e - 1 < len(omap) - 1 else len(text)
        out.append((os_, oe))
    # merge overlapping
    merged: list[list[int]] = []
    for s, e in out:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return tuple((s, e, text[s:e]) for s, e in merged)
