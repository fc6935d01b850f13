"""Score the detector on a held-out file and print ONLY aggregates and per-tag miss counts.

For rule work without looking at held-out sentences: `python scripts/eval_blind.py FILE`.
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
    records = [json.loads(line) for line in Path(sys.argv[1]).read_text().splitlines() if line.strip()]
    print(format_report(evaluate(records)))
    misses: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for record in records:
        tag = record.get("tag", record["level"])
        totals[tag] += 1
        got = assess(record["text"], record.get("lang")).level
        got = getattr(got, "value", got)
        if got != record["level"]:
            misses[f"{tag} -> {got}"] += 1
    print("\nmisclassified per tag (expected tag -> assessed level):")
    for key, count in sorted(misses.items()):
        print(f"  {key}: {count} of {totals[key.split(' -> ')[0]]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
