"""An id merged into another customer, as an office meets it afterwards: rows of sheets and old
exports under the old id land on the kept customer (and say so), ``show``, ``explain`` and
``history`` of the old id show the kept customer, chains of merges are followed to the end, and
the merge grades the kept customer in its own write."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_support import Run, no_traceback

from creditfile.document.changes import MASK
from creditfile.store import Archive

YEAR = date.today().year - 3


def _customer(cid: str, amount: int, contract: str | None = None) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"{cid}建设工程有限公司",
        "nature": "ordinary_company",
        "contact": {"address": "武汉市解放大道100号", "phone": f"027-{cid}"},
        "profile": {"trading_since": "2015-06-01", "person": {"age": 45, "family": "已婚"}},
        "leases": [
            {"contract": contract or f"L-{cid}", "item": "tower_crane",
             "start": f"{YEAR}-01-05", "end": f"{YEAR}-09-30", "amount": amount,
             "status": "closed"}
        ],
        "assessment": {"strength": 8, "potential": 12, "reputation": 17, "payment": 27,
                       "other": 8, "assessed_by": "王敏", "assessed_on": "2026-01-12"},
    }  # fmt: skip


@pytest.fixture
def office(run: Run, tmp_path: Path) -> Path:
    """Three graded customers (C1 holds the top cumulative lease amount), exported in every
    format before anything is merged."""
    seed = tmp_path / "seed.json"
    docs = [_customer("C1", 9_000_000), _customer("C2", 3_000_000), _customer("C3", 1_000_000)]
    seed.write_text(json.dumps(docs, ensure_ascii=False), "utf-8")
    for args in (("import", str(seed)), ("regrade",)):
        result = run("--actor", "setup", *args)
        assert result.returncode == 0, result.stderr
    for fmt in ("json", "csv", "xlsx"):
        assert run("export", "--format", fmt, "--out", f"old.{fmt}").returncode == 0
    return tmp_path / "archive.json"


def _merge(run: Run, keep: str, drop: str) -> dict[str, Any]:
    result = run("--actor", "王敏", "merge", keep, drop, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _hand_made(folder: Path, fmt: str, cid: str, phone: str) -> Path:
    """A sheet someone typed: only id and phone."""
    path = folder / f"phones.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps([{"id": cid, "contact": {"phone": phone}}]), "utf-8")
    elif fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            csv.writer(stream).writerows([["客户编号", "电话"], [cid, phone]])
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "客户"
        sheet.append(["客户编号", "电话"])
        sheet.append([cid, phone])
        book.save(path)
    return path


def _bytes(archive: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in archive.parent.glob(archive.name + "*")
        if not p.name.endswith(".lock")  # holds the pid of whoever last looked
    }


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_row_under_the_dropped_id_lands_on_the_kept_customer_in_every_format(
    run: Run, office: Path, tmp_path: Path, fmt: str
) -> None:
    _merge(run, "C1", "C2")
    sheet = _hand_made(tmp_path, fmt, "C2", "027-88886666")
    files = _bytes(office)

    dry = run("import", "--dry-run", str(sheet))
    assert dry.returncode == 0, dry.stderr
    assert "C2 was merged into C1: its row lands on C1" in dry.stdout
    assert "Phone: 027-C1 → 027-88886666" in dry.stdout
    data = json.loads(run("import", "--dry-run", "--json", str(sheet)).stdout)
    [row] = data["customers"]
    assert (row["id"], row["id_in_file"], row["status"]) == ("C1", "C2", "changed")
    assert _bytes(office) == files  # a dry run writes nothing

    done = run("--actor", "li", "import", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "0 added, 1 changed" in done.stdout
    assert "C2 was merged into C1: its row lands on C1 (changed)" in done.stdout
    records = Archive.open(office).records()
    assert "C2" not in records and records["C1"]["contact"]["phone"] == "027-88886666"
    event = Archive.open(office).history("C1", kind="customer_imported")[-1]
    assert event["id_in_file"] == "C2" and event["actor"] == "li"


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_an_old_export_holding_both_ids_changes_nothing_the_merge_did(
    run: Run, office: Path, fmt: str
) -> None:
    """An export made before the merge has a row for each: C2's is combined into C1's as the
    merge combined them, so re-importing it undoes nothing and says where C2's row went."""
    _merge(run, "C1", "C2")
    kept = Archive.open(office).records()["C1"]
    files = _bytes(office)
    dry = run("import", "--dry-run", f"old.{fmt}")
    assert dry.returncode == 0, dry.stderr
    assert "C2 was merged into C1: its row is combined with C1's" in dry.stdout
    plan = json.loads(run("import", "--dry-run", "--json", f"old.{fmt}").stdout)
    rows = {c["id"]: c for c in plan["customers"]}
    assert set(rows) == {"C1", "C3"} and rows["C1"]["combined"] == ["C2"]
    assert rows["C1"]["status"] == "unchanged"

    done = run("import", f"old.{fmt}")
    assert done.returncode == 0, done.stderr
    assert "nothing changed" in done.stdout and "C2 was merged into C1" in done.stdout
    assert _bytes(office) == files
    assert Archive.open(office).records()["C1"] == kept


