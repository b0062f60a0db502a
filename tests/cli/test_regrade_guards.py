"""Guarded regrades for unattended runs: past a limit nothing is written and the exit code is 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import Run, no_traceback

from creditfile.policy import default_policy_path
from creditfile.store import Archive

AS_OF = "2026-11-29"
NEW_WEIGHTS = {"strength": 10, "potential": 15, "reputation": 15, "payment": 35, "other": 10}


def _reweighted(tmp_path: Path) -> Path:
    """The compliance edit of the issue: 社会口碑与信用 20 → 15, 付款情况 30 → 35."""
    text = default_policy_path().read_text("utf-8")
    text = text.replace("label: 社会口碑与信用, weight: 20", "label: 社会口碑与信用, weight: 15")
    text = text.replace("label: 付款情况, weight: 30", "label: 付款情况, weight: 35")
    path = tmp_path / "reweighted.yaml"
    path.write_text(text.replace('"2026.1"', '"2026.2"'), "utf-8")
    return path


def _expected_ungraded(archive_path: Path, weights: dict[str, float]) -> int:
    """Counted from the documents themselves, without the engine: a manual entry missing, not
    a number, or outside [0, weight] leaves the customer ungraded."""

    def stranded(doc: dict[str, object]) -> bool:
        entered = doc.get("assessment") or {}
        assert isinstance(entered, dict)
        for key, weight in weights.items():
            value = entered.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float):
                return True
            if not 0 <= value <= weight:
                return True
        return False

    return sum(stranded(doc) for doc in Archive.open(archive_path).documents())


def _archive_files(archive_path: Path) -> dict[str, bytes]:
    folder = archive_path.parent
    return {
        p.name: p.read_bytes()
        for p in folder.iterdir()
        if p.name.startswith(archive_path.name) and not p.name.endswith(".lock")
    }


@pytest.fixture
def graded(run: Run, archive_path: Path) -> Path:
    """The 200-customer archive graded under the shipped policy."""
    assert run("regrade", "--as-of", AS_OF).returncode == 0
    return archive_path


@pytest.mark.parametrize("layout", ["lines", "whole file"])
def test_a_regrade_past_max_ungraded_writes_nothing_and_exits_3(
    run: Run, graded: Path, tmp_path: Path, layout: str
) -> None:
    if layout == "whole file":  # another tool's layout: regraded through the whole-file path
        graded.write_text(json.dumps(json.loads(graded.read_bytes()), indent=1), "utf-8")
    before = _archive_files(graded)
    policy = str(_reweighted(tmp_path))
    result = run("regrade", "--policy", policy, "--as-of", AS_OF, "--max-ungraded", "10%", "--json")
    assert result.returncode == 3, result.stderr
    assert no_traceback(result)
    assert _archive_files(graded) == before
    assert "nothing was written" in result.stderr
    assert "--max-ungraded 10%" in result.stderr
    refused = json.loads(result.stdout)
    assert refused["written"] is False
    assert refused["refused"][0]["guard"] == "max_ungraded"
    assert refused["ungraded"] == _expected_ungraded(graded, NEW_WEIGHTS)
    assert refused["ungraded_before"] == _expected_ungraded(
        graded, {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}
    )


def test_max_changes_counts_grade_changes_and_a_run_within_its_limits_is_written(
    run: Run, graded: Path, tmp_path: Path
) -> None:
    policy = str(_reweighted(tmp_path))
    dry = json.loads(
        run("regrade", "--policy", policy, "--as-of", AS_OF, "--dry-run", "--json").stdout
    )
    changes = len(dry["changes"])
    assert changes > 10
    before = _archive_files(graded)
    over = run("regrade", "--policy", policy, "--as-of", AS_OF, "--max-changes", str(changes - 1))
    assert over.returncode == 3
    assert f"{changes:,} grade changes" in over.stderr
    assert _archive_files(graded) == before
    within = run(
        "regrade", "--policy", policy, "--as-of", AS_OF,
        "--max-changes", str(changes), "--max-ungraded", "100%", "--json",
    )  # fmt: skip
    assert within.returncode == 0, within.stderr
    written = json.loads(within.stdout)
    assert written["run_id"] is not None
    assert written["ungraded"] == _expected_ungraded(graded, NEW_WEIGHTS)
    assert _archive_files(graded) != before


def test_a_dry_run_past_a_guard_says_the_real_run_would_be_refused(
    run: Run, graded: Path, tmp_path: Path
) -> None:
    before = _archive_files(graded)
    result = run(
        "regrade", "--policy", str(_reweighted(tmp_path)), "--as-of", AS_OF,
        "--dry-run", "--max-ungraded", "5",
    )  # fmt: skip
    assert result.returncode == 3
    assert "would be refused" in result.stderr
    assert _archive_files(graded) == before


def test_a_rise_in_ungraded_customers_goes_to_stderr_even_without_a_guard(
    run: Run, graded: Path, tmp_path: Path
) -> None:
    result = run("regrade", "--policy", str(_reweighted(tmp_path)), "--as-of", AS_OF, "--json")
    assert result.returncode == 0
    summary = json.loads(result.stdout)  # stdout stays one JSON document
    rise = summary["ungraded"] - summary["ungraded_before"]
    assert rise > 0
    assert f"warning: {rise:,} more customers are ungraded than before" in result.stderr
    again = run("regrade", "--policy", str(_reweighted(tmp_path)), "--as-of", AS_OF)
    assert again.returncode == 0
    assert "warning" not in again.stderr  # no rise the second time


@pytest.mark.parametrize("limit", ["ten", "-1", "1.5", "%", "5%%"])
def test_a_limit_that_is_not_a_number_or_a_share_is_a_usage_error(
    run: Run, graded: Path, limit: str
) -> None:
    result = run("regrade", "--max-changes", limit)
    assert result.returncode == 2
    assert "--max-changes" in result.stderr
    assert no_traceback(result)
