"""Evaluation helpers for the crisis detector (no Django needed).

``evaluate(records)`` runs :func:`assess` over records with ``text``, ``lang``
(used as hint) and ``level`` (expected: none/concern/high) and returns per
language and overall:

* ``high_flagged``  – recall of ``high`` items flagged at any level
* ``high_as_high``  – recall of ``high`` items assessed ``high``
* ``risk_flagged``  – recall of ``high`` + ``concern`` items flagged at any level
* ``none_fp_rate``  – share of ``none`` items flagged at any level
* ``none_as_high``  – number (and ``none_as_high_rate``) of ``none`` items assessed ``high``
* ``confusion``     – 3x3 matrix, rows = expected, cols = assessed
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import Assessment, assess

LEVELS = ("none", "concern", "high")

GOALS = {
    "high_flagged": (">=", 0.97),
    "high_as_high": (">=", 0.90),
    "risk_flagged": (">=", 0.85),
    "none_fp_rate": ("<=", 0.10),
    "none_as_high_rate": ("<=", 0.03),
}


class RecordError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


def read_jsonl(lines: Iterable[str]) -> list[dict]:
    """Parse JSONL lines; blank lines skipped; raises RecordError naming the line."""
    out = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecordError(no, f"invalid JSON ({exc.msg})") from None
        if not isinstance(rec, dict):
            raise RecordError(no, "expected a JSON object")
        if not isinstance(rec.get("text"), str):
            raise RecordError(no, "missing or non-string 'text'")
        if rec.get("level") not in LEVELS:
            raise RecordError(
                no, f"'level' must be one of {', '.join(LEVELS)}, got {rec.get('level')!r}"
            )
        lang = rec.get("lang")
        if lang is not None and not isinstance(lang, str):
            raise RecordError(no, "'lang' must be a string")
        rec.setdefault("_line", no)
        out.append(rec)
    return out


def _ratio(a: int, b: int):
    return round(a / b, 4) if b else None


def _metrics(rows: list[tuple[str, str]]) -> dict:
    conf = {e: dict.fromkeys(LEVELS, 0) for e in LEVELS}
    for exp, got in rows:
        conf[exp][got] += 1
    n_high = sum(conf["high"].values())
    n_conc = sum(conf["concern"].values())
    n_none = sum(conf["none"].values())
    high_flagged = conf["high"]["concern"] + conf["high"]["high"]
    risk_flagged = high_flagged + conf["concern"]["concern"] + conf["concern"]["high"]
    none_flagged = conf["none"]["concern"] + conf["none"]["high"]
    return {
        "count": len(rows),
        "counts": {"none": n_none, "concern": n_conc, "high": n_high},
        "high_flagged": _ratio(high_flagged, n_high),
        "high_as_high": _ratio(conf["high"]["high"], n_high),
        "risk_flagged": _ratio(risk_flagged, n_high + n_conc),
        "none_fp_rate": _ratio(none_flagged, n_none),
        "none_as_high": conf["none"]["high"],
        "none_as_high_rate": _ratio(conf["none"]["high"], n_none),
        "exact_accuracy": _ratio(sum(conf[lv][lv] for lv in LEVELS), len(rows)),
        "confusion": conf,
    }


def goals_met(metrics: dict) -> list[str]:
    """Return the list of failed goals (empty = all met)."""
    failed = []
    for key, (op, thr) in GOALS.items():
        v = metrics.get(key)
        if v is None:
            continue
        if (op == ">=" and v < thr) or (op == "<=" and v > thr):
            failed.append(f"{key} = {v} (goal {op} {thr})")
    return failed


def evaluate(
    records: Iterable[dict],
    assess_many: Callable[[Sequence[str], Sequence[str | None]], list[Assessment]] | None = None,
) -> dict:
    """Assess every record and compute the metrics per language and overall.

    ``assess_many`` assesses all texts at once (e.g. rules + second opinion, batched);
    by default each text goes through the rules' ``assess``."""
    records = list(records)
    hints = [rec.get("lang") for rec in records]
    texts = [rec["text"] for rec in records]
    if assess_many is None:
        assessments = [assess(text, hint) for text, hint in zip(texts, hints, strict=True)]
    else:
        assessments = assess_many(texts, hints)
    by_lang: dict[str, list[tuple[str, str]]] = {}
    overall: list[tuple[str, str]] = []
    errors = []
    for i, (rec, hint, a) in enumerate(zip(records, hints, assessments, strict=True)):
        exp = rec["level"]
        got = a.level.value
        lang = hint if hint in ("de", "en") else a.lang
        by_lang.setdefault(lang, []).append((exp, got))
        overall.append((exp, got))
        if got != exp:
            errors.append(
                {
                    "id": rec.get("id", f"#{rec.get('_line', i + 1)}"),
                    "lang": lang,
                    "expected": exp,
                    "got": got,
                    "rule_ids": list(a.rule_ids),
                    "tag": rec.get("tag"),
                    "text": rec["text"],
                }
            )
    result: dict[str, Any] = {
        "languages": {lang: _metrics(rows) for lang, rows in sorted(by_lang.items())},
        "overall": _metrics(overall),
        "errors": errors,
    }
    failed = {}
    for name, m in [*result["languages"].items(), ("overall", result["overall"])]:
        f = goals_met(m)
        if f:
            failed[name] = f
    result["goals"] = {k: f"{op} {v}" for k, (op, v) in GOALS.items()}
    result["goals_failed"] = failed
    return result


def _fmt(v) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def format_report(result: dict, show_errors: bool = False) -> str:
    """Human-readable report of :func:`evaluate` output."""
    lines = []
    sections = [*result["languages"].items(), ("overall", result["overall"])]
    for name, m in sections:
        c = m["counts"]
        lines.append(
            f"== {name} (n={m['count']}: high={c['high']} concern={c['concern']} none={c['none']})"
        )
        lines.append(
            f"  recall high flagged (any level):   {_fmt(m['high_flagged'])}   goal >= 0.97"
        )
        lines.append(
            f"  recall high as high:               {_fmt(m['high_as_high'])}   goal >= 0.90"
        )
        lines.append(
            f"  recall high+concern flagged:       {_fmt(m['risk_flagged'])}   goal >= 0.85"
        )
        lines.append(
            f"  false-positive rate on none:       {_fmt(m['none_fp_rate'])}   goal <= 0.10"
        )
        lines.append(
            f"  none assessed high:                {m['none_as_high']} ({_fmt(m['none_as_high_rate'])})   goal <= 0.03"  # noqa: E501
        )
        lines.append(f"  exact level accuracy:              {_fmt(m['exact_accuracy'])}")
        lines.append("  confusion (rows = expected, cols = assessed):")
        lines.append(f"    {'':>9} {'none':>7} {'concern':>8} {'high':>6}")
        for e in LEVELS:
            r = m["confusion"][e]
            lines.append(f"    {e:>9} {r['none']:>7} {r['concern']:>8} {r['high']:>6}")
    if result.get("goals_failed"):
        lines.append("GOALS NOT MET:")
        for name, f in result["goals_failed"].items():
            for x in f:
                lines.append(f"  {name}: {x}")
    else:
        lines.append("All goals met.")
    if show_errors:
        lines.append(f"Misclassified ({len(result['errors'])}):")
        for e in result["errors"]:
            lines.append(
                f"  {e['id']} expected={e['expected']} got={e['got']} rules={','.join(e['rule_ids']) or '-'}"  # noqa: E501
            )
    return "\n".join(lines)
