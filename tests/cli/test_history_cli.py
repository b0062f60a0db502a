"""``creditfile history`` with old and new values, its filters, and ``creditfile runs``, run as
a user runs them: the real program in a subprocess, on an archive in a temp folder."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import Run, under_terminal
from test_table import _lines

from creditfile.store import Archive


def _reimport(run: Run, tmp_path: Path, change: dict[str, Any], name: str = "one.jsonl") -> None:
    doc = Archive.open(tmp_path / "archive.json").get("C00000")
    assert doc is not None
    doc = {k: v for k, v in doc.items() if not k.startswith("_")}
    for path, value in change.items():
        node = doc
        *steps, last = path.split(".")
        for step in steps:
            node = node.setdefault(step, {})
        node[last] = value
    (tmp_path / name).write_text(json.dumps(doc, ensure_ascii=False) + "\n", "utf-8")
    result = run("import", name, "--actor", "王敏")
    assert result.returncode == 0, result.stderr


@pytest.fixture
def edited(archive_path: Path, run: Run, tmp_path: Path) -> Path:
    """The archive after one regrade and an import changing C000000's phone, capital and
    personal data."""
    assert run("regrade").returncode == 0
    _reimport(
        run,
        tmp_path,
        {
            "contact.phone": "027-8888",
            "profile.registered_capital": 50_000_000,
            "profile.person": {"age": 52, "family": "离异", "hobbies": "围棋"},
        },
    )
    return archive_path


def test_history_shows_each_changed_field_by_label_with_old_and_new(edited: Path, run: Run) -> None:
    result = run("--lang", "zh", "history", "C00000")
    assert result.returncode == 0, result.stderr
    assert "电话: " in result.stdout and "→ 027-8888" in result.stdout
    assert "注册资本: " in result.stdout and "→ 50,000,000.00" in result.stdout
    assert "contact.phone" not in result.stdout
    assert "\\n" not in result.stdout  # one line per change, never an escaped line break
    assert "年龄: ••• → •••" in result.stdout
    assert "家庭: ••• → •••" in result.stdout
    assert "爱好: — → •••" in result.stdout  # there was none before


def test_history_names_the_fields_in_english_when_the_interface_is(edited: Path, run: Run) -> None:
    result = run("--lang", "en", "history", "C00000")
    assert result.returncode == 0, result.stderr
    assert "Phone: " in result.stdout and "→ 027-8888" in result.stdout
    assert "Registered capital: " in result.stdout and "→ 50,000,000.00" in result.stdout
    assert "Age: ••• → •••" in result.stdout and "Hobbies: — → •••" in result.stdout
    # Field labels and run details: no Chinese word but the name of who made the change.
    changes = [line.replace("王敏", "") for line in result.stdout.splitlines() if "→" in line]
    assert changes and not [line for line in changes if re.search(r"[\u3400-\u9fff]", line)]


def test_the_history_never_holds_a_personal_value(edited: Path, run: Run) -> None:
    raw = (edited.parent / "archive.json.history.jsonl").read_text("utf-8")
    assert (
        "离异" not in raw and "围棋" not in raw and '"new":52' not in raw and '"old":45' not in raw
    )
    events = json.loads(run("history", "C00000", "--json").stdout)
    imported = [e for e in events if e["kind"] == "customer_imported" and "changes" in e][-1]
    assert {"path": "contact.phone", "old": imported["changes"][0]["old"], "new": "027-8888"} in (
        imported["changes"]
    )
    assert imported["actor"] == "王敏"


def test_limit_says_when_it_stops_short(edited: Path, run: Run) -> None:
    every = json.loads(run("history", "--json", "--limit", "0").stdout)
    result = run("history", "--limit", "2", "--json")
    assert len(json.loads(result.stdout)) == 2
    assert f"the newest 2 of {len(every):,} events" in result.stderr
    assert "stops" not in run("history", "--limit", "0").stderr
    assert run("history", "--limit", "0").stderr == ""


def test_event_selects_one_kind_and_a_typo_gets_a_suggestion(edited: Path, run: Run) -> None:
    events = json.loads(run("history", "--event", "regrade_run", "--json").stdout)
    assert [e["kind"] for e in events] == ["regrade_run"]
    wrong = run("history", "--event", "grade_chnged")
    assert wrong.returncode == 2
    assert "did you mean 'grade_changed'?" in wrong.stderr


def test_since_selects_by_day_and_refuses_a_non_date(edited: Path, run: Run) -> None:
    assert json.loads(run("history", "--since", "2999-01-01", "--json").stdout) == []
    assert run("history", "--since", "2999-01-01").stdout.strip() == "no such events"
    every = json.loads(run("history", "--json", "--limit", "0").stdout)
    assert len(
        json.loads(run("history", "--since", "2000/1/1", "--json", "--limit", "0").stdout)
    ) == len(every)
    wrong = run("history", "--since", "yesterday")
    assert wrong.returncode == 2 and "YYYY-MM-DD" in wrong.stderr


def test_runs_lists_every_regrade_with_its_counts(edited: Path, run: Run) -> None:
    assert run("regrade", "--as-of", "2026-06-30", "--actor", "合规部").returncode == 0
    runs = json.loads(run("runs", "--json").stdout)
    assert len(runs) == 2
    last = runs[-1]
    assert last["actor"] == "合规部" and last["as_of"] == "2026-06-30"
    assert last["policy_version"] == "2026.1"
    assert last["graded"] + last["ungraded"] == last["customers"] == 200
    assert sum(last["by_grade"].values()) == last["graded"]
    text = run("runs").stdout
    assert "合规部" in text and "2026-06-30" in text
    grade, count = next(iter(last["by_grade"].items()))
    assert f"{grade} {count}" in text
    migration = run("report", "migration", str(runs[0]["run_id"]), str(last["run_id"]))
    assert migration.returncode == 0, migration.stderr


def test_runs_on_an_archive_never_regraded(archive_path: Path, run: Run) -> None:
    result = run("runs")
    assert result.returncode == 0 and "no regrade runs yet" in result.stdout


@pytest.mark.parametrize("columns", [80, 120])
def test_history_fits_the_terminal_and_never_cuts_an_event_name(edited: Path, columns: int) -> None:
    out = under_terminal(["--lang", "en", "history", "--limit", "0"], columns, edited)
    lines = _lines(out)
    assert max(cell_len(line) for line in lines) <= columns, out
    names = {"imported", "grade changed", "regrade run", "changed"}
    start, end = lines[0].index("event"), lines[0].index("change")
    rows = [line for line in lines[2:] if not line.startswith("(")]  # the left-out note
    cells = {line[start:end].strip() for line in rows}
    # An event is named whole on its line, never cut after its first word.
    assert cells - {""} <= names, out
    assert {"imported", "grade changed", "regrade run"} <= cells, out


@pytest.mark.parametrize(
    ("lang", "imported", "details", "run_said"),
    [
        ("zh", "导入档案", "版本 1 · 新建档案", "重新评级"),
        ("en", "imported", "revision 1 · new customer", "regrade run"),
    ],
)
def test_history_names_events_and_their_details_in_words_at_80_columns(
    tmp_path: Path, run: Run, lang: str, imported: str, details: str, run_said: str
) -> None:
    demo = tmp_path / "demo.json"
    assert run("--db", str(demo), "demo", "--customers", "3").returncode == 0
    out = under_terminal(["--lang", lang, "history", "--limit", "0"], 80, demo)
    lines = _lines(out)
    assert all(cell_len(line) <= 80 for line in lines), out
    # The event named as people name it, whole, and the store's bookkeeping in words.
    assert any(imported in line and details in line for line in lines), out
    assert run_said in out
    for raw in ("customer_imported", "regrade_run", "rev=", "created=", "True"):
        assert raw not in out
