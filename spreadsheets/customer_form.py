"""The form a customer fills in (客户资料表): one sheet, one declarable field a row, in Chinese.

The form holds only what the field catalogue marks ``x-declarable`` (name, registration facts,
contacts, declared capital and assets, projects), prefilled with what the archive holds; never
a score, a grade, a note, a source or our own assessment. Its layout is fixed and marked (a
hidden column holds each row's field key and, at its top, ``FORM_MARK``), so that a returned
form is read by key whatever the customer did to the labels, and a workbook of any other layout
is recognised as such. The sheet is protected without a password: only the answer cells take
typing, which keeps the layout from being broken by accident (not a security boundary).

This module builds the workbook and reads its cells back as they are; what counts as a bad
answer is decided by ``creditfile.application.forms``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from creditfile.document import CustomerField, field_catalogue
from creditfile.document.values import AMOUNT_CELL_FORMAT
from creditfile.spreadsheets.writing import inert_book, sheet_font

FORM_SHEET = "客户资料表"
FORM_MARK = "creditfile customer form 1"
"""What the hidden key column holds at its top: this layout, version 1."""
ID_KEY = "id"
FILLED_BY = "form.by"
FILLED_ON = "form.on"
FILLED_BY_LABEL = "填表人"
FILLED_ON_LABEL = "填表日期"
FIRST_ROW = 4
"""The row of the customer id; the fields follow it."""
MAX_ROWS = 60
"""Rows of the form sheet read back (the form has about 15)."""
KEY_COLUMN = 4
ANSWER_COLUMN = 2

TITLE = "客户资料表"
INSTRUCTIONS = (
    "请在「填写内容」一列填写或更正贵公司的资料; 已有内容为我公司现有记录, 如无变化请保留。"
    "金额单位为元, 只写数字; 日期写作 2024-03-15。灰色单元格请勿修改。"
    "填好后请写明填表人和日期, 交回我公司业务员。"
)
HEADERS = ("项目", "填写内容", "说明")
_EXTRA_HINTS = {
    "name": "营业执照上的全称; 个人写姓名",
    "contact.phone": "含区号或手机号",
    "profile.founded_on": "营业执照上的成立日期, 如 1998-06-15",
    "profile.registered_capital": "营业执照上的注册资本, 元",
    "profile.total_assets": "最近一期财务报表的资产总额, 元",
    "business.construction_business": "现在及过去承接的工程项目 (名称、规模、年份)",
}
_ID_HINT = "我公司的客户编号, 请勿修改"
_BLANK_ID_HINT = "由我公司填写"


@dataclass(frozen=True)
class FormCell:
    """One answer cell of a returned form, as stored in the workbook.

    Attributes:
        key: The field key in the hidden column (``profile.registered_capital``, ``form.by``).
        row: Its row (counting from 1, as a spreadsheet shows it).
        coordinate: ``B7``.
        value: The cell's value (a formula as its text, e.g. ``=HYPERLINK(…)``).
        formula: The cell holds a formula rather than a value.
    """

    key: str
    row: int
    coordinate: str
    value: Any
    formula: bool


@dataclass(frozen=True)
class FormSheet:
    """What a workbook holds where a form's answers would be.

    Attributes:
        sheets: The names of the workbook's sheets.
        marked: The form sheet carries ``FORM_MARK``.
        cells: The answer cells, one per keyed row, in row order.
    """

    sheets: tuple[str, ...]
    marked: bool
    cells: tuple[FormCell, ...]


def build_form(
    fields: Sequence[CustomerField],
    values: Mapping[str, Any],
    customer_id: str,
    kinds: Mapping[str, str],
) -> Any:
    """The form workbook (an ``openpyxl.Workbook``).

    Args:
        fields: The declarable fields to ask for, in order.
        values: What the archive holds, by field key (absent: left blank).
        customer_id: The customer's id; ``""`` for a blank form.
        kinds: How each field's cell is formatted: ``text``, ``amount`` or ``date``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = FORM_SHEET
    sheet["A1"] = TITLE
    sheet["A1"].font = sheet_font(bold=True, size=16)
    sheet.merge_cells("A1:C1")
    sheet.row_dimensions[1].height = 30
    sheet["A2"] = INSTRUCTIONS
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A2:C2")
    sheet.row_dimensions[2].height = 66
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=3, column=column, value=header)
        cell.font = sheet_font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
    key_letter = get_column_letter(KEY_COLUMN)
    sheet[f"{key_letter}1"] = FORM_MARK
    grey = PatternFill("solid", fgColor="E7E6E6")
    wrap = Alignment(wrap_text=True, vertical="center")
    ident = field_catalogue()["id"]
    rows: list[tuple[str, str, Any, str, str]] = [
        (
            ident.titled("zh"),
            ID_KEY,
            customer_id,
            _ID_HINT if customer_id else _BLANK_ID_HINT,
            "text",
        ),
        *(
            (f.titled("zh"), f.key, values.get(f.key), _hint(f), kinds.get(f.key, "text"))
            for f in fields
        ),
        (FILLED_BY_LABEL, FILLED_BY, None, "填表人姓名及职务", "text"),
        (FILLED_ON_LABEL, FILLED_ON, None, "如 2026-12-01", "date"),
    ]
    for row, (label, key, value, hint, kind) in enumerate(rows, start=FIRST_ROW):
        sheet.cell(row=row, column=1, value=label).alignment = wrap
        answer = sheet.cell(row=row, column=ANSWER_COLUMN, value=_cell_value(value, kind))
        answer.number_format = _FORMATS[kind]
        # Every answer starts at the left, where the customer writes: a date or an amount
        # pushed right would run into the note beside it.
        answer.alignment = Alignment(horizontal="left", wrap_text=True, vertical="center")
        hint_cell = sheet.cell(row=row, column=3, value=hint)
        hint_cell.alignment = wrap
        hint_cell.font = sheet_font(color="595959")
        sheet.cell(row=row, column=KEY_COLUMN, value=key)
        if key == ID_KEY and customer_id:
            answer.fill = grey  # ours, not the customer's to change
        else:
            answer.protection = Protection(locked=False)
        tall = key == "business.construction_business"
        sheet.row_dimensions[row].height = 72 if tall else 20
    for letter, width in (("A", 24), ("B", 46), ("C", 40)):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions[key_letter].hidden = True
    sheet.freeze_panes = "A4"
    sheet.protection.sheet = True  # no password: it guards the layout against slips only
    sheet.protection.formatColumns = False  # widths may still be changed
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_area = f"A1:C{FIRST_ROW + len(rows) - 1}"
    inert_book(book)  # archive values are typed by anyone: none becomes a formula
    return book