def test_a_lone_row_of_an_old_export_under_the_dropped_id_is_older_than_the_merge(
    run: Run, office: Path, tmp_path: Path
) -> None:
    """Exported before the merge, C2's row would put C2's name and phone over what the merge
    kept: refused like any row older than the archive; --force writes it, on C1."""
    _merge(run, "C1", "C2")
    rows = [r for r in json.loads((tmp_path / "old.json").read_text("utf-8")) if r["id"] == "C2"]
    (tmp_path / "c2.json").write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    files = _bytes(office)
    refused = run("import", "c2.json")
    assert refused.returncode == 1 and no_traceback(refused)
    assert "C2 was merged into C1" in refused.stderr
    assert "after the file was exported" in refused.stderr and "--force" in refused.stderr
    assert _bytes(office) == files
    plan = json.loads(run("import", "--dry-run", "--json", "c2.json").stdout)
    [row] = plan["customers"]
    assert (row["id"], row["id_in_file"], row["status"]) == ("C1", "C2", "refused")

    forced = run("import", "--force", "c2.json")
    assert forced.returncode == 0, forced.stderr
    assert "C2 was merged into C1: its row lands on C1 (changed)" in forced.stdout
    assert Archive.open(office).records()["C1"]["name"] == "C2建设工程有限公司"


def test_rows_under_both_ids_in_a_sheet_are_combined_the_kept_ones_values_first(
    run: Run, office: Path, tmp_path: Path
) -> None:
    _merge(run, "C1", "C2")
    both = tmp_path / "both.json"
    rows = [
        {"id": "C2", "contact": {"phone": "2", "email": "c2@example.com"}},
        {"id": "C1", "contact": {"phone": "1"}},
    ]
    both.write_text(json.dumps(rows), "utf-8")
    result = run("import", str(both))
    assert result.returncode == 0, result.stderr
    contact = Archive.open(office).records()["C1"]["contact"]
    assert contact["phone"] == "1" and contact["email"] == "c2@example.com"
    assert "C2 was merged into C1: its row is combined with C1's" in result.stdout


def test_show_explain_and_history_of_a_dropped_id_show_the_kept_customer(
    run: Run, office: Path
) -> None:
    _merge(run, "C1", "C2")
    shown = run("show", "C2")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == "C1"
    assert "C2 was merged into C1" in shown.stderr and "by 王敏" in shown.stderr
    assert json.loads(shown.stdout)["merged"]["merged_into"] == "C1"

    explained = run("explain", "C2")
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith("C2 was merged into C1 (")
    assert "\nC1  C1建设工程有限公司" in explained.stdout
    assert json.loads(run("explain", "C2", "--json").stdout)["id"] == "C1"

    history = run("history", "C2", "--json")
    assert history.returncode == 0, history.stderr
    events = json.loads(history.stdout)
    assert {e["customer_id"] for e in events} == {"C1", "C2"}
    assert "C2 was merged into C1" in history.stderr
    assert json.loads(run("history", "C1", "--json").stdout) == events


def test_the_kept_customers_history_labels_each_event_with_the_id_it_was_recorded_under(
    run: Run, office: Path
) -> None:
    _merge(run, "C1", "C2")
    text = run("--lang", "en", "history", "C1").stdout
    lines = [line for line in text.splitlines() if "  imported  " in line]
    assert any(" C2 " in line for line in lines) and any(" C1 " in line for line in lines)
    merged = [line for line in text.splitlines() if "  merged  " in line]
    assert merged and " C1 " in merged[0]


