"""``creditfile demand`` and ``creditfile allocate`` run as programs, on a graded archive."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cli_support import Run
from openpyxl import Workbook, load_workbook

from creditfile.store import Archive

# New customers (10 cumulative-lease points): totals 95 (A), 85 (B), 65 (D); one over B's limit.
A = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}
B = {**A, "payment": 20}
D = {**A, "payment": 0, "other": 0}


def _customer(cid: str, entries: dict[str, Any], owed: float = 0) -> dict[str, Any]:
    return {
        "id": cid, "name": f"客户{cid}", "nature": "developer",
        "profile": {"trading_since": "2026-06-01"},
        "leases": [{"contract": f"L-{cid}", "item": "tower_crane", "start": "2026-06-01",
                    "amount": 10000, "status": "active", "outstanding": owed}],
        "assessment": entries,
    }  # fmt: skip


@pytest.fixture
def graded(tmp_path: Path, run: Run) -> Path:
    path = tmp_path / "archive.json"
    customers = [_customer("CA", A), _customer("CB", B), _customer("CD", D),
                 _customer("CBX", B, owed=2_500_000)]  # fmt: skip
    Archive.open(path, create=True).import_customers(customers, actor="seed")
    assert run("regrade", "--as-of", "2026-11-29").returncode == 0
    return path


def test_requests_imported_from_csv_then_allocated_grade_first(
    graded: Path, tmp_path: Path, run: Run
) -> None:
    sheet = tmp_path / "demand.csv"
    sheet.write_text(
        "客户编号,租赁物,数量,需求日期,申请日期,备注\n"
        "CB,塔式起重机,4,2026-12-20,2026-11-01,\n"
        'CA,tower_crane,3,2026/12/25,2026年11月20日,=HYPERLINK("x")\n'
        "CD,tower_crane,2,2026-12-01,2026-10-01,\n"
        "CBX,tower_crane,2,2026-12-01,2026-10-01,\n",
        "utf-8-sig",
    )
    done = run("demand", "import", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "kept 4 demand requests: R000001, R000002, R000003, R000004" in done.stdout
    plan = run("allocate", "--item", "tower_crane", "--available", "5", "--json")
    assert plan.returncode == 0, plan.stderr
    body = json.loads(plan.stdout)
    assert [(r["customer_id"], r["allocated"], r["short"]) for r in body["rows"]] == [
        ("CA", 3, 0), ("CB", 2, 2),
    ]  # fmt: skip
    assert {h["customer_id"]: h["reason"] for h in body["held"]} == {
        "CD": "graded D (限制类客户)",
        "CBX": "over its credit limit (outstanding 2,500,000.00 > limit 2,000,000.00)",
    }
    table = run("allocate", "--item", "塔式起重机", "--available", "5")
    assert "held back (2)" in table.stdout and "graded D" in table.stdout
    assert "allocated 5, left 0" in table.stdout
    # English headers are capitalised like the catalogue's (Customer id), Chinese unchanged.
    assert "Rank" in table.stdout and "Demand" in table.stdout and "Reason" in table.stdout
    chinese = run("--lang", "zh", "allocate", "--item", "塔式起重机", "--available", "5").stdout
    assert "顺位" in chinese and "需求编号" in chinese and "Rank" not in chinese
    listed_text = run("--lang", "en", "demand", "list").stdout
    assert "Demand" in listed_text and "Quantity" in listed_text and "Wanted" in listed_text
    # The requests survive a regrade of the whole archive, and the history has each.
    assert run("regrade", "--as-of", "2026-11-29").returncode == 0
    listed = json.loads(run("demand", "list", "--json").stdout)
    assert [d["id"] for d in listed] == ["R000001", "R000002", "R000003", "R000004"]
    assert listed[1]["note"] == '=HYPERLINK("x")' and listed[1]["requested_on"] == "2026-11-20"
    history = run("--lang", "zh", "history", "CA").stdout
    assert "需求登记" in history and "demand_added" not in history
    assert "需求 R000002 · 塔式起重机 ×3 · 需求日期 2026-12-25 · 申请日期 2026-11-20" in history


def test_a_sheet_with_mistakes_keeps_nothing_and_names_each_row(
    graded: Path, tmp_path: Path, run: Run
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["customer_id", "item", "quantity", "wanted_on"])
    sheet.append(["CA", "tower_crane", 2, "2026-12-01"])
    sheet.append(["C404", "tower_crane", 2, "2026-12-01"])
    sheet.append(["CB", "crane", 0, "soon"])
    path = tmp_path / "demand.xlsx"
    book.save(path)
    done = run("demand", "import", str(path))
    assert done.returncode == 1
    assert "demand.xlsx:3: customer 'C404' is not in the archive" in done.stderr
    assert "demand.xlsx:4: item 'crane'" in done.stderr
    assert "demand.xlsx:4: quantity '0'" in done.stderr
    assert "demand.xlsx:4: wanted date 'soon'" in done.stderr
    assert json.loads(run("demand", "list", "--json").stdout) == []


def test_demand_add_and_the_plan_as_a_workbook(graded: Path, tmp_path: Path, run: Run) -> None:
    added = run("demand", "add", "CB", "--item", "tower_crane", "--quantity", "2",
                "--wanted", "2026-12-31", "--requested", "2026-11-02")  # fmt: skip
    assert added.returncode == 0, added.stderr
    out = tmp_path / "plan.xlsx"
    done = run("--lang", "zh", "allocate", "--item", "tower_crane", "--available", "1",
               "--xlsx", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "已将分配方案写入" in done.stderr
    book = load_workbook(out)
    rows = list(book["分配方案"].iter_rows(values_only=True))
    assert rows[0][:3] == ("顺位", "需求编号", "客户编号")
    assert rows[1][1:3] == ("R000001", "CB") and rows[1][8:11] == (2, 1, 1)
    # In English the workbook is headed in English, the same plan in it.
    english = tmp_path / "plan-en.xlsx"
    done = run("--lang", "en", "allocate", "--item", "tower_crane", "--available", "1",
               "--xlsx", str(english))  # fmt: skip
    assert done.returncode == 0 and "wrote the allocation plan to" in done.stderr
    rows = list(load_workbook(english)["Allocation plan"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Rank", "Demand", "Customer id")
    assert rows[1][1:3] == ("R000001", "CB") and rows[1][8:11] == (2, 1, 1)
    onto_archive = run("allocate", "--item", "tower_crane", "--available", "1",
                       "--xlsx", str(graded))  # fmt: skip
    assert onto_archive.returncode == 1 and "not written" in onto_archive.stderr
    unknown = run("allocate", "--item", "crane", "--available", "1")
    assert unknown.returncode == 1 and "not a leased-item category" in unknown.stderr


def test_demand_and_allocation_speak_the_language_asked_for(graded: Path, run: Run) -> None:
    kept = run("--lang", "zh", "demand", "add", "CB", "--item", "塔式起重机", "--quantity", "2",
               "--wanted", "2026-12-31")  # fmt: skip
    assert kept.returncode == 0 and "已登记 1 条需求: R000001" in kept.stdout, kept.stderr
    assert run("demand", "add", "CD", "--item", "Tower crane", "--quantity", "1",
               "--wanted", "2026-12-31").returncode == 0  # fmt: skip
    wrong = run("--lang", "zh", "demand", "add", "NOPE", "--item", "crane", "--quantity", "0",
                "--wanted", "soon")  # fmt: skip
    assert wrong.returncode == 1
    for words in ("客户 'NOPE' 不在档案中", "不是政策中的租赁物类别", "塔式起重机",
                  "请填写 1 到 1,000,000 之间的整数", "需求日期 'soon'", "未登记任何需求"):  # fmt: skip
        assert words in wrong.stderr, wrong.stderr
    assert "not in the archive" not in wrong.stderr and "Tower crane" not in wrong.stderr
    listed = run("--lang", "zh", "demand", "list").stdout
    assert "需求编号" in listed and "塔式起重机" in listed and "customer" not in listed
    plan = run("--lang", "zh", "allocate", "--item", "tower_crane", "--available", "1").stdout
    for words in ("可供 1", "排序依据: 信用等级", "顺位", "已分配 1, 剩余 0", "暂缓供货 (1):",
                  "评为 D 级 (限制类客户)"):  # fmt: skip
        assert words in plan, plan
    assert not re.search(r"[a-z]{4,} [a-z]{3,}", plan), plan
    english = run("--lang", "en", "allocate", "--item", "tower_crane", "--available", "1").stdout
    assert "ranked by grade, then tier" in english and "held back (1):" in english
    assert "graded D (Restricted" in english and "限制类客户" not in english
    refused = run("--lang", "zh", "allocate", "--item", "crane", "--available", "1")
    assert refused.returncode == 1 and "--item 'crane' 不是政策中的租赁物类别" in refused.stderr


def test_a_formula_in_a_demand_workbook_is_refused_at_its_cell(
    graded: Path, tmp_path: Path, run: Run
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "需求"
    sheet.append(["客户编号", "租赁物", "数量", "需求日期", "备注"])
    sheet.append(["CA", "tower_crane", 2, "2026-12-01", '=A2&"急需"'])
    sheet.append(["CB", "tower_crane", "=1+1", "2026-12-01", "第二批"])
    path = tmp_path / "demand.xlsx"
    book.save(path)  # written by a program: no value computed for the formulas
    done = run("demand", "import", str(path))
    assert done.returncode == 1, done.stdout
    assert f'{path}:需求!E2: a formula (=A2&"急需"…) is not a value' in done.stderr
    assert f"{path}:需求!C3: a formula (=1+1…)" in done.stderr
    assert json.loads(run("demand", "list", "--json").stdout) == []


def test_a_missing_column_is_named_in_the_language_in_force(
    graded: Path, tmp_path: Path, run: Run
) -> None:
    sheet = tmp_path / "demand.csv"
    sheet.write_text("客户编号,数量\nCA,2\n", "utf-8")
    english = run("--lang", "en", "demand", "import", str(sheet))
    assert english.returncode == 1
    assert "no column Leased item, Wanted;" in english.stderr
    assert "Customer id (customer_id)" in english.stderr and "租赁物" not in english.stderr
    chinese = run("--lang", "zh", "demand", "import", str(sheet))
    assert chinese.returncode == 1 and "租赁物, 需求日期" in chinese.stderr
    # The English names the message gives are headers a sheet may use.
    sheet.write_text("Customer id,Leased item,Quantity,Wanted,Note\nCA,tower_crane,2,2026-12-01,\n")
    done = run("--lang", "en", "demand", "import", str(sheet))
    assert done.returncode == 0, done.stderr
