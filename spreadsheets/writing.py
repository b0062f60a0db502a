"""Writing XLSX and CSV: the customer list with gradings, report tables, and the import template."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from creditfile.document.merging import REVISION_HEADERS, REVISION_KEY
from creditfile.document.paths import value_at
from creditfile.document.values import AMOUNT_CELL_FORMAT, format_amount
from creditfile.policy.model import Policy
from creditfile.presentation.inert import cell_text, is_formula_like
from creditfile.presentation.tables import Column, Table
from creditfile.presentation.translation import translation
from creditfile.reports.shares import LIFECYCLE_LABELS, STAGE_LABELS
from creditfile.spreadsheets.columns import (
    GRADING_HEADERS,
    LEASE_FIELDS,
    PERSON_FIELDS,
    RELATED_FIELDS,
    RELATED_SHEETS,
    RELATION_LABELS,
    SOURCE_FIELDS,
    SOURCE_KIND_LABELS,
    STATUS_LABELS,
    TEXT_CODES,
    Field,
    customer_fields,
)

NUMBER_FORMATS = {
    "money": AMOUNT_CELL_FORMAT,
    "int": "#,##0",
    "pct": '0.00"%"',
    "days": "0",
    "date": "yyyy-mm-dd",
    # Scores: "0.##" showed 8 as "8." in Excel.
    "number": "0.00",
    "score": "0.00",
    # Ids, phones and codes stay text when edited: 02785551234 keeps its leading 0.
    "id": "@",
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


PORTRAIT_WIDTH = 100.0
"""Column widths (in Excel's character widths) an upright A4 page prints at full size."""
FIT_WIDTH = 240.0
"""Column widths still legible shrunk onto one landscape A4 page (to about 60%)."""
NUMERIC_KINDS = frozenset(NUMBER_FORMATS) - {"id"}
"""Kinds Excel aligns right (numbers and dates): their headers are aligned over them."""


def sheet_font(**style: Any) -> Any:
    """An ``openpyxl`` font in the workbook's own typeface and size (Calibri 11), with
    ``style`` (``bold``, ``color``, ``size``) over it.

    A font without a typeface is drawn in whatever the reader substitutes: LibreOffice drew
    such headers and totals in a serif face beside the sans-serif cells.
    """
    from openpyxl.styles import DEFAULT_FONT, Font

    style.setdefault("size", DEFAULT_FONT.sz)
    return Font(name=DEFAULT_FONT.name, family=DEFAULT_FONT.family, **style)


def page_layout(
    sheet: Any, widths: Sequence[float], *, keep: int = 1, header_rows: str | None = "1:1"
) -> None:
    """Print ``sheet`` as people read it on screen: on A4, its header rows on every page, all
    its columns on one page wide when they stay legible, else its first ``keep`` columns
    (the id, the name) repeated on every page so that each page says whose row it is.

    Args:
        sheet: An ``openpyxl`` worksheet (write-only or not).
        widths: Its column widths, in order.
        keep: How many leading columns to repeat when the columns span several pages.
        header_rows: The rows repeated at the top of every page (``"1:1"``), or None.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    total = sum(widths)
    setup = sheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = "portrait" if total <= PORTRAIT_WIDTH else "landscape"
    if header_rows:
        sheet.print_title_rows = header_rows
    if total <= FIT_WIDTH:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        setup.fitToWidth, setup.fitToHeight = 1, 0  # one page wide, as many pages long
    elif keep:
        sheet.print_title_cols = f"A:{get_column_letter(keep)}"


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, PatternFill

    return {
        "header_font": sheet_font(bold=True, color="FFFFFF"),
        "header_fill": PatternFill("solid", fgColor="305496"),
        "required_fill": PatternFill("solid", fgColor="C00000"),
        "total_font": sheet_font(bold=True),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        # A cell's width from a number right-aligned to the text left-aligned beside it.
        "number": Alignment(horizontal="right", indent=1),
    }


def column_width(values: Iterable[Any], kind: str = "text") -> float:
    """The width of a column showing ``values`` of ``kind`` whole, in Excel's character widths."""
    # Chinese characters take about two character widths in Excel's default font; numbers are
    # measured as Excel shows them (1,250,000.00, not 1250000.0), so none shows as #####.
    longest = max(
        (sum(2 if ord(ch) > 0x2E80 else 1 for ch in _as_shown(v, kind)) for v in values),
        default=8,
    )
    return float(min(max(longest + 3, 8), 60))


def _as_shown(value: Any, kind: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if kind == "money":
            return f"{value:,.2f}"
        if kind in ("number", "score", "pct"):
            return f"{value:.2f}"
        if kind == "int":
            return f"{value:,.0f}"
    if kind == "date" and value is not None:
        return "2026-01-01"
    return "" if value is None else str(value)


class _SheetWriter:
    """One write-only sheet: styled, frozen header row, then typed data rows."""

    def __init__(
        self,
        book: Any,
        name: str,
        headers: Sequence[str],
        kinds: Sequence[str],
        samples: Sequence[Sequence[Any]] = (),
        required: Sequence[bool] = (),
        *,
        keep: int = 1,
    ) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        self._cell = WriteOnlyCell
        self.styles = _styles()
        self.sheet = book.create_sheet(name)
        self.sheet.freeze_panes = "A2"
        self.kinds = list(kinds)
        self.rows = 0
        # A filter button on every header (Excel's 筛选), over the rows written.
        self._filter_end = get_column_letter(max(len(headers), 1))
        self.sheet.auto_filter.ref = f"A1:{self._filter_end}1"
        widths = []
        for index, header in enumerate(headers):
            sample = [row[index] for row in samples[:200]]
            width = max(column_width([header]), column_width(sample, self.kinds[index]))
            self.sheet.column_dimensions[get_column_letter(index + 1)].width = width
            widths.append(width)
        page_layout(self.sheet, widths, keep=keep)
        cells = []
        for index, header in enumerate(headers):
            cell = inert_cell(WriteOnlyCell(self.sheet, value=header))
            cell.font = self.styles["header_font"]
            if self.kinds[index] in NUMERIC_KINDS:
                cell.alignment = self.styles["number"]
            must = index < len(required) and required[index]
            cell.fill = self.styles["required_fill" if must else "header_fill"]
            cells.append(cell)
        self.sheet.append(cells)

    def row(self, values: Sequence[Any], *, bold: bool = False) -> None:
        """Append one data row; numbers and dates get their format, a total row is bold."""
        cells: list[Any] = []
        for value, kind in zip(values, self.kinds, strict=True):
            shown = _excel_value(value, kind)
            if isinstance(shown, str) and _runs(shown):
                cell = inert_cell(self._cell(self.sheet, value=shown))
                if bold:
                    cell.font = self.styles["total_font"]
                cells.append(cell)
                continue
            # A styled cell costs several times a plain one: only numbers, dates and totals
            # need a style; empty cells are not written at all.
            # Words in a column of numbers (``no credit (limit 0)`` for a share of the limit)
            # stand right-aligned under its header, as the numbers do.
            if shown is None or not (
                bold
                or (kind in NUMBER_FORMATS and not isinstance(shown, str))
                or (kind == "id" and isinstance(shown, str))
                or (kind in NUMERIC_KINDS and isinstance(shown, str) and shown != "")
            ):
                cells.append(shown)
                continue
            cell = self._cell(self.sheet, value=shown)
            if kind in NUMBER_FORMATS and (kind == "id" or not isinstance(shown, str)):
                cell.number_format = NUMBER_FORMATS[kind]
            if kind in NUMERIC_KINDS:
                cell.alignment = self.styles["number"]
            if bold:
                cell.font = self.styles["total_font"]
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1
        self.sheet.auto_filter.ref = f"A1:{self._filter_end}{self.rows + 1}"


def _excel_value(value: Any, kind: str) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list | dict):
        value = str(value)
    if isinstance(value, str) and _ILLEGAL.search(value):
        # Excel cannot hold control characters (openpyxl refuses them): show each as U+FFFD.
        return _ILLEGAL.sub("\ufffd", value)
    return value


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _runs(text: str) -> bool:
    """Whether openpyxl would store ``text`` as a formula or an error value, or a spreadsheet
    program would make it one when the cell is edited."""
    from openpyxl.cell.cell import ERROR_CODES

    return is_formula_like(text) or text in ERROR_CODES


def inert_cell(cell: Any) -> Any:
    """``cell`` (an openpyxl cell) holding its text as text, never as a formula or error value.

    A text that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is
    stored as a string with Excel's quote prefix (the apostrophe a person would type), so that
    editing the cell in Excel or LibreOffice does not turn it into a live formula either. The
    text itself is unchanged: reading the workbook back gives exactly what was written.
    """
    value = cell.value
    if isinstance(value, str) and (cell.data_type != "s" or _runs(value)):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def inert_book(book: Any) -> None:
    """Make every text cell of a (not write-only) workbook inert, as :func:`inert_cell`."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                inert_cell(cell)


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, no ``[]:*?/\\``) for ``title``."""
    base = _BAD_SHEET_CHARS.sub("-", title)[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f"~{number}"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def write_tables_xlsx(path: Path, tables: Sequence[Table]) -> None:
    """One sheet per table: Chinese headers, number formats, frozen header row, bold totals.

    Args:
        path: The ``.xlsx`` file to write (replaced if it exists).
        tables: From ``engine.report_sheets``.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    taken: set[str] = set()
    for table in tables:
        writer = _SheetWriter(
            book,
            sheet_name(table.name, taken),
            table.headers(),
            [c.kind for c in table.columns],
            _display(table),
        )
        for row, values in zip(table.rows, table.values(), strict=True):
            writer.row(values, bold=_is_total(row))
    book.save(path)


def _display(table: Table) -> list[list[Any]]:
    return [
        [_shown(v, c) for v, c in zip(row, table.columns, strict=True)] for row in table.values()
    ]


def _shown(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if column.kind == "money" and isinstance(value, int | float):
        return format_amount(value)
    return str(value)


def _is_total(row: Mapping[str, Any]) -> bool:
    # The total row is labelled in the language the tables were built in: 合计 or Total.
    labels = {translation(lang).pgettext("report", "Total") for lang in ("zh", "en")}
    return not labels.isdisjoint((row.get("label"), row.get("key"), row.get("from")))


def write_table_csv(stream: IO[str], tables: Sequence[Table]) -> None:
    """Tables as CSV; with several, each is preceded by its title and followed by a blank line.

    The caller opens ``stream`` with ``encoding="utf-8-sig"`` (or writes the BOM) so that
    Excel shows Chinese correctly. A cell that starts like a formula (``=``, ``+``, ``-``,
    ``@``, tab, carriage return) is written with a leading apostrophe, so that no spreadsheet
    program runs it.
    """
    writer = csv.writer(stream)
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([cell_text(table.title)])
        writer.writerow([cell_text(h) for h in table.headers()])
        for values in table.values():
            writer.writerow([cell_text(_csv_text(v)) for v in values])


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _labelled(fld: Field, value: Any, policy: Policy) -> Any:
    # Keys are written as the Chinese labels people read; the import reads either back.
    if value is None:
        return None
    if fld.kind == "nature":
        return policy.natures.get(value, value)
    if fld.kind == "item":
        return policy.item_categories.get(value, value)
    if fld.kind == "status":
        return STATUS_LABELS.get(value, value)
    if fld.kind == "source_kind":
        return SOURCE_KIND_LABELS.get(value, value)
    if fld.kind == "relation":
        return RELATION_LABELS.get(value, value)
    return value


def _grading_values(grading: Mapping[str, Any] | None, policy: Policy) -> list[Any]:
    if not grading:
        return ["未评级", *([None] * (len(GRADING_HEADERS) - 1))]
    tiers = {t.key: t.label for t in policy.tiers}
    version = grading.get("policy")
    return [
        "已评级" if grading.get("status") == "graded" else "未评级",
        grading.get("grade"),
        grading.get("total"),
        tiers.get(grading.get("tier") or "", grading.get("tier")),
        LIFECYCLE_LABELS.get(grading.get("lifecycle") or "", grading.get("lifecycle")),
        STAGE_LABELS.get(grading.get("stage") or "", grading.get("stage")),
        grading.get("as_of"),
        version.get("version") if isinstance(version, Mapping) else version,
        "; ".join(str(r) for r in grading.get("reasons") or ()) or None,
    ]


def _kind(fld: Field) -> str:
    if fld.kind == "id" or fld.path in TEXT_CODES:
        return "id"
    return {"money": "money", "number": "number", "int": "int", "date": "date"}.get(
        fld.kind, "text"
    )


def write_customers_xlsx(path: Path, docs: Sequence[Mapping[str, Any]], policy: Policy) -> None:
    """The customer list with gradings: sheets 客户, 租赁 and 来源, ready to edit and re-import.

    Args:
        path: The ``.xlsx`` file to write.
        docs: Exported documents, each with its ``grading`` (SPEC §6) or None; personal data
            (``profile.person``) is written only when the documents carry it (an export
            without it carries the ID number masked, in its column).
        policy: For the Chinese labels of natures, items, tiers and the scoring items.
    """
    from openpyxl import Workbook

    personal = any(_person(d) for d in docs)
    fields = customer_fields(policy, personal=personal)
    book = Workbook(write_only=True)
    headers = [f.header for f in fields] + [h for _, h in GRADING_HEADERS]
    kinds = [_kind(f) for f in fields] + [
        "text",
        "text",
        "number",
        *["text"] * 3,
        "date",
        "text",
        "text",
    ]
    # The revision lets a later import of this sheet refuse rows someone changed since.
    headers.append(REVISION_HEADERS[0])
    kinds.append("int")
    rows = [
        [_labelled(f, value_at(d, f.path), policy) for f in fields]
        + _grading_values(d.get("grading"), policy)
        + [d.get(REVISION_KEY)]
        for d in docs
    ]
    # The grade and total right after the name, where a reader looks (an import finds
    # every column by its header, so the order does not matter to it).
    order = _grade_beside_name(headers, [f.path for f in fields])
    headers, kinds = [headers[i] for i in order], [kinds[i] for i in order]
    rows = [[row[i] for i in order] for row in rows]
    # Printed over several pages, each repeats the id, the name, the grade and the total.
    customers = _SheetWriter(book, "客户", headers, kinds, rows, keep=4)
    for row in rows:
        customers.row(row)
    _write_children(book, "租赁", "leases", LEASE_FIELDS, docs, policy)
    _write_children(book, "来源", "sources", SOURCE_FIELDS, docs, policy)
    _write_children(book, RELATED_SHEETS[0], "related", RELATED_FIELDS, docs, policy)
    book.save(path)


def _grade_beside_name(headers: Sequence[str], paths: Sequence[str]) -> list[int]:
    """Column positions with 信用等级 and 总分 moved to just after the name."""
    order = list(range(len(headers)))
    if "name" not in paths:
        return order
    after = paths.index("name") + 1
    moved = [
        len(paths) + i for i, (key, _) in enumerate(GRADING_HEADERS) if key in ("grade", "total")
    ]
    rest = [i for i in order if i not in moved]
    return rest[:after] + moved + rest[after:]


def _write_children(
    book: Any,
    name: str,
    section: str,
    fields: Sequence[Field],
    docs: Sequence[Mapping[str, Any]],
    policy: Policy,
) -> None:
    rows = []
    for doc in docs:
        for entry in doc.get(section) or ():
            if isinstance(entry, Mapping):
                rows.append(
                    [doc.get("id"), *(_labelled(f, entry.get(f.path), policy) for f in fields[1:])]
                )
    writer = _SheetWriter(book, name, [f.header for f in fields], [_kind(f) for f in fields], rows)
    for row in rows:
        writer.row(row)


def write_template_xlsx(path: Path, policy: Policy) -> None:
    """An empty workbook staff fill in: sheets 客户, 租赁, 来源, with drop-down lists, a 说明
    (instructions) sheet describing every column, and a 代码表 of the allowed values.

    Args:
        path: The ``.xlsx`` file to write.
        policy: Gives the natures, item categories and scoring items (labels and ranges).
    """
    from creditfile.spreadsheets.template import build_template

    build_template(policy).save(path)


__all__ = [
    "PERSON_FIELDS",
    "sheet_name",
    "write_customers_xlsx",
    "write_table_csv",
    "write_tables_xlsx",
    "write_template_xlsx",
]


def _person(doc: Mapping[str, Any]) -> bool:
    profile = doc.get("profile")
    return isinstance(profile, Mapping) and bool(profile.get("person"))
