"""Workbooks that look right in Excel: widths from content, number formats, filters, text ids.

Checked on the cells openpyxl reads back (what Excel and LibreOffice apply): every amount
``#,##0.00`` and wide enough for its largest value, scores ``0.00``, ids, phones and contract
numbers text (``@``) so a leading 0 survives an edit, a filter on the header row, the header
frozen, and the grade right after the name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from creditfile.policy import Policy
from creditfile.presentation.tables import Column, Table
from creditfile.spreadsheets.reading import (
    read_xlsx,
    write_customers_xlsx,
    write_tables_xlsx,
    write_template_xlsx,
)

DOC: dict[str, Any] = {
    "id": "C000123",
    "name": "武汉宏达建设工程有限公司",
    "nature": "ordinary_company",
    "contact": {"phone": "02785551234", "address": "武汉市解放大道100号"},
    "profile": {"registered_capital": 123456789.5, "trading_since": "2015-06-01"},
    "assessment": {"strength": 8, "potential": 12.5, "reputation": 17, "payment": 27, "other": 8},
    "leases": [
        {"contract": "0012023", "item": "tower_crane", "start": "2023-01-05",
         "amount": 98765432.1, "status": "active", "outstanding": 1234567.0}
    ],
}  # fmt: skip
GRADING = {"status": "graded", "grade": "B", "total": 80.0, "tier": "general",
           "lifecycle": "established", "stage": "current", "as_of": "2026-11-29",
           "policy": {"version": "2026.1"}, "reasons": []}  # fmt: skip


def column(sheet: Worksheet, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


def width(sheet: Worksheet, index: int) -> float:
    return float(sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width)


def exported(tmp_path: Path, policy: Policy) -> openpyxl.Workbook:
    out = tmp_path / "export.xlsx"
    write_customers_xlsx(out, [{**DOC, "grading": GRADING}], policy)
    return openpyxl.load_workbook(out)


def test_the_export_has_the_grade_by_the_name_filters_and_a_frozen_header(
    tmp_path: Path, default_policy: Policy
) -> None:
    book = exported(tmp_path, default_policy)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    headers = [c.value for c in book["客户"][1]]
    assert headers[:4] == ["客户编号", "客户名称", "信用等级", "总分"]


def test_amounts_scores_and_codes_are_formatted_as_excel_shows_them(
    tmp_path: Path, default_policy: Policy
) -> None:
    book = exported(tmp_path, default_policy)
    customers, leases = book["客户"], book["租赁"]
    capital = customers.cell(2, column(customers, "注册资本"))
    assert capital.number_format == "#,##0.00" and capital.value == 123456789.5
    # "123,456,789.50" is 14 characters: narrower than that Excel shows #####.
    assert width(customers, column(customers, "注册资本")) >= 14
    for header in ("实力", "潜力", "总分"):
        assert customers.cell(2, column(customers, header)).number_format == "0.00"
    phone = customers.cell(2, column(customers, "电话"))
    assert (phone.value, phone.number_format) == ("02785551234", "@")
    ident = customers.cell(2, column(customers, "客户编号"))
    assert (ident.value, ident.number_format) == ("C000123", "@")
    contract = leases.cell(2, column(leases, "合同编号"))
    assert (contract.value, contract.number_format) == ("0012023", "@")
    for header in ("金额", "应收余额"):
        assert leases.cell(2, column(leases, header)).number_format == "#,##0.00"
    assert width(leases, column(leases, "金额")) >= len("98,765,432.10")


def test_the_export_still_imports_the_same_customer(tmp_path: Path, default_policy: Policy) -> None:
    out = tmp_path / "export.xlsx"
    write_customers_xlsx(out, [{**DOC, "grading": GRADING}], default_policy)
    [record] = read_xlsx(out, default_policy)
    assert record.doc["contact"]["phone"] == "02785551234"
    assert record.doc["leases"][0]["contract"] == "0012023"


def test_the_template_keeps_phones_and_ids_as_text_and_formats_numbers(
    tmp_path: Path, default_policy: Policy
) -> None:
    out = tmp_path / "template.xlsx"
    write_template_xlsx(out, default_policy)
    book = openpyxl.load_workbook(out)
    sheet = book["客户"]
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    formats = {c.value.rstrip("*"): sheet.cell(2, c.column).number_format for c in sheet[1]}
    assert formats["电话"] == formats["客户编号"] == "@"
    assert formats["注册资本"] == "#,##0.00"
    assert formats["实力"] == "0.00"
    assert formats["成立日期"] == "yyyy-mm-dd"
    leases = book["租赁"]
    lease_formats = {c.value.rstrip("*"): leases.cell(2, c.column).number_format for c in leases[1]}
    assert lease_formats["合同编号"] == "@"


def test_report_and_list_sheets_get_filters_and_score_formats(tmp_path: Path) -> None:
    table = Table(
        "list",
        "客户列表",
        (Column("id", "客户编号", "id"), Column("name", "客户名称"),
         Column("total", "总分", "score"), Column("amount", "金额", "money")),
        [{"id": "007", "name": "甲", "total": 8, "amount": 1234567.891}],
    )  # fmt: skip
    out = tmp_path / "list.xlsx"
    write_tables_xlsx(out, [table])
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    assert sheet.auto_filter.ref == "A1:D2"
    assert [c.number_format for c in sheet[2]] == ["@", "General", "0.00", "#,##0.00"]
    assert sheet["A2"].value == "007"
    assert width(sheet, 4) >= len("1,234,567.89")
