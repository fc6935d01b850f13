"""A second opinion on the crisis detector from a small multilingual embedding model.

It may raise a level, never lower a rule's. See ``docs/crisis-detector.md`` ("Second
opinion") and :mod:`.model`, :mod:`.worker`.
"""

from __future__ import annotations
