"""Evaluation of rules + second opinion, in the same shape as
:func:`augenhoehe.safety.detector.evaluation.evaluate` (so ``format_report`` prints it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from augenhoehe.safety.detector import Assessment
from augenhoehe.safety.detector.evaluation import evaluate

from .model import combined_assess_many


def evaluate_with(
    records: Iterable[dict],
    assess_many: Callable[
        [Sequence[str], Sequence[str | None]], list[Assessment]
    ] = combined_assess_many,
) -> dict:
    """``evaluation.evaluate`` with a batched assess function (default: rules + model)."""
    return evaluate(records, assess_many=assess_many)
