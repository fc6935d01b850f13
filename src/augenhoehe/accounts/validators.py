from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PSEUDONYM_MIN = 3
PSEUDONYM_MAX = 30
PASSWORD_MAX = 128

# Letters (umlauts and other scripts included), digits, and . _ - inside.
_PSEUDONYM_RE = re.compile(r"^[^\W_](?:[\w.\- ]*[^\W_])?$")

# Words that would let someone pose as staff or as a role that needs trust.
RESERVED_WORDS = (
    "admin",
    "administrator",
    "moderator",
    "moderation",
    "mod",
    "team",
    "staff",
    "support",
    "system",
    "augenhoehe",
    "augenhöhe",
    "fachkraft",
    "professional",
    "therapeut",
    "therapist",
    "psychologe",
    "psychologin",
    "arzt",
    "aerztin",
    "ärztin",
    "doctor",
    "doktor",
    "peer",
    "genesungsbegleiter",
    "genesungsbegleiterin",
    "exin",
    "ex-in",
    "official",
    "offiziell",
    "krisendienst",
    "notruf",
    "orgadmin",
)


def _fold(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).casefold()
    return re.sub(r"[\s._\-]+", "", value)


def validate_pseudonym(value: str) -> None:
    value = value.strip()
    if not (PSEUDONYM_MIN <= len(value) <= PSEUDONYM_MAX):
        raise ValidationError(
            _("A pseudonym has %(min)d to %(max)d characters.")
            % {"min": PSEUDONYM_MIN, "max": PSEUDONYM_MAX},
            code="length",
        )
    if not _PSEUDONYM_RE.match(value) or "  " in value:
        raise ValidationError(
            _(
                "Please use letters, digits and single spaces, dots, hyphens or underscores "
                "between them."
            ),
            code="characters",
        )
    if _looks_reserved(value):
        raise ValidationError(
            _("Pseudonyms must not look like a staff member or a role. Please choose another."),
            code="reserved",
        )


_RESERVED = {_fold(word) for word in RESERVED_WORDS}
_TOKEN_RE = re.compile(r"[A-ZÄÖÜ]?[a-zäöüß]+|[A-ZÄÖÜ]+(?![a-zäöüß])|\d+|[^\W\d_]+")


def _looks_reserved(value: str) -> bool:
    """True if a word of the pseudonym (split at separators, CamelCase and digits) is reserved.

    Whole words only, so that "Schwarztee" or "SteamFan" stay possible while "Admin_Jana",
    "TeamAugenhoehe" or "moderator1" are refused.
    """
    folded = _fold(value)
    if folded in _RESERVED:
        return True
    tokens = [_fold(token) for token in _TOKEN_RE.findall(value)]
    if any(token in _RESERVED for token in tokens):
        return True
    # Pseudonyms written in one case ("moderatorjana") have no CamelCase to split on.
    return any(folded.startswith(word) for word in _RESERVED if len(word) >= 5)


class MaximumLengthValidator:
    """Long passwords are welcome, but an unbounded one makes hashing a denial of service."""

    def __init__(self, max_length: int = PASSWORD_MAX) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("A password has at most %(max)d characters.") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("At most %(max)d characters.") % {"max": self.max_length}
