"""Guarded activation as compliance uses it: tests and the what-if first, refusals that say why,
rescaled entries recorded and reversible, and the policy in force readable again."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from cli_support import Run, no_traceback
from test_regrade_guards import _archive_files, _reweighted

from creditfile.policy import default_policy_path
from creditfile.store import Archive

DEFAULT = str(default_policy_path())
TESTS = str(default_policy_path().with_name("default.tests.yaml"))
ROOT = Path(__file__).parents[2]


def _assessments(archive_path: Path) -> dict[str, dict[str, object]]:
    return {str(d["id"]): dict(d["assessment"]) for d in Archive.open(archive_path).documents()}


def _stranded(archive_path: Path) -> set[str]:
    """Customers whose 社会口碑与信用 entry fits 20 but not 15: counted by hand."""
    return {
        cid
        for cid, entries in _assessments(archive_path).items()
        if isinstance(entries.get("reputation"), int | float) and 15 < entries["reputation"] <= 20
    }


def _scaled(value: float, old: int, new: int) -> float:
    exact = Decimal(repr(value)) * new / old
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_failing_tests_refuse_the_activation_and_write_nothing(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    before = _archive_files(archive_path)
    result = run("policy", "activate", str(_reweighted(tmp_path)), "--tests", TESTS, "--yes")
    assert result.returncode == 1
    assert no_traceback(result)
    assert "policy test checks fail" in result.stderr
    assert "--force" in result.stderr
    # The summary came first: the tests and the what-if with its reasons.
    assert "FAIL" in result.stdout
    assert "become ungraded: Reputation and credit score above the new weight 15" in result.stdout
    assert _archive_files(archive_path) == before


def test_stranding_entries_is_refused_naming_how_many_and_which_item(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    before = _archive_files(archive_path)
    result = run(
        "policy", "activate", str(_reweighted(tmp_path)), "--tests", TESTS, "--force", "--yes"
    )
    assert result.returncode == 1
    count = len(_stranded(archive_path))
    assert count
    assert (
        f"{count:,} customers have a 社会口碑与信用 (reputation) entry above the new weight 15"
        in (result.stderr)
    )
    assert "--rescale" in result.stderr
    assert _archive_files(archive_path) == before


def test_rescaling_is_proportional_recorded_forced_and_undone_by_the_old_policy(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    assert run("regrade", "--as-of", "2026-11-29").returncode == 0
    original = _assessments(archive_path)
    ungraded_before = json.loads(run("regrade", "--as-of", "2026-11-29", "--json").stdout)[
        "ungraded"
    ]
    new = str(_reweighted(tmp_path))
    result = run(
        "policy", "activate", new, "--tests", TESTS, "--force", "--rescale", "--yes", "--json"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["activated"] and report["forced"]
    now = _assessments(archive_path)
    for cid, entries in original.items():
        for item, old_w, new_w in (("reputation", 20, 15), ("payment", 30, 35)):
            value = entries.get(item)
            if isinstance(value, int | float) and 0 <= value <= old_w:
                assert now[cid][item] == _scaled(value, old_w, new_w), (cid, item)
            else:
                assert now[cid].get(item) == value  # missing or wrong: left alone
    events = json.loads(run("history", "--json", "--limit", "100000").stdout)
    rescales = [e for e in events if e["kind"] == "assessment_rescaled"]
    sample = next(e for e in rescales if e["customer_id"] in _stranded_from(original))
    entry = next(x for x in sample["entries"] if x["item"] == "reputation")
    assert entry["old"] == original[sample["customer_id"]]["reputation"]
    assert (entry["from_weight"], entry["to_weight"]) == (20, 15)
    activation = [e for e in events if e["kind"] == "policy_activated"][-1]
    assert activation["forced"] is True
    assert activation["tests"]["failed"] > 0
    # Nobody was stranded: no customer lost its grade.
    regraded = json.loads(run("regrade", "--as-of", "2026-11-29", "--json").stdout)
    assert regraded["policy"]["version"] == "2026.2"
    assert not [c for c in regraded["changes"] if c["to"] is None]
    # Fewer, even: a 付款情况 entry of 30.5, wrong under 30, is left as entered and fits 35.
    assert regraded["ungraded"] <= ungraded_before
    # Activating the old policy with --rescale puts every entry back exactly.
    back = run("policy", "activate", DEFAULT, "--rescale", "--yes")
    assert back.returncode == 0, back.stderr
    assert _assessments(archive_path) == original


def _stranded_from(assessments: dict[str, dict[str, object]]) -> set[str]:
    return {
        cid
        for cid, entries in assessments.items()
        if isinstance(entries.get("reputation"), int | float) and 15 < entries["reputation"] <= 20
    }


def test_show_active_prints_the_text_in_force_and_history_lists_every_activation(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    default = run("policy", "show", "--active")
    assert default.returncode == 0
    assert default.stdout == default_policy_path().read_text("utf-8")
    assert "no policy was ever activated" in default.stderr
    new = tmp_path / "2027.yaml"
    text = default_policy_path().read_text("utf-8").replace('"2026.1"', '"2027.1"')
    new.write_text(text, "utf-8")
    assert run("policy", "activate", str(new), "--actor", "合规部 李", "--yes").returncode == 0
    new.unlink()  # the archive keeps the text
    shown = run("policy", "show", "--active")
    assert shown.stdout == text
    assert "version 2027.1" in shown.stderr
    assert "合规部 李" in shown.stderr
    about = json.loads(run("policy", "show", "--active", "--json").stdout)
    assert (about["version"], about["activated_by"], about["text"]) == ("2027.1", "合规部 李", text)
    assert run("policy", "activate", DEFAULT, "--yes").returncode == 0
    history = json.loads(run("policy", "history", "--json").stdout)
    assert [h["version"] for h in history] == ["2027.1", "2026.1"]
    assert history[1]["tests"] == {"file": TESTS, "checks": history[1]["tests"]["checks"],
                                   "failed": 0}  # fmt: skip
    table = run("policy", "history")
    assert "2027.1" in table.stdout and "合规部 李" in table.stdout


@pytest.mark.parametrize(("answer", "activated"), [("n\n", False), ("y\n", True)])
def test_on_a_terminal_activation_asks_first(
    archive_path: Path, tmp_path: Path, answer: str, activated: bool
) -> None:
    new = tmp_path / "2027.yaml"
    new.write_text(DEFAULT_TEXT.replace('"2026.1"', '"2027.1"'), "utf-8")
    primary, secondary = pty.openpty()
    env = {**os.environ, "CREDITFILE_DB": str(archive_path), "PYTHONPATH": str(ROOT)}
    env.pop("CREDITFILE_POLICY", None)
    os.write(primary, answer.encode())
    result = subprocess.run(
        [sys.executable, "-m", "creditfile", "policy", "activate", str(new)],
        stdin=secondary, capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    os.close(primary)
    os.close(secondary)
    assert "Activate version 2027.1" in result.stderr
    assert (result.returncode == 0) == activated
    active = Archive.open(archive_path).active_policy()
    assert (active is not None and active["version"] == "2027.1") == activated


DEFAULT_TEXT = default_policy_path().read_text("utf-8")


def test_customers_of_a_nature_the_new_policy_drops_are_named_before_activation(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    new = tmp_path / "no-individuals.yaml"
    new.write_text(DEFAULT_TEXT.replace("  individual: 个人\n", ""), "utf-8")
    individuals = sum(d["nature"] == "individual" for d in Archive.open(archive_path).documents())
    assert individuals
    result = run("policy", "activate", str(new), "--yes", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["unknown_natures"] == {"individual": individuals}
    shown = run("policy", "activate", str(new), "--yes")
    assert f"{individuals:,} customers are of nature 'individual'" in shown.stdout
