"""``crisis_eval`` – evaluate the crisis detector on a labelled JSONL file.

    augenhoehe crisis-eval FILE.jsonl [--json] [--show-errors] [--fail-under] [--second-opinion]

Each line: ``{"text": ..., "lang": "de"|"en", "level": "none"|"concern"|"high"}``
(other keys ignored, blank lines skipped). Needs no database.
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
        parser.add_argument(
            "--second-opinion",
            action="store_true",
            help="rules plus the embedding model's second opinion (it may only raise a level)",
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
            combined = options.get("second_opinion", False)
            result = _evaluate_combined(records) if combined else evaluate(records)
        except RuleError as exc:
            raise CommandError(f"rule files: {exc}") from None
        if options["json"]:
            out = dict(result)
            if not options["show_errors"]:
                out.pop("errors", None)
            self.stdout.write(json.dumps(out, ensure_ascii=False, sort_keys=True))
        else:
            self.stdout.write(format_report(result, show_errors=options["show_errors"]))
        if options["fail_under"] and result["goals_failed"]:
            failed = "; ".join(f"{k}: {', '.join(v)}" for k, v in result["goals_failed"].items())
            raise CommandError(f"goals not met: {failed}")


def _evaluate_combined(records: list[dict]) -> dict:
    from augenhoehe.safety.second_opinion.evaluation import evaluate_with
    from augenhoehe.safety.second_opinion.model import (
        ModelUnavailable,
        get_classifier,
        get_embedder,
    )

    try:
        get_classifier(), get_embedder()
    except ModelUnavailable as exc:
        raise CommandError(f"second opinion unavailable: {exc}") from None
    return evaluate_with(records)
