"""The command line as operations and compliance use it: exit codes, output, no tracebacks."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_support import Run, no_traceback

from creditfile.policy import default_policy_path

DEFAULT = str(default_policy_path())


def test_regrade_json_has_the_documented_shape(run: Run, archive_path: Path) -> None:
    result = run("regrade", "--as-of", "2026-11-29", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {"as_of", "policy", "customers", "graded", "ungraded", "by_grade", "changes"} <= set(
        summary
    )
    assert summary["customers"] == 200
    assert summary["graded"] + summary["ungraded"] == 200
    assert sum(summary["by_grade"].values()) == summary["graded"]
    assert {"id", "from", "to", "total"} <= set(summary["changes"][0])
    again = json.loads(run("regrade", "--as-of", "2026-11-29", "--json").stdout)
    assert again["changes"] == []


def test_regrade_reports_the_same_whatever_the_file_layout(run: Run, archive_path: Path) -> None:
    # A file laid out by another tool is regraded whole; ours line by line: same outcome.
    laid_out = archive_path.read_bytes()
    archive_path.write_text(json.dumps(json.loads(laid_out), indent=2), encoding="utf-8")
    other = run("regrade", "--as-of", "2026-11-29", "--json")
    assert other.returncode == 0, other.stderr
    assert archive_path.read_bytes().startswith(b'{"customers":{\n')  # laid out again
    archive_path.write_bytes(laid_out)
    ours = run("regrade", "--as-of", "2026-11-29", "--json")
    assert ours.returncode == 0, ours.stderr

    def outcome(result: str) -> dict[str, object]:
        summary = json.loads(result)
        summary.pop("run_id")
        return summary

    assert outcome(ours.stdout) == outcome(other.stdout)
    assert outcome(ours.stdout)["changes"]


def test_dry_run_writes_nothing(run: Run, archive_path: Path) -> None:
    before = archive_path.read_bytes()
    result = run("regrade", "--dry-run", "--as-of", "2026-11-29")
    assert result.returncode == 0
    assert "dry run" in result.stdout
    assert archive_path.read_bytes() == before


def test_explain_shows_every_item_and_the_grade(run: Run, archive_path: Path) -> None:
    result = run("--lang", "zh", "explain", "C00003", "--as-of", "2026-11-29")
    assert result.returncode == 0, result.stderr
    for label in ("实力", "潜力", "社会口碑与信用", "累计租赁额", "付款情况", "其他"):
        assert label in result.stdout
    english = run("--lang", "en", "explain", "C00003", "--as-of", "2026-11-29").stdout
    for label in ("Strength", "Potential", "Reputation and credit", "Payment record", "Other"):
        assert label in english  # the policy's English labels (labels_en)
    assert "实力" not in english and "tier 一般客户" not in english
    detail = json.loads(run("explain", "C00003", "--as-of", "2026-11-29", "--json").stdout)
    assert detail["grading"]["as_of"] == "2026-11-29"
    assert len(detail["items"]) == 6


def test_unknown_customer_is_exit_1_with_a_suggestion(run: Run, archive_path: Path) -> None:
    result = run("explain", "C0003")
    assert result.returncode == 1
    assert "did you mean" in result.stderr
    assert no_traceback(result)


def test_usage_errors_exit_2(run: Run, archive_path: Path) -> None:
    assert run("regrade", "--as-of", "29/11/2026").returncode == 2
    assert run("no-such-command").returncode == 2
    assert run("export", "--format", "pdf").returncode == 2


def test_missing_archive_is_explained(run: Run) -> None:
    result = run("regrade")
    assert result.returncode == 1
    assert "creditfile demo" in result.stderr
    assert no_traceback(result)


def test_policy_check_reports_file_line_column_key(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        default_policy_path().read_text("utf-8").replace("weight: 30", "weight: 31"), "utf-8"
    )
    result = run("policy", "check", DEFAULT, str(bad))
    assert result.returncode == 1
    assert re.search(
        rf"^{re.escape(str(bad))}:\d+:\d+: scoring: weights add up to 101",
        result.stderr,
        re.MULTILINE,
    )
    assert "ok" in result.stdout  # the good one is still reported as fine
    assert run("policy", "check", DEFAULT).returncode == 0


def test_shipped_policy_tests_pass(run: Run) -> None:
    result = run("policy", "test", DEFAULT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^\d+ passed, 0 failed$", result.stdout, re.MULTILINE)


def test_failing_policy_test_shows_expected_and_actual(run: Run, tmp_path: Path) -> None:
    changed = tmp_path / "stricter.yaml"
    changed.write_text(
        default_policy_path().read_text("utf-8").replace("min_score: 90", "min_score: 91"), "utf-8"
    )
    tests = default_policy_path().with_name("default.tests.yaml")
    result = run("policy", "test", str(changed), "--tests", str(tests))
    assert result.returncode == 1
    # In words, with labels and the reason, never Python reprs.
    assert "  A90 恰好A级\n    why: total 90 is below A's 91\n" in result.stdout
    assert "    grade: expected A 优质客户, got B 良好客户\n" in result.stdout
    assert "'A'" not in result.stdout


def test_policy_diff_shows_changes_and_what_if(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    new = tmp_path / "new.yaml"
    new.write_text(
        default_policy_path().read_text("utf-8").replace("min_score: 70", "min_score: 60"), "utf-8"
    )
    result = run("policy", "diff", DEFAULT, str(new), "--as-of", "2026-11-29", "--json")
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert diff["changes"] == [
        {"path": "grades[C].min_score", "old": 70, "new": 60, "change": "changed"}
    ]
    moved = diff["what_if"]["grade_changes"]
    assert moved
    assert all(c["from"] == "D" and c["to"] == "C" for c in moved)


def test_activated_policy_is_used_and_recorded(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    new = tmp_path / "2027.yaml"
    new.write_text(
        default_policy_path().read_text("utf-8").replace('"2026.1"', '"2027.1"'), "utf-8"
    )
    assert run("policy", "activate", str(new)).returncode == 0
    new.unlink()  # the archive keeps the text: gradings stay reproducible
    summary = json.loads(run("regrade", "--json").stdout)
    assert summary["policy"]["version"] == "2027.1"
    history = json.loads(run("history", "--json").stdout)
    assert any(e["kind"] == "policy_activated" and "2027.1" in e["text"] for e in history)


def test_show_hides_personal_data_unless_asked(run: Run, archive_path: Path) -> None:
    hidden = json.loads(run("show", "C00000", "--json").stdout)
    assert "person" not in hidden.get("profile", {})
    shown = json.loads(run("show", "C00000", "--json", "--include-personal").stdout)
    assert shown["profile"]["person"]["family"] == "已婚"
    events = json.loads(run("history", "C00000", "--json").stdout)
    assert events[-1]["kind"] == "personal_data_revealed"


def test_export_leaves_out_personal_data_unless_asked(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    for fmt in ("json", "jsonl", "csv"):
        plain = run("export", "--format", fmt)
        assert plain.returncode == 0, plain.stderr
        assert "已婚" not in plain.stdout
        personal = run("export", "--format", fmt, "--include-personal")
        assert "已婚" in personal.stdout
    events = json.loads(run("history", "--json").stdout)
    assert any(e["kind"] == "personal_data_exported" for e in events)


def test_migration_accounts_for_every_customer(run: Run, archive_path: Path) -> None:
    first = json.loads(run("regrade", "--as-of", "2026-11-29", "--json").stdout)
    run("regrade", "--as-of", "2026-11-30")
    data = json.loads(run("report", "migration", "--json").stdout)["data"]
    assert data["summary"]["customers"] == first["customers"]
    assert data["row_totals"]["ungraded"] == first["ungraded"]
    assert data["count"]["ungraded"]["ungraded"] == first["ungraded"]


def test_sheet_import_errors_name_the_cell_and_id_without_a_record_number(
    run: Run, tmp_path: Path
) -> None:
    sheet = tmp_path / "customers.csv"
    sheet.write_text(
        "客户编号,客户名称,客户性质,电话\nX1,甲公司,开发商,1\nX2,乙公司,开发商x,\n", "utf-8"
    )
    result = run("import", str(sheet))
    assert result.returncode == 1
    assert f"{sheet}:C3 (id X2): nature: '开发商x' is not a nature" in result.stderr
    assert "record" not in result.stderr.split("\n")[0]
