"""The ``augenhoehe`` console command: Django's management commands plus our own.

``augenhoehe serve``, ``augenhoehe demo``, ``augenhoehe grant-role PSEUDONYM ROLE``,
``augenhoehe crisis-eval FILE.jsonl``; hyphens and underscores are interchangeable.
"""

from __future__ import annotations

import os
import secrets
import sys

# Commands that sign nothing and need no database: they run without a configured SECRET_KEY
# (a throwaway key satisfies the settings' production check).
OFFLINE_COMMANDS = frozenset({"crisis_eval"})


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "augenhoehe.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
        if argv[1] in OFFLINE_COMMANDS and not os.environ.get("SECRET_KEY"):
            os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    argv[0] = "augenhoehe"
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake deserves one clear sentence, not a traceback.
        sys.stderr.write(f"augenhoehe: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
