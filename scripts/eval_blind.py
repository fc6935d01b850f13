"""Score the detector on a held-out file and print ONLY aggregates and per-tag miss counts.

For rule work without looking at held-out sentences: `python scripts/eval_blind.py FILE`.
With `--second-opinion`, the rules plus the embedding model's second opinion (it may only raise
a level; see docs/crisis-detector.md).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from augenhoehe.safety.detector import assess  # noqa: E402
from augenhoehe.safety.detector.evaluation import evaluate, format_report  # noqa: E402


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--second-opinion"]
    combined = len(args) < len(sys.argv) - 1
    records = [json.loads(line) for line in Path(args[0]).read_text().splitlines() if line.strip()]
    if combined:
        from augenhoehe.safety.second_opinion.evaluation import evaluate_with
        from augenhoehe.safety.second_opinion.model import (
            MODEL_ID,
            combined_assess_many,
            get_classifier,
            get_embedder,
        )

        get_classifier(), get_embedder()  # fail loudly instead of silently scoring rules only
        texts, langs = [r["text"] for r in records], [r.get("lang") for r in records]
        assessments = combined_assess_many(texts, langs)
        levels = [a.level for a in assessments]
        print(f"rules + second opinion ({MODEL_ID})")
        print(format_report(evaluate_with(records, lambda _texts, _langs: assessments)))
    else:
        levels = [assess(r["text"], r.get("lang")).level for r in records]
        print(format_report(evaluate(records)))
    misses: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for record, got in zip(records, levels, strict=True):
        tag = record.get("tag", record["level"])
        totals[tag] += 1
        got = getattr(got, "value", got)
        if got != record["level"]:
            misses[f"{tag} -> {got}"] += 1
    print("\nmisclassified per tag (expected tag -> assessed level):")
    for key, count in sorted(misses.items()):
        print(f"  {key}: {count} of {totals[key.split(' -> ')[0]]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
