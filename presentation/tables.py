"""A report table: named columns with headers and a display format, over plain row dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ColumnFormat = Literal["text", "int", "money", "pct", "days", "bool", "score", "id", "date"]
"""How a column's values are shown: text, whole numbers, CNY, percent, days, yes/no, a score
(two decimals), an id or code (always text, leading zeros kept), an ISO date."""


@dataclass(frozen=True)
class Column:
    """One column: the key in each row dict, its (Chinese) header, and how to show its value."""

    key: str
    header: str
    kind: ColumnFormat = "text"


@dataclass(frozen=True)
class Table:
    """A titled table of plain row dicts; ``name`` is short enough for a sheet or file name."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    """What a reader must know to read the figures (shown under the table), or empty."""

    def headers(self) -> list[str]:
        """The column headers, in order."""
        return [column.header for column in self.columns]

    def values(self) -> list[list[Any]]:
        """Each row's values in column order (missing keys are None)."""
        return [[row.get(column.key) for column in self.columns] for row in self.rows]
