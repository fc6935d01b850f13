"""Only for `make bench` while an app has models but no migration yet: the bench creates
that app's tables with ``migrate --run-syncdb`` (see run.py). Not used by the server."""

from augenhoehe.settings import *  # noqa: F403

MIGRATION_MODULES = {"groups": None, "conversations": None}
