"""Workbooks that look right in Excel: widths from content, number formats, filters, text ids.

Checked on the cells openpyxl reads back (what Excel and LibreOffice apply): every amount
``#,##0.00`` and wide enough for its largest value, scores ``0.00``, ids, phones and contract
numbers text (``@``) so a leading 0 survives an edit, a filter on the header row, the header
frozen, and the grade right after the name; headers and totals in the sheet's own typeface,
and printed, a sheet one page wide (or its id and name on every page) under its header.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from creditfile.application.customer_index import ListRow
from creditfile.application.customer_list import list_table
from creditfile.policy import Policy
from creditfile.presentation.report_tables import composition_table, exposure_columns
from creditfile.presentation.tables import Column, Table
from creditfile.spreadsheets.market_sheet import write_market_xlsx
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


def _report_sheets(tmp_path: Path, lang: str, speak: Callable[[str], str]) -> openpyxl.Workbook:
    """Composition by grade and the customers over their limit, as ``report all`` writes them."""
    speak(lang)
    composition = {
        "by": "grade",
        "rows": [{"key": "A", "label": "优质客户", "customers": 3, "customers_pct": 60.0,
                  "cumulative_amount": 1234567.5, "cumulative_pct": 60.0,
                  "active_amount": 1000.0, "active_pct": 50.0}],
        "total": {"customers": 5, "customers_pct": 100.0, "cumulative_amount": 2057612.5,
                  "cumulative_pct": 100.0, "active_amount": 2000.0, "active_pct": 100.0},
    }  # fmt: skip
    over = Table(
        "over", "over", exposure_columns(),
        [{"id": "0012345", "name": "武汉宏达建设工程有限公司", "grade": "C",
          "credit_limit": 500000, "outstanding": 1963400.0, "utilisation_pct": 392.68,
          "excess": 1463400.0, "max_overdue_days": 152}],
    )  # fmt: skip
    out = tmp_path / f"report-{lang}.xlsx"
    write_tables_xlsx(out, [composition_table(composition), over])
    return openpyxl.load_workbook(out)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headers_and_totals_print_in_the_sheets_own_typeface_and_the_total_stands_out(
    tmp_path: Path, lang: str, speak: Callable[[str], str]
) -> None:
    composition = _report_sheets(tmp_path, lang, speak).worksheets[0]
    last = composition.max_row
    assert composition.cell(last, 2).value == ("合计" if lang == "zh" else "Total")
    assert all(c.font.b for c in composition[last] if c.value is not None), "the total is bold"
    # A font without a typeface is drawn in a serif face by LibreOffice, beside sans cells.
    for cell in (*composition[1], *composition[last]):
        assert cell.font.name == composition.cell(2, 1).font.name == "Calibri"


def test_a_customer_id_in_a_report_stays_text_and_figures_stand_apart_from_the_text(
    tmp_path: Path, speak: Callable[[str], str]
) -> None:
    over = _report_sheets(tmp_path, "zh", speak).worksheets[1]
    ident = over.cell(2, column(over, "客户编号"))
    assert (ident.value, ident.number_format) == ("0012345", "@")
    limit = column(over, "信用额度(元)")
    assert over.cell(1, limit).alignment.horizontal == "right", "the header over its figures"
    assert over.cell(2, limit).alignment.indent >= 1, "a gap before the next column's text"


def test_printed_a_list_fits_one_page_wide_and_repeats_its_header(
    tmp_path: Path, default_policy: Policy
) -> None:
    row = ListRow("C000123", "中国电建集团中南勘测设计研究院有限公司成都项目经理部", "developer",
                  "general", "B", 80.5, "established", "current", "2026-11-01", ("overdue",))  # fmt: skip
    out = tmp_path / "list.xlsx"
    write_tables_xlsx(out, [list_table([row], default_policy, "zh")])
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), "one page wide, as long as needed"
    assert sheet.print_title_rows == "$1:$1"


def test_printed_over_many_pages_the_export_repeats_whose_row_it_is(
    tmp_path: Path, default_policy: Policy
) -> None:
    customers = exported(tmp_path, default_policy)["客户"]
    assert [c.value for c in customers[1]][:4] == ["客户编号", "客户名称", "信用等级", "总分"]
    assert customers.print_title_cols == "$A:$D" and customers.print_title_rows == "$1:$1"
    assert customers.page_setup.orientation == "landscape"


@pytest.mark.parametrize(("lang", "name"), [("zh", "客户列表"), ("en", "Customers")])
def test_the_list_sheet_is_named_in_the_lists_language(
    tmp_path: Path, default_policy: Policy, lang: str, name: str
) -> None:
    out = tmp_path / "list.xlsx"
    write_tables_xlsx(out, [list_table([], default_policy, lang)])
    assert openpyxl.load_workbook(out).sheetnames == [name]


def test_the_market_sheet_looks_like_the_others(tmp_path: Path) -> None:
    out = tmp_path / "market.xlsx"
    rows = [{"label": "盘扣式脚手架", "region": "湖北省", "period": "2024", "size": 12345.5}]
    write_market_xlsx(out, rows)
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    assert sheet["D2"].number_format == "#,##0.00" and sheet["D2"].value == 12345.5
    assert sheet["C2"].number_format == "@"
    assert sheet["A1"].font.b and sheet["A1"].font.name == "Calibri"
    assert sheet.auto_filter.ref == "A1:E2" and sheet.freeze_panes == "A2"
    assert width(sheet, 4) >= len("12,345.50")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, "the sizes print beside their items"
