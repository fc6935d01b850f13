"""``crisis_eval`` – evaluate the crisis detector on a labelled JSONL file.

    augenhoehe crisis-eval FILE.jsonl [--json] [--show-errors] [--fail-under]
                                      [--rules-only | --second-opinion]

Each line: ``{"text": ..., "lang": "de"|"en", "level": "none"|"concern"|"high"}``
(other keys ignored, blank lines skipped). Needs no database and no SECRET_KEY.

By default it measures what the platform decides for every message in a group or
conversation: the rules, raised where the second opinion (the embedding model) sees more.
When the model's package or weights are missing it says so and measures the rules alone.
``--rules-only`` measures the rules alone (what the send path decides synchronously);
``--second-opinion`` insists on the model and fails when it is unavailable.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from augenhoehe.safety.detector import RuleError
from augenhoehe.safety.detector.evaluation import RecordError, evaluate, format_report, read_jsonl


class Command(BaseCommand):
    help = "Evaluate the crisis risk detector on a labelled JSONL file (per language and overall)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSONL file with text, lang and level per line")
        parser.add_argument(
            "--json", action="store_true", help="print the result as one JSON object"
        )
        parser.add_argument("--show-errors", action="store_true", help="list misclassified items")
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--second-opinion",
            action="store_true",
            help="require the embedding model's second opinion (the default uses it when "
            "installed and falls back to the rules alone)",
        )
        which.add_argument(
            "--rules-only",
            action="store_true",
            help="measure the rules alone, without the second opinion",
        )
        parser.add_argument(
            "--fail-under",
            action="store_true",
            help="exit non-zero unless all goals are met (high flagged >= .97, high as high >= .90, "  # noqa: E501
            "high+concern flagged >= .85, FP on none <= .10, none as high <= .03)",
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            with open(path, encoding="utf-8") as fh:
                records = read_jsonl(fh)
        except FileNotFoundError:
            raise CommandError(f"{path}: file not found") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 ({exc.reason})") from None
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        except RecordError as exc:
            raise CommandError(f"{path}: {exc}") from None
        if not records:
            raise CommandError(f"{path}: no records")
        try:
            if options.get("rules_only"):
                result, assessed_by = evaluate(records), "rules"
            else:
                result, assessed_by = _evaluate_combined(
                    records, options.get("second_opinion", False), self.stderr.write
                )
        except RuleError as exc:
            raise CommandError(f"rule files: {exc}") from None
        if options["json"]:
            out = dict(result)
            out["assessed_by"] = assessed_by
            if not options["show_errors"]:
                out.pop("errors", None)
            self.stdout.write(json.dumps(out, ensure_ascii=False, sort_keys=True))
        else:
            self.stdout.write(f"assessed by: {_describe(assessed_by)}")
            self.stdout.write(format_report(result, show_errors=options["show_errors"]))
        if options["fail_under"] and result["goals_failed"]:
            failed = "; ".join(f"{k}: {', '.join(v)}" for k, v in result["goals_failed"].items())
            raise CommandError(f"goals not met: {failed}")


def _describe(assessed_by: str) -> str:
    if assessed_by == "rules":
        return "the rules alone"
    return f"the rules plus the second opinion ({assessed_by.partition('+')[2]})"


def _evaluate_combined(records: list[dict], required: bool, warn) -> tuple[dict, str]:
    """Rules + second opinion; without the model, the rules alone (or an error if required)."""
    from augenhoehe.safety.second_opinion.evaluation import evaluate_with
    from augenhoehe.safety.second_opinion.model import (
        MODEL_ID,
        ModelUnavailable,
        get_classifier,
        get_embedder,
    )

    try:
        get_classifier(), get_embedder()
    except ModelUnavailable as exc:
        if required:
            raise CommandError(f"second opinion unavailable: {exc}") from None
        warn(f"second opinion unavailable ({exc}); measuring the rules alone")
        return evaluate(records), "rules"
    return evaluate_with(records), f"rules+{MODEL_ID}"
