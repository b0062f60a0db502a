"""The market-data workbook an analyst fills in: one sheet, a header row, example figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from creditfile.document import field_catalogue
from creditfile.document.values import AMOUNT_CELL_FORMAT
from creditfile.spreadsheets.writing import column_width, page_layout, sheet_font

SHEET = "市场规模"
HEADERS = (
    field_catalogue()["leases[].item"].label.zh,
    "地区",
    "期间",
    "市场规模(万元)",
    field_catalogue()["sources[].note"].label.zh,
)


def write_market_xlsx(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write ``rows`` (``item``, ``label``, ``region``, ``period``, ``size`` in 万元) as the
    market sheet ``read_market`` reads back: items by their label, periods as text, sizes
    ``#,##0.00``; the header styled, filtered and frozen as every sheet the program writes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row["label"], row["region"], row["period"], row["size"], ""])
    fill = PatternFill("solid", fgColor="305496")
    for cell in sheet[1]:
        cell.font, cell.fill = sheet_font(bold=True, color="FFFFFF"), fill
    sheet["D1"].alignment = Alignment(horizontal="right")
    for period, size in sheet.iter_rows(min_row=2, min_col=3, max_col=4):
        period.number_format = "@"  # a year typed here stays text, as a quarter is
        size.number_format = AMOUNT_CELL_FORMAT
    columns = list(sheet.iter_cols(values_only=True))
    widths = [column_width(v, "money" if i == 3 else "text") for i, v in enumerate(columns)]
    for letter, width in zip("ABCDE", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:E{sheet.max_row}"
    page_layout(sheet, widths)
    book.save(path)