def test_a_chain_of_merges_is_followed_to_the_end(run: Run, office: Path, tmp_path: Path) -> None:
    _merge(run, "C2", "C1")  # C1 into C2
    _merge(run, "C3", "C2")  # then C2 into C3
    assert set(Archive.open(office).records()) == {"C3"}
    assert Archive.open(office).aliases() == {"C1": "C3", "C2": "C3"}

    sheet = _hand_made(tmp_path, "csv", "C1", "027-12345678")
    done = run("import", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "C1 was merged into C3: its row lands on C3" in done.stdout
    assert Archive.open(office).records()["C3"]["contact"]["phone"] == "027-12345678"

    assert json.loads(run("show", "C1").stdout)["id"] == "C3"
    events = json.loads(run("history", "C1", "--json", "--event", "customer_imported").stdout)
    assert {e["customer_id"] for e in events} == {"C1", "C2", "C3"}


def _graded_as_now(run: Run, archive: Path) -> None:
    """Every stored grading is what grading the archive now gives: nothing left to regrade."""
    for cid, record in Archive.open(archive).records().items():
        now = json.loads(run("explain", cid, "--json").stdout)["grading"]
        assert (cid, record["_grading"]["total"]) == (cid, now["total"])
    assert json.loads(run("regrade", "--dry-run", "--json").stdout)["changes"] == []


def test_a_merge_grades_the_kept_customer_in_its_own_write(run: Run, office: Path) -> None:
    old = Archive.open(office).records()["C2"]["_grading"]
    before = old["total"]
    runs_before = len(Archive.open(office).runs())
    done = _merge(run, "C2", "C3")  # 3M + 1M: below C1's 9M, the top stays where it is
    assert done["regraded_archive"] is False
    kept = Archive.open(office).records()["C2"]["_grading"]
    assert kept["total"] > before and done["total"] == kept["total"]
    assert len(Archive.open(office).runs()) == runs_before
    _graded_as_now(run, office)
    [event] = Archive.open(office).history("C2", kind="customer_merged")
    assert event["grade"]["total"] == kept["total"] and event["grade"]["run_id"] is None
    grade = f"评级: {old['grade']} → {kept['grade']} ({kept['total']:.2f})"
    assert grade in run("--lang", "zh", "history", "C2").stdout


def test_a_merge_above_the_top_grades_every_customer_in_its_own_write(
    run: Run, office: Path
) -> None:
    before = {cid: r["_grading"]["total"] for cid, r in Archive.open(office).records().items()}
    result = run("merge", "C1", "C2")
    assert result.returncode == 0, result.stderr
    assert "every customer was graded again" in result.stdout
    after = {cid: r["_grading"]["total"] for cid, r in Archive.open(office).records().items()}
    assert after["C3"] < before["C3"]  # the top rose from 9M to 12M
    run_record = Archive.open(office).runs()[-1]
    assert run_record["trigger"] == "merge"
    _graded_as_now(run, office)


def test_a_merge_that_drops_the_top_holder_grades_every_customer(
    run: Run, office: Path, tmp_path: Path
) -> None:
    """C4 already has C1's top contract (at a lower amount): kept, it keeps its own, so the
    top falls to C2's 3M and every customer's relative score rises."""
    extra = tmp_path / "c4.json"
    extra.write_text(json.dumps([_customer("C4", 500_000, contract="L-C1")]), "utf-8")
    assert run("import", str(extra)).returncode == 0
    before = {cid: r["_grading"]["total"] for cid, r in Archive.open(office).records().items()}
    done = _merge(run, "C4", "C1")
    assert done["regraded_archive"] is True
    after = {cid: r["_grading"]["total"] for cid, r in Archive.open(office).records().items()}
    assert after["C3"] > before["C3"]
    _graded_as_now(run, office)


def test_an_import_dry_run_masks_personal_values_as_the_history_does(
    run: Run, office: Path, tmp_path: Path
) -> None:
    doc = _customer("C3", 1_000_000)
    doc["profile"]["person"]["age"] = 83
    source = tmp_path / "age.json"
    source.write_text(json.dumps([doc], ensure_ascii=False), "utf-8")
    dry = run("--lang", "zh", "import", "--dry-run", str(source))
    assert dry.returncode == 0, dry.stderr
    # The first line names the archive's temporary path, which may hold the digits 83.
    changes = dry.stdout.split("\n", 1)[1]
    assert f"年龄: {MASK} → {MASK}" in changes and "83" not in changes
    plan = json.loads(run("import", "--dry-run", "--json", str(source)).stdout)
    assert plan["customers"][0]["changes"][0]["new"] == MASK
    assert run("import", str(source)).returncode == 0
    shown = run("--lang", "zh", "history", "C3").stdout
    history = [line for line in shown.splitlines() if "年龄" in line]
    assert history and all(
        f"年龄: {MASK} → {MASK}" in line and "83" not in line for line in history
    )