_FORMATS = {"text": "@", "amount": AMOUNT_CELL_FORMAT, "date": "yyyy-mm-dd"}


def _hint(field: CustomerField) -> str:
    return _EXTRA_HINTS.get(field.key) or field.hint


def _cell_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str):
        # Excel cannot hold control characters: such a value is left for the customer to give.
        return value if value.isprintable() or "\n" in value else None
    return value


def is_form_book(book: Any) -> bool:
    """Whether an open workbook (openpyxl's) is a customer form: its form sheet carries
    ``FORM_MARK`` at the top of the key column."""
    if FORM_SHEET not in book.sheetnames:
        return False
    sheet = book[FORM_SHEET]
    for row in sheet.iter_rows(min_row=1, max_row=1, min_col=KEY_COLUMN, max_col=KEY_COLUMN):
        return any(getattr(cell, "value", None) == FORM_MARK for cell in row)
    return False


def read_form_sheet(path: Path) -> FormSheet:
    """The answer cells of a workbook laid out as the form, read as stored (formulas as text).

    Only the form sheet's first ``MAX_ROWS`` rows and four columns are read, whatever the
    workbook claims to hold.

    Raises:
        Exception: whatever openpyxl raises for a file that is not a workbook.
    """
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        names = tuple(book.sheetnames)
        if FORM_SHEET not in names:
            return FormSheet(names, False, ())
        sheet = book[FORM_SHEET]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, max_row=MAX_ROWS, max_col=KEY_COLUMN)
        cells: list[FormCell] = []
        marked = False
        for number, row in enumerate(rows, start=1):
            padded = list(row) + [None] * (KEY_COLUMN - len(row))
            key = getattr(padded[KEY_COLUMN - 1], "value", None)
            if number == 1:
                marked = key == FORM_MARK
                continue
            if not isinstance(key, str) or number < FIRST_ROW:
                continue
            answer = padded[ANSWER_COLUMN - 1]
            value = getattr(answer, "value", None)
            formula = getattr(answer, "data_type", None) == "f"
            cells.append(FormCell(key.strip(), number, f"B{number}", value, formula))
        return FormSheet(names, marked, tuple(cells))
    finally:
        book.close()
