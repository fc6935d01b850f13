"""A pytest plugin (loaded early with ``-p``, see pyproject.toml) for the test environment.

pytest-django imports the settings before any ``conftest.py`` runs, and the settings refuse
to start with DEBUG off and no SECRET_KEY; so the local defaults must be set here, first.
"""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("FAST_PASSWORD_HASHER", "true")
os.environ.setdefault("PLAIN_STATIC_STORAGE", "true")
