"""Compile every gettext catalogue (.po) under src/ into .mo, without needing GNU gettext.

Each app keeps its own catalogue in ``<app>/locale/<lang>/LC_MESSAGES/django.po``. The .mo
files are build output (not in git); ``make messages`` and the test set-up run this script.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src"


def compile_catalogues(root: Path = ROOT) -> int:
    """Compile the catalogues whose .mo is missing or older than the .po; return how many."""
    count = 0
    for po_path in sorted(root.rglob("locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = polib.pofile(str(po_path))
        # Like msgfmt: a fuzzy translation is a guess and must not reach anybody's screen.
        for entry in catalogue.fuzzy_entries():
            catalogue.remove(entry)
        # Write beside the target and rename, so a parallel test run never reads half a file.
        handle, tmp_name = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        os.close(handle)
        try:
            catalogue.save_as_mofile(tmp_name)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, mo_path)
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
        count += 1
    return count


def main() -> int:
    print(f"compiled {compile_catalogues()} catalogue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
