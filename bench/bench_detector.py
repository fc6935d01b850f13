"""Micro-benchmark for the crisis detector.

    python bench/bench_detector.py [--repeat N]

Assesses every message of the dev set (../shared/data/crisis_dev.jsonl, if
present) and the extra set (src/augenhoehe/safety/tests/data/crisis_extra.jsonl)
N times and prints median and p99 microseconds per assess() call, and the median with
the per-word anchor memo emptied before each call (every word unseen).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from augenhoehe.safety.detector import assess, get_ruleset  # noqa: E402

FILES = [
    ROOT.parent / "shared" / "data" / "crisis_dev.jsonl",
    ROOT / "src/augenhoehe/safety/tests/data/crisis_extra.jsonl",
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    msgs = []
    for f in FILES:
        if f.exists():
            msgs += [
                (json.loads(line)["text"], json.loads(line).get("lang"))
                for line in f.read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
            print(f"loaded {f.name}")
        else:
            print(f"missing {f} (skipped)")
    if not msgs:
        print("no messages")
        return 0
    t0 = time.perf_counter()
    get_ruleset()
    print(
        f"rule load+compile (cached after first call): {(time.perf_counter() - t0) * 1000:.1f} ms"
    )
    for t, lang in msgs:  # warm-up
        assess(t, lang)
    times = []
    pc = time.perf_counter_ns
    for _ in range(args.repeat):
        for t, lang in msgs:
            s = pc()
            assess(t, lang)
            times.append(pc() - s)
    times.sort()
    med = statistics.median(times) / 1000
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] / 1000
    print(f"messages: {len(msgs)}  calls: {len(times)}")
    print(f"median_us: {med:.1f}")
    print(f"p99_us: {p99:.1f}")
    print(f"mean_us: {statistics.fmean(times) / 1000:.1f}")
    # The same with the per-word anchor memo emptied before every call: every word is
    # new, as for the very first messages after a start (an upper bound for a live chat).
    memo = get_ruleset()._word_memo
    cold = []
    for t, lang in msgs:
        memo.clear()
        s = pc()
        assess(t, lang)
        cold.append(pc() - s)
    print(f"cold_memo_median_us: {statistics.median(cold) / 1000:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
