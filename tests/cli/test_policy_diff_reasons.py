"""``policy diff OLD NEW`` on an archive: a summary by reason first, then each change with its
reason, and the same in ``--json``."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import Run, no_traceback
from test_regrade_guards import _reweighted

from creditfile.policy import default_policy_path
from creditfile.store import Archive

OLD_WEIGHTS = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}


NEW_WEIGHTS = {**OLD_WEIGHTS, "reputation": 15, "payment": 35}


def _valid(doc: dict[str, object], weights: dict[str, int]) -> bool:
    """Whether every manual entry is a number within its weight: counted by hand."""
    entered = doc.get("assessment") or {}
    assert isinstance(entered, dict)
    return all(
        isinstance(entered.get(k), int | float) and 0 <= entered[k] <= w for k, w in weights.items()
    )


def _moved(archive_path: Path) -> tuple[set[str], set[str]]:
    """(graded before and stranded by the new weights, ungraded before and graded after)."""
    docs = Archive.open(archive_path).documents()
    old = {str(d["id"]) for d in docs if _valid(d, OLD_WEIGHTS)}
    new = {str(d["id"]) for d in docs if _valid(d, NEW_WEIGHTS)}
    return old - new, new - old


def test_the_diff_says_why_first_in_a_summary_then_per_customer(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    new = str(_reweighted(tmp_path))
    result = run("policy", "diff", str(default_policy_path()), new, "--as-of", "2026-11-29")
    assert result.returncode == 0, result.stderr
    assert no_traceback(result)
    stranded, rescued = _moved(archive_path)
    assert stranded
    assert rescued  # entered above 30 for 付款情况, now within 35
    lines = [
        f"{len(stranded):,} become ungraded: 社会口碑与信用 score above the new weight 15",
        f"{len(rescued):,} become graded: 付款情况 score within the new weight 35 (was 30)",
    ]
    for line in lines:
        assert line in result.stdout
        assert result.stdout.index(line) < result.stdout.index("would change grade")
    # The customers who change grade; the agency-investigation suggestions follow them.
    grade_part = result.stdout.split("\nAgency investigation:")[0]
    rows = {r.split()[0]: r for r in grade_part.splitlines() if r.startswith("C0")}
    assert set(rows) == stranded | rescued
    assert all(rows[c].endswith("社会口碑与信用 score above the new weight 15") for c in stranded)
    assert all(rows[c].endswith("(was 30)") for c in rescued)


def test_the_json_diff_carries_the_summary_and_each_reason(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    new = str(_reweighted(tmp_path))
    result = run(
        "policy", "diff", str(default_policy_path()), new, "--as-of", "2026-11-29", "--json"
    )
    assert result.returncode == 0, result.stderr
    what_if = json.loads(result.stdout)["what_if"]
    stranded, rescued = _moved(archive_path)
    assert [(r["effect"], r["kinds"], r["customers"]) for r in what_if["summary"]] == [
        ("become ungraded", ["entry_above_weight"], len(stranded)),
        ("become graded", ["entry_within_weight"], len(rescued)),
    ]
    assert {c["id"] for c in what_if["grade_changes"]} == stranded | rescued
    for change in what_if["grade_changes"]:
        item = "reputation" if change["id"] in stranded else "payment"
        assert change["reasons"][0]["item"] == item
