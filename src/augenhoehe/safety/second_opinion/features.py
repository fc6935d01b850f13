"""Rule-derived features for the second opinion (pure Python + numpy).

The detector's own view of a message is a strong hint for *precision*: a risk word that a
modifier cleared (media, technical, gaming, idiom, past, negation ...) is a typical harmless
look-alike. The classifier sees the rule level as a one-hot and one flag per modifier that
was applied or that cleared a match, next to the sentence embedding.
"""

from __future__ import annotations

import numpy as np

from augenhoehe.safety.detector import Assessment

LEVELS = ("none", "concern", "high")

MODIFIERS = (
    "mod.idiom",
    "mod.negation",
    "mod.negation_after",
    "mod.ambivalent_denial",
    "mod.addressed_to_other",
    "mod.abuse_report",
    "mod.media",
    "mod.technical",
    "mod.gaming",
    "mod.joking",
    "mod.past",
    "mod.recovered",
    "mod.past_feels_present",
    "mod.past_after",
    "mod.story",
    "mod.accident",
    "mod.benign_use",
    "mod.hyperbole",
    "mod.asked_denied",
)

FEATURE_NAMES = (
    *(f"rule_level={lvl}" for lvl in LEVELS),
    *MODIFIERS,
    "suppressed_any",
    "lang=en",
)
N_RULE_FEATURES = len(FEATURE_NAMES)


def rule_features(assessment: Assessment, lang: str | None = None) -> np.ndarray:
    """A fixed-length float vector describing the rule assessment."""
    out = np.zeros(N_RULE_FEATURES, dtype=np.float32)
    out[LEVELS.index(assessment.level.value)] = 1.0
    seen = set(assessment.rule_ids)
    for item in assessment.suppressed:
        _, _, mod = str(item).partition(">")
        if mod:
            seen.add(mod)
    for i, mod in enumerate(MODIFIERS):
        if mod in seen:
            out[len(LEVELS) + i] = 1.0
    out[len(LEVELS) + len(MODIFIERS)] = 1.0 if assessment.suppressed else 0.0
    out[-1] = 1.0 if (lang or assessment.lang) == "en" else 0.0
    return out


# --- character n-grams ---------------------------------------------------------------------
# Hashed character 3-5-grams of the detector's normalised text (umlauts folded, casefolded,
# letter runs collapsed): they carry spellings and dialect forms ("i mog nimma") that the
# sentence embedding smooths over. crc32 keeps the hashing the same in every process.
CHAR_DIM = 1 << 13
CHAR_ORDERS = (3, 4, 5)


def char_ngrams(text: str) -> np.ndarray:
    import re
    import zlib

    from augenhoehe.safety.detector.normalize import normalize

    padded = " " + re.sub(r"\s+", " ", normalize(text or "")) + " "
    counts: dict[int, int] = {}
    for n in CHAR_ORDERS:
        for i in range(len(padded) - n + 1):
            key = zlib.crc32(padded[i : i + n].encode("utf-8")) & (CHAR_DIM - 1)
            counts[key] = counts.get(key, 0) + 1
    out = np.zeros(CHAR_DIM, dtype=np.float32)
    if counts:
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        out[idx] = np.log1p(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
        out /= max(float(np.linalg.norm(out)), 1e-9)
    return out
