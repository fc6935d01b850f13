"""Train the crisis detector's second opinion (embedding model + small classifier).

    .venv/bin/python scripts/train_second_opinion.py [FILES...] [--dry-run] [--cache DIR]

Writes src/augenhoehe/safety/second_opinion/weights.npz and prints cross-validated figures.
Never pass the development set or the blind set B: they are for evaluation only.
Retrain whenever the rules change (the classifier reads the rule level and modifiers).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# One BLAS thread: deterministic and much faster on a busy machine than oversubscription.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from augenhoehe.safety.second_opinion.train import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
