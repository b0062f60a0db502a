"""The market-data workbook an analyst fills in: one sheet, a header row, example figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from creditfile.document import field_catalogue

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
    market sheet ``read_market`` reads back: items by their label, periods as text."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row["label"], row["region"], row["period"], row["size"], ""])
    for column in "ABCD":
        sheet.column_dimensions[column].width = 18
    sheet.freeze_panes = "A2"
    for (cell,) in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        cell.number_format = "@"  # a year typed here stays text, as a quarter is
    book.save(path)
