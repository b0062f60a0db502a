"""Spreadsheets in and out: hand-filled workbooks, located errors, exports, the template, CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from creditfile.engine.validation import validate_customers
from creditfile.policy import Policy
from creditfile.presentation.tables import Column, Table
from creditfile.spreadsheets.reading import (
    SpreadsheetError,
    is_sheet_csv,
    read_csv_tables,
    read_xlsx,
    write_customers_xlsx,
    write_table_csv,
    write_tables_xlsx,
    write_template_xlsx,
)

CUSTOMER_HEADERS = [
    "客户编号",
    "客户名称",
    "客户性质",
    "地址",
    "电话",
    "联系人",
    "成立日期",
    "与本公司交易时间",
    "注册资本",
    "实力",
    "潜力",
    "社会口碑与信用",
    "付款情况",
    "其他",
    "评估日期",
]
LEASE_HEADERS = [
    "客户编号",
    "合同编号",
    "租赁物",
    "开始日期",
    "结束日期",
    "金额(元)",
    "状态",
    "应收余额",
    "逾期天数",
]


def _book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _hand_filled(tmp_path: Path) -> Path:
    return _book(
        tmp_path / "客户名单.xlsx",
        {
            "客户": [
                CUSTOMER_HEADERS,
                [
                    "C001",
                    "武汉宏达建设工程有限公司",
                    "普通公司",
                    "武汉市解放大道100号",
                    13800000000,
                    "王敏",
                    datetime(2008, 3, 15),
                    "2015/6/1",
                    50000000,
                    8,
                    12.5,
                    17,
                    27,
                    8,
                    "2026年10月12日",
                ],
                [None] * 15,  # a blank row in the middle is skipped
                [
                    "C002",
                    "张三",
                    "individual",
                    None,
                    "027-88886666",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
            ],
            "租赁": [
                LEASE_HEADERS,
                [
                    "C001",
                    "L2023-001",
                    "盘扣式脚手架",
                    datetime(2023, 1, 5),
                    datetime(2023, 9, 30),
                    1250000,
                    "已结束",
                    0,
                    0,
                ],
                [
                    "C001",
                    "L2026-007",
                    "tower_crane",
                    "2026-05-01",
                    None,
                    "380,000.50",
                    "在租",
                    120000,
                    45,
                ],
            ],
        },
    )


def test_a_hand_filled_workbook_with_chinese_headers_imports(
    tmp_path: Path, default_policy: Policy
) -> None:
    records = read_xlsx(_hand_filled(tmp_path), default_policy)
    first, second = (r.doc for r in records)
    assert first == {
        "id": "C001",
        "name": "武汉宏达建设工程有限公司",
        "nature": "ordinary_company",
        "contact": {"address": "武汉市解放大道100号", "phone": "13800000000", "person": "王敏"},
        "profile": {
            "founded_on": "2008-03-15",
            "trading_since": "2015-06-01",
            "registered_capital": 50000000,
        },
        "assessment": {
            "strength": 8,
            "potential": 12.5,
            "reputation": 17,
            "payment": 27,
            "other": 8,
            "assessed_on": "2026-10-12",
        },
        "leases": [
            {
                "contract": "L2023-001",
                "item": "ringlock_scaffolding",
                "start": "2023-01-05",
                "end": "2023-09-30",
                "amount": 1250000,
                "status": "closed",
                "outstanding": 0,
                "overdue_days": 0,
            },
            {
                "contract": "L2026-007",
                "item": "tower_crane",
                "start": "2026-05-01",
                "amount": 380000.5,
                "status": "active",
                "outstanding": 120000,
                "overdue_days": 45,
            },
        ],
    }
    assert second == {
        "id": "C002",
        "name": "张三",
        "nature": "individual",
        "contact": {"phone": "027-88886666"},
    }
    assert [r.row for r in records] == [2, 4]
    assert validate_customers([r.doc for r in records], default_policy) == []


def test_english_headers_and_document_paths_are_accepted(
    tmp_path: Path, default_policy: Policy
) -> None:
    path = _book(
        tmp_path / "en.xlsx",
        {
            "customers": [
                ["id", "name", "nature", "contact.address", "trading_since", "payment"],
                [7, "Acme", "developer", "Wuhan", 45000, 29.5],
            ],
            "leases": [
                ["customer_id", "contract", "item", "amount", "status"],
                [7, "L1", "steel_formwork", 10, "closed"],
            ],
        },
    )
    (record,) = read_xlsx(path, default_policy)
    assert record.doc["id"] == "7"
    assert record.doc["contact"] == {"address": "Wuhan"}
    assert record.doc["profile"] == {"trading_since": "2023-03-15"}  # an Excel serial date
    assert record.doc["assessment"] == {"payment": 29.5}
    assert record.doc["leases"] == [
        {"contract": "L1", "item": "steel_formwork", "amount": 10, "status": "closed"}
    ]


def test_bad_rows_are_refused_with_sheet_row_and_column(
    tmp_path: Path, default_policy: Policy
) -> None:
    path = _book(
        tmp_path / "bad.xlsx",
        {
            "客户": [
                CUSTOMER_HEADERS,
                [
                    "C001",
                    "好客户",
                    "开发商",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    8,
                    12,
                    17,
                    27,
                    8,
                    "2026-01-01",
                ],
                [
                    "C002",
                    "坏客户",
                    "外星公司",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    11,
                    12,
                    17,
                    27,
                    8,
                    "2026-13-01",
                ],
            ],
            "租赁": [LEASE_HEADERS, ["C002", "L1", "tower_crane", "去年", None, -5, "在租", 0, 0]],
        },
    )
    records = read_xlsx(path, default_policy)
    problems = validate_customers([r.doc for r in records], default_policy)
    located = {f"{records[p.index].where(p.path)}: {p.path}" for p in problems}
    assert {p.index for p in problems} == {1}
    assert f"{path}:客户!C3: nature" in located
    assert f"{path}:客户!J3: assessment.strength" in located  # 11 is above 实力's 10
    assert f"{path}:客户!O3: assessment.assessed_on" in located
    assert f"{path}:租赁!D2: leases[0].start" in located
    assert f"{path}:租赁!F2: leases[0].amount" in located


def test_a_missing_assessment_is_located_at_its_empty_cell(
    tmp_path: Path, default_policy: Policy
) -> None:
    path = _book(
        tmp_path / "gap.xlsx",
        {"客户": [[*CUSTOMER_HEADERS[:3], "付款情况"], ["C9", "某公司", "央企", None]]},
    )
    (record,) = read_xlsx(path, default_policy)
    assert record.where("assessment.payment") == f"{path}:客户!D2"
    assert record.where("leases[0].amount") == f"{path}:客户!A2"  # falls back to the id


def test_layout_problems_are_all_reported_at_once(tmp_path: Path, default_policy: Policy) -> None:
    path = _book(
        tmp_path / "layout.xlsx",
        {
            "客户": [
                ["客户编号", "客户名称", "客户性值", "电话", "联系电话"],
                ["C1", "甲", "x", 1, 2],
            ],
            "租赁": [LEASE_HEADERS, ["C404", "L1", "tower_crane", None, None, 1, "在租", 0, 0]],
        },
    )
    with pytest.raises(SpreadsheetError) as caught:
        read_xlsx(path, default_policy)
    text = str(caught.value)
    assert f"{path}:客户!C1: unknown column '客户性值'; did you mean 客户性质" in text
    assert f"{path}:客户!E1: column '联系电话' repeats column D" in text
    assert f"{path}:租赁!A2: 客户编号 'C404' is not on the customer sheet" in text


def test_files_that_are_not_workbooks_are_named(tmp_path: Path, default_policy: Policy) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a zip", "utf-8")
    with pytest.raises(SpreadsheetError, match=r"junk\.xlsx: not a readable \.xlsx workbook"):
        read_xlsx(junk, default_policy)
    with pytest.raises(SpreadsheetError, match="no such file"):
        read_xlsx(tmp_path / "missing.xlsx", default_policy)
    empty = _book(tmp_path / "empty.xlsx", {"说明": [["nothing here"]]})
    with pytest.raises(SpreadsheetError, match="no customer sheet"):
        read_xlsx(empty, default_policy)


def _graded(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        **doc,
        "grading": {
            "status": "graded",
            "grade": "B",
            "total": 84.5,
            "tier": "key_account",
            "lifecycle": "established",
            "stage": "current",
            "as_of": "2026-11-29",
            "policy": {"version": "2026.1", "sha256": "ab"},
            "reasons": [],
        },
    }


def test_export_reopens_with_chinese_intact_and_imports_again(
    tmp_path: Path, default_policy: Policy
) -> None:
    original = [r.doc for r in read_xlsx(_hand_filled(tmp_path), default_policy)]
    original[0]["sources"] = [
        {
            "kind": "customer_form",
            "on": "2026-09-01",
            "by": "王敏",
            "verified": False,
            "note": "注册资本待核实",
        }
    ]
    out = tmp_path / "导出.xlsx"
    write_customers_xlsx(out, [_graded(d) for d in original], default_policy)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["客户", "租赁", "来源", "关联客户"]
    sheet = book["客户"]
    assert sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["客户编号", "客户名称", "信用等级", "总分", "客户性质"]
    row = dict(zip(headers, (c.value for c in sheet[2]), strict=True))
    assert row["客户名称"] == "武汉宏达建设工程有限公司"
    assert row["客户性质"] == "普通公司"
    assert row["信用等级"] == "B" and row["客户层级"] == "主力客户"
    assert row["成立日期"] == datetime(2008, 3, 15)
    lease_sheet = book["租赁"]
    assert lease_sheet["C2"].value == "盘扣式脚手架"
    assert lease_sheet["F2"].number_format == "#,##0.00"
    assert book["来源"]["E2"].value == "否"
    again = [r.doc for r in read_xlsx(out, default_policy)]
    assert again == original


def test_the_template_documents_every_column_and_imports_when_filled(
    tmp_path: Path, default_policy: Policy
) -> None:
    path = tmp_path / "template.xlsx"
    write_template_xlsx(path, default_policy)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["说明", "客户", "租赁", "来源", "关联客户", "代码表"]
    customers = book["客户"]
    headers = [c.value for c in customers[1]]
    assert headers[:3] == ["客户编号*", "客户名称*", "客户性质*"]
    assert "实力" in headers and "付款情况" in headers and "累计租赁额" not in headers
    assert all(c.comment is not None for c in customers[1])
    assert customers.freeze_panes == "A2"
    instructions = " ".join(str(c.value) for row in book["说明"].iter_rows() for c in row)
    for header in headers:
        assert header.rstrip("*") in instructions
    codes = [c.value for c in book["代码表"]["A"]]
    assert "央企" in codes
    assert read_xlsx(path, default_policy) == []  # an empty template holds no customers
    customers.append(["C1", "某建设集团", "央企"] + [None] * (len(headers) - 3))
    book["租赁"].append(["C1", "L1", "塔式起重机", date(2026, 1, 2), None, 10, "在租"])
    book.save(path)
    (record,) = read_xlsx(path, default_policy)
    assert record.doc["nature"] == "central_soe"
    assert record.doc["leases"][0]["item"] == "tower_crane"


def _report_table() -> Table:
    columns = (
        Column("label", "信用等级"),
        Column("customers", "客户数", "int"),
        Column("amount", "累计租赁额(元)", "money"),
        Column("pct", "占比%", "pct"),
        Column("priority", "优先供货", "bool"),
    )
    rows = [
        {"label": "优质客户", "customers": 3, "amount": 1234567.5, "pct": 60.0, "priority": True},
        {"label": "合计", "customers": 5, "amount": 2057612.5, "pct": 100.0},
    ]
    return Table("构成-信用等级", "业务构成: 按信用等级", columns, rows)


def test_report_tables_export_one_formatted_sheet_each(tmp_path: Path) -> None:
    out = tmp_path / "reports.xlsx"
    second = Table("构成/等级?", "同名", _report_table().columns, _report_table().rows)
    write_tables_xlsx(out, [_report_table(), second])
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["构成-信用等级", "构成-等级-"]
    sheet = book["构成-信用等级"]
    assert [c.value for c in sheet[1]] == [
        "信用等级",
        "客户数",
        "累计租赁额(元)",
        "占比%",
        "优先供货",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet["C2"].value == 1234567.5 and sheet["C2"].number_format == "#,##0.00"
    assert sheet["D2"].number_format == '0.00"%"'
    assert sheet["E2"].value == "是"
    assert sheet["A3"].font.b  # the total row stands out


def test_csv_has_a_bom_and_reads_back_with_chinese_headers(
    tmp_path: Path, default_policy: Policy
) -> None:
    out = tmp_path / "report.csv"
    with out.open("w", encoding="utf-8-sig", newline="") as stream:
        write_table_csv(stream, [_report_table()])
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "信用等级" and rows[1] == ["优质客户", "3", "1234567.5", "60.0", "是"]
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "客户编号,客户名称,客户性质,成立日期\nC1,甲公司,开发商,2001/2/3\n", encoding="utf-8-sig"
    )
    leases = tmp_path / "leases.csv"
    leases.write_bytes(
        '客户编号,合同编号,租赁物,金额,状态\nC1,L1,钢模板,"1,000",已结束\n'.encode("gb18030")
    )
    assert is_sheet_csv(customers) and is_sheet_csv(leases)
    english = tmp_path / "english.csv"
    english.write_text("id,name,nature,contact.phone\nC1,Acme,developer,1\n", "utf-8")
    assert not is_sheet_csv(english)  # dotted-path interchange CSV: the generic reader's
    (record,) = read_csv_tables([customers, leases], default_policy)
    assert record.doc["profile"] == {"founded_on": "2001-02-03"}
    assert record.doc["leases"] == [
        {"contract": "L1", "item": "steel_formwork", "amount": 1000, "status": "closed"}
    ]
    assert record.where("leases[0].amount") == f"{leases}:D2"


def test_import_command_refuses_a_bad_workbook_and_takes_a_good_one(
    tmp_path: Path,
    default_policy: Policy,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from creditfile.cli.program import main
    from creditfile.store import Archive

    archive = tmp_path / "archive.json"
    monkeypatch.setenv("CREDITFILE_DB", str(archive))
    monkeypatch.delenv("CREDITFILE_POLICY", raising=False)
    rows = [
        ["客户编号", "客户名称", "客户性质", "成立日期"],
        ["C1", "甲公司", "开发商", "2001-01-01"],
    ]
    bad = _book(tmp_path / "bad.xlsx", {"客户": [*rows, ["C2", "乙", "外星公司", "2001-13-01"]]})
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.xlsx" in err and "客户!" in err and "nature" in err and "founded_on" in err
    assert "nothing was imported" in err
    assert not archive.exists()
    good = _book(tmp_path / "good.xlsx", {"客户": rows})
    assert main(["import", str(good)]) == 0
    assert Archive.open(archive).get("C1")["nature"] == "developer"  # type: ignore[index]


def test_a_comma_in_an_unquoted_csv_amount_is_refused_not_read_as_a_smaller_number(
    tmp_path: Path, default_policy: Policy
) -> None:
    sheet = tmp_path / "capital.csv"
    sheet.write_text("客户编号,客户名称,客户性质,注册资本\nC1,甲公司,开发商,5,000万\n", "utf-8")
    with pytest.raises(SpreadsheetError) as refused:
        read_csv_tables([sheet], default_policy)
    (problem,) = refused.value.problems
    assert problem.cell == "E2"
    assert "double quotes" in problem.message
    sheet.write_text('客户编号,客户名称,客户性质,注册资本\nC1,甲公司,开发商,"5,000万"\n', "utf-8")
    (record,) = read_csv_tables([sheet], default_policy)
    assert record.doc["profile"]["registered_capital"] == 50_000_000
