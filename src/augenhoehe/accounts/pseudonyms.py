"""Friendly pseudonym suggestions, e.g. "StillerFuchs42" or "KindOtter7"."""

from __future__ import annotations

import secrets

_ADJECTIVES = (
    "Stiller",
    "Mutiger",
    "Sanfter",
    "Heller",
    "Ruhiger",
    "Wacher",
    "Freundlicher",
    "Kluger",
    "Bunter",
    "Leiser",
    "Warmer",
    "Tapferer",
    "Gelassener",
    "Neugieriger",
    "Treuer",
    "Sonniger",
    "Calm",
    "Brave",
    "Gentle",
    "Bright",
    "Quiet",
    "Kind",
    "Steady",
    "Curious",
    "Warm",
    "Hopeful",
)
_NOUNS = (
    "Fuchs",
    "Igel",
    "Otter",
    "Dachs",
    "Falke",
    "Kranich",
    "Biber",
    "Luchs",
    "Reiher",
    "Wal",
    "Ahorn",
    "Fluss",
    "Leuchtturm",
    "Morgen",
    "Kompass",
    "Anker",
    "Stern",
    "Mond",
    "Wind",
    "Heron",
    "Badger",
    "Lantern",
    "Harbour",
    "Willow",
    "Robin",
    "Maple",
    "Pebble",
)


def _candidate() -> str:
    return secrets.choice(_ADJECTIVES) + secrets.choice(_NOUNS) + str(secrets.randbelow(99) + 1)


def suggest_pseudonym(attempts: int = 20) -> str:
    from augenhoehe.accounts.actions import pseudonym_taken

    candidate = _candidate()
    for _ in range(attempts):
        if not pseudonym_taken(candidate):
            return candidate
        candidate = _candidate()
    return candidate + str(secrets.randbelow(1000))
