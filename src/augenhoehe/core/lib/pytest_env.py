"""A pytest plugin (loaded early with ``-p``, see pyproject.toml) for the test environment.

pytest-django imports the settings before any ``conftest.py`` runs, and the settings refuse
to start with DEBUG off and no SECRET_KEY; so the local defaults must be set here, first.
The translation catalogues are compiled here too: the .mo files are build output, and a
test that reads German text must not depend on ``make messages`` having run before.
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("FAST_PASSWORD_HASHER", "true")
os.environ.setdefault("PLAIN_STATIC_STORAGE", "true")
# Fixtures create data through the send action, faster than a person types; the rate-limit
# tests set their own low limit.
os.environ.setdefault("CHAT_MESSAGES_PER_MINUTE", "100000")
# The crisis second opinion (a background model) only where a test turns it on.
os.environ.setdefault("CRISIS_SECOND_OPINION", "false")

_SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "compile_messages.py"
if _SCRIPT.exists():  # a source checkout; an installed package ships compiled catalogues
    runpy.run_path(str(_SCRIPT))["compile_catalogues"]()
