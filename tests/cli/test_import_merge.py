"""``creditfile import`` as an office uses it: sheets with some columns, old exports re-imported,
the same file twice, ``--dry-run``, ``--replace``, ``--force``; grades follow every import."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_support import Run, no_traceback

from creditfile.store import Archive


def _customer(cid: str, amount: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"{cid}建设工程有限公司",
        "nature": "ordinary_company",
        "contact": {"address": "武汉市解放大道100号", "phone": "13800000000"},
        "profile": {"trading_since": "2015-06-01", "person": {"age": 45, "family": "已婚"}},
        "leases": [
            {"contract": f"L-{cid}", "item": "tower_crane", "start": "2020-01-05",
             "end": "2020-09-30", "amount": amount, "status": "closed"}
        ],
        "assessment": {"strength": 8, "potential": 12, "reputation": 17, "payment": 27,
                       "other": 8, "assessed_by": "王敏", "assessed_on": "2026-01-12"},
        "sources": [{"kind": "customer_form", "on": "2026-01-01", "by": "王敏",
                     "verified": False, "note": "待核实"}],
        **extra,
    }  # fmt: skip


@pytest.fixture
def office(run: Run, tmp_path: Path) -> Path:
    """An archive of three graded customers, made with the real program."""
    source = tmp_path / "seed.json"
    docs = [_customer("C1", 9_000_000), _customer("C2", 3_000_000), _customer("C3", 1_000_000)]
    source.write_text(json.dumps(docs, ensure_ascii=False), "utf-8")
    for args in (("import", str(source)), ("regrade",)):
        result = run("--actor", "setup", *args)
        assert result.returncode == 0, result.stderr
    return tmp_path / "archive.json"


def _docs(archive: Path) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in Archive.open(archive).documents()}


def _files(archive: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in archive.parent.glob(archive.name + "*")
        if not p.name.endswith(".lock")
    }


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", "utf-8")
    return path


def test_a_sheet_with_some_columns_changes_only_those_fields(
    run: Run, office: Path, tmp_path: Path
) -> None:
    before = _docs(office)
    grading_before = Archive.open(office).get("C1")["_grading"]  # type: ignore[index]
    sheet = _write_csv(tmp_path / "phones.csv", [
        ["客户编号", "客户名称", "客户性质", "电话"],
        ["C1", "C1建设工程有限公司", "普通公司", "13911112222"],
    ])  # fmt: skip
    result = run("--actor", "li", "import", str(sheet))
    assert result.returncode == 0, result.stderr
    assert "1 changed" in result.stdout and "0 added" in result.stdout
    after = _docs(office)
    expected = {**before["C1"], "contact": {**before["C1"]["contact"], "phone": "13911112222"}}
    assert after["C1"] == expected  # leases, assessment, address and personal data kept
    assert after["C2"] == before["C2"] and after["C3"] == before["C3"]
    record = Archive.open(office).get("C1")
    assert record is not None
    assert record["_grading"]["grade"] == grading_before["grade"]  # graded again, same inputs
    event = [e for e in Archive.open(office).history("C1") if e["kind"] == "customer_imported"][-1]
    assert event["fields"] == ["contact.phone"] and event["actor"] == "li"


def test_an_empty_cell_keeps_a_value_and_a_clear_marker_clears_it(
    run: Run, office: Path, tmp_path: Path
) -> None:
    sheet = _write_csv(tmp_path / "clear.csv", [
        ["客户编号", "电话", "地址"],
        ["C2", "[清空]", ""],
    ])  # fmt: skip
    result = run("import", str(sheet))
    assert result.returncode == 0, result.stderr
    contact = _docs(office)["C2"]["contact"]
    assert contact["phone"] is None
    assert contact["address"] == "武汉市解放大道100号"


def test_the_same_import_twice_changes_nothing_the_second_time(
    run: Run, office: Path, tmp_path: Path
) -> None:
    sheet = _write_csv(tmp_path / "twice.csv", [
        ["客户编号", "客户名称", "客户性质", "电话"],
        ["C3", "C3建设工程有限公司", "普通公司", "13700000000"],
        ["C9", "新客户有限公司", "开发商", "13600000000"],
    ])  # fmt: skip
    first = run("import", str(sheet))
    assert first.returncode == 0, first.stderr
    assert "1 added, 1 changed" in first.stdout
    files = _files(office)
    second = run("import", str(sheet))
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout and "nothing was written" in second.stdout
    assert _files(office) == files  # not a byte of the archive or its history


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
@pytest.mark.parametrize("personal", [False, True])
def test_export_then_import_leaves_every_customer_identical(
    run: Run, office: Path, tmp_path: Path, fmt: str, personal: bool
) -> None:
    before = _docs(office)
    out = tmp_path / f"export.{fmt}"
    flags = ["--include-personal"] if personal else []
    exported = run("export", "--format", fmt, "--out", str(out), *flags)
    assert exported.returncode == 0, exported.stderr
    files = _files(office)
    result = run("import", str(out))
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    assert _docs(office) == before  # profile.person kept when the export withheld it
    assert _files(office) == files


def test_an_old_export_re_imported_over_a_later_edit_is_refused(
    run: Run, office: Path, tmp_path: Path
) -> None:
    out = tmp_path / "monday.json"
    assert run("export", "--out", str(out)).returncode == 0
    colleague = _write_csv(
        tmp_path / "colleague.csv", [["客户编号", "地址"], ["C2", "成都市一环路1号"]]
    )
    assert run("--actor", "li", "import", str(colleague)).returncode == 0
    # This clerk edits Monday's export (another customer's phone) and imports it back.
    docs = json.loads(out.read_text("utf-8"))
    docs[0]["contact"]["phone"] = "13122223333"
    out.write_text(json.dumps(docs, ensure_ascii=False), "utf-8")
    files = _files(office)

    refused = run("--actor", "wang", "import", str(out))
    assert refused.returncode == 1 and no_traceback(refused)
    assert "C2" in refused.stderr and "li" in refused.stderr and "Address" in refused.stderr
    assert "nothing was imported" in refused.stderr and "--force" in refused.stderr
    assert _files(office) == files

    dry = run("import", "--dry-run", "--json", str(out))
    assert dry.returncode == 0, dry.stderr
    plan = {c["id"]: c for c in json.loads(dry.stdout)["customers"]}
    assert plan["C2"]["status"] == "refused" and plan["C2"]["stale"]["changed_by"] == "li"
    assert plan["C1"]["status"] == "changed" and plan["C3"]["status"] == "unchanged"
    assert _files(office) == files

    forced = run("--actor", "wang", "import", "--force", str(out))
    assert forced.returncode == 0, forced.stderr
    assert _docs(office)["C2"]["contact"]["address"] == "武汉市解放大道100号"
    event = [e for e in Archive.open(office).history("C2") if e["kind"] == "customer_imported"][-1]
    assert event["forced"] is True and event["actor"] == "wang"


def test_dry_run_shows_each_change_masks_personal_data_and_writes_nothing(
    run: Run, office: Path, tmp_path: Path
) -> None:
    doc = _customer("C1", 9_000_000)
    doc["profile"]["person"]["age"] = 46
    doc["leases"][0]["amount"] = 9_100_000
    doc["leases"].append({"contract": "L-new", "item": "tower_crane", "start": "2026-01-05",
                          "amount": 100_000, "status": "active"})  # fmt: skip
    source = tmp_path / "edit.json"
    source.write_text(json.dumps([doc, _customer("C7", 5)], ensure_ascii=False), "utf-8")
    files = _files(office)
    text = run("import", "--dry-run", str(source))
    assert text.returncode == 0, text.stderr
    assert "nothing was written" in text.stdout
    zh = run("--lang", "zh", "import", "--dry-run", str(source)).stdout
    assert "租赁 L-C1 金额: 9000000 → 9100000" in zh and "年龄: ••• → •••" in zh
    # The age never shows (the archive's temp path may hold the digits 46: left out).
    assert "Age: ••• → •••" in text.stdout and "46" not in text.stdout.replace(str(office), "")
    assert "C7" in text.stdout and "1 added, 1 changed" in text.stdout
    data = json.loads(run("import", "--dry-run", "--json", str(source)).stdout)
    assert data["dry_run"] is True and data["added"] == 1 and data["changed"] == 1
    changes = {c["path"]: c for c in data["customers"][0]["changes"]}
    assert changes["profile.person.age"]["new"] == "•••"
    assert changes["leases[L-new].amount"] == {
        "path": "leases[L-new].amount",
        "field": "leases[].amount",
        "old": None,
        "new": 100_000,
    }
    assert _files(office) == files


def test_leases_merge_by_contract_and_a_source_is_not_added_twice(
    run: Run, office: Path, tmp_path: Path
) -> None:
    doc = {
        "id": "C3",
        "leases": [
            {"contract": "L-C3", "amount": 1_200_000},
            {"contract": "L-C3b", "item": "steel_formwork", "start": "2026-02-01", "amount": 50_000,
             "status": "active"},
        ],
        "sources": [{"kind": "customer_form", "on": "2026-01-01", "by": "王敏",
                     "verified": False, "note": "待核实"}],
    }  # fmt: skip
    source = tmp_path / "leases.json"
    source.write_text(json.dumps([doc], ensure_ascii=False), "utf-8")
    result = run("import", str(source))
    assert result.returncode == 0, result.stderr
    stored = _docs(office)["C3"]
    assert [lease["contract"] for lease in stored["leases"]] == ["L-C3", "L-C3b"]
    assert stored["leases"][0] == {**_customer("C3", 1_200_000)["leases"][0]}
    assert len(stored["sources"]) == 1


def test_replace_warns_and_keeps_only_withheld_personal_data(
    run: Run, office: Path, tmp_path: Path
) -> None:
    source = tmp_path / "whole.json"
    whole = {"id": "C2", "name": "C2建设工程有限公司", "nature": "developer"}
    source.write_text(json.dumps([whole], ensure_ascii=False), "utf-8")
    result = run("import", "--replace", str(source))
    assert result.returncode == 0, result.stderr
    assert "--replace" in result.stderr and "removed" in result.stderr
    stored = _docs(office)["C2"]
    assert stored == {**whole, "profile": {"person": {"age": 45, "family": "已婚"}}}


def test_an_import_grades_what_it_changed_and_stamps_the_assessment(
    run: Run, office: Path, tmp_path: Path
) -> None:
    sheet = _write_csv(tmp_path / "scores.csv", [
        ["客户编号", "实力", "付款情况"],
        ["C3", "10", "30"],
    ])  # fmt: skip
    day = date.today().isoformat()
    result = run("--actor", "zhao", "import", str(sheet))
    assert result.returncode == 0, result.stderr
    record = Archive.open(office).get("C3")
    assert record is not None
    assert record["assessment"]["assessed_on"] in {day, date.today().isoformat()}
    assert record["assessment"]["assessed_by"] == "zhao"
    explained = json.loads(run("explain", "C3", "--json").stdout)
    assert record["_grading"]["total"] == explained["grading"]["total"]
    dry = json.loads(run("regrade", "--dry-run", "--json").stdout)
    assert dry["changes"] == []  # nothing left for a regrade to correct


def test_an_import_that_moves_the_top_grades_the_whole_archive_in_the_same_write(
    run: Run, office: Path, tmp_path: Path
) -> None:
    before = {cid: r["_grading"]["total"] for cid, r in Archive.open(office).records().items()}
    doc = {"id": "C2", "leases": [{"contract": "L-C2", "amount": 30_000_000}]}
    source = tmp_path / "top.json"
    source.write_text(json.dumps([doc]), "utf-8")
    result = run("import", "--json", str(source))
    assert result.returncode == 0, result.stderr
    done = json.loads(result.stdout)
    assert done["regraded_archive"] is True and done["run_id"] is not None
    archive = Archive.open(office)
    after = {cid: r["_grading"]["total"] for cid, r in archive.records().items()}
    assert after["C1"] < before["C1"]  # C1 no longer holds the top
    tops = {json.dumps(r["_grading"]["tops"]) for r in archive.records().values()}
    assert len(tops) == 1
    assert archive.runs()[-1]["trigger"] == "import"
    assert json.loads(run("regrade", "--dry-run", "--json").stdout)["changes"] == []


def test_a_contract_named_twice_cannot_slip_an_invalid_lease_past_the_check(
    run: Run, office: Path, tmp_path: Path
) -> None:
    """A file naming one stored lease on two rows, one clearing its status and the other
    changing its amount, is refused at the row that clears it; nothing is stored."""
    before = _files(office)
    rows = [{"contract": "L-C1", "status": None}, {"contract": "L-C1", "amount": 9_100_000}]
    file = tmp_path / "twice.json"
    file.write_text(json.dumps([{"id": "C1", "leases": rows}]), "utf-8")
    result = run("import", str(file))
    assert result.returncode == 1, result.stdout
    assert f"{file}:1: record 1 id C1: leases[0].status" in result.stderr
    assert _files(office) == before
    no_traceback(result)


def test_a_csv_whose_first_row_names_no_column_is_refused_at_that_row(
    run: Run, office: Path, tmp_path: Path
) -> None:
    before = _files(office)
    file = tmp_path / "blank.csv"
    file.write_text(",\n", "utf-8")
    result = run("import", str(file))
    assert result.returncode == 1
    assert f"{file}:1:1: the first row names no column" in result.stderr
    assert _files(office) == before
    no_traceback(result)


def test_a_file_with_a_header_and_no_row_says_it_holds_no_customer(
    run: Run, office: Path, tmp_path: Path
) -> None:
    before = _files(office)
    file = tmp_path / "header.csv"
    file.write_text("id,name\n", "utf-8")
    result = run("import", str(file))
    assert result.returncode == 0, result.stderr
    assert "the files hold no customer; nothing was written" in result.stdout
    assert _files(office) == before


def test_a_lease_added_without_its_status_is_refused_at_the_row_adding_it(
    run: Run, office: Path, tmp_path: Path
) -> None:
    """A lease the file adds to a stored customer is the file's whole: a required value it
    leaves out is refused at its row, not left for the archive to hold."""
    before = _files(office)
    lease = {"contract": "L-NEW", "item": "tower_crane", "start": "2025-08-29", "amount": 277100}
    file = tmp_path / "added.json"
    file.write_text(json.dumps([{"id": "C2", "leases": [lease]}]), "utf-8")
    result = run("import", str(file))
    assert result.returncode == 1, result.stdout
    assert f"{file}:1: record 1 id C2: leases[0].status: Status is required" in result.stderr
    assert _files(office) == before
