"""Evaluation of rules + second opinion, in the same shape as
:func:`augenhoehe.safety.detector.evaluation.evaluate` (so ``format_report`` prints it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from augenhoehe.safety.detector import Assessment
from augenhoehe.safety.detector.evaluation import GOALS, _metrics, goals_met

from .model import combined_assess_many


def evaluate_with(
    records: Iterable[dict],
    assess_many: Callable[
        [Sequence[str], Sequence[str | None]], list[Assessment]
    ] = combined_assess_many,
) -> dict:
    """Like ``evaluation.evaluate`` but with a batched assess function (default: combined)."""
    records = list(records)
    hints = [r.get("lang") for r in records]
    assessments = assess_many([r["text"] for r in records], hints)
    by_lang: dict[str, list[tuple[str, str]]] = {}
    overall: list[tuple[str, str]] = []
    errors = []
    for i, (rec, a) in enumerate(zip(records, assessments, strict=True)):
        exp, got = rec["level"], a.level.value
        lang = str(rec["lang"]) if rec.get("lang") in ("de", "en") else a.lang
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
