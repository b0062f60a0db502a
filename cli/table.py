"""Plain-text tables that line up Chinese (double-width) text in a terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` cells."""
    gap = " " * max(0, width - cell_width(text))
    return gap + text if right else text + gap


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[bool] | None = None
) -> str:
    """A table with a header rule; numeric columns are right-aligned."""
    cells = [[_text(v) for v in row] for row in rows]
    widths = [cell_width(h) for h in headers]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], cell_width(value))
    flags = list(numeric) if numeric is not None else _guess_numeric(rows, len(headers))
    lines = ["  ".join(pad(h, w, right=f) for h, w, f in zip(headers, widths, flags, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(pad(v, w, right=f) for v, w, f in zip(row, widths, flags, strict=True))
        for row in cells
    )
    return "\n".join(line.rstrip() for line in lines)


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _guess_numeric(rows: Sequence[Sequence[object]], count: int) -> list[bool]:
    flags = []
    for index in range(count):
        values = [row[index] for row in rows if row[index] is not None]
        flags.append(
            bool(values)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        )
    return flags
