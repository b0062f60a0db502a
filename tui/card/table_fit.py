"""A card table laid out for the terminal's width: the columns that may wrap give way, each
down to a least width, then whole columns drop (an empty one first, then by priority), so
that no column runs past the right edge cut."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from creditfile.tui.card.history_view import CELL_PADDING, FRAME, wrapped

_CONSOLE = Console(file=io.StringIO(), width=1000, color_system=None)


def _cell_width(cell: Any) -> int:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(line) for line in text.split("\n")), default=0)


def _wrap_cell(cell: Any, width: int) -> Any:
    if _cell_width(cell) <= width:
        return cell
    if isinstance(cell, Text):
        return Text("\n").join(cell.wrap(_CONSOLE, width))
    return wrapped(str(cell), width)


def _widths(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> list[int]:
    return [
        max([cell_len(title), *(_cell_width(row[i]) for row in rows)])
        for i, title in enumerate(headers)
    ]


def _floor(headers: Sequence[str], least: Mapping[int, int], index: int) -> int:
    return max(least[index], cell_len(headers[index]))


class FittedTable(NamedTuple):
    """A table fitted to a width: the columns kept (indexes, in order) and the rows' cells."""

    shown: tuple[int, ...]
    rows: list[tuple[Any, ...]]


def fit_table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    width: int,
    least: Mapping[int, int],
    drop: Sequence[int],
) -> FittedTable:
    """``fit_columns``, and when wrapping is not enough, whole columns left out.

    Args:
        rows: The cells of each row.
        headers: The column titles.
        width: The terminal's width.
        least: The columns that may wrap, as in ``fit_columns``.
        drop: The columns that may be left out, the first listed first; a column with nothing
            in any row goes before any of them.

    Returns:
        The columns kept and the rows cut down to them, wrapped as ``fit_columns`` does.
    """
    widths = _widths(rows, headers)
    shown = list(range(len(headers)))

    def needs(wrapping: bool) -> int:
        return FRAME + sum(
            (_floor(headers, least, i) if wrapping and i in least else widths[i]) + CELL_PADDING
            for i in shown
        )

    # An empty column goes before any cell is wrapped; the others only when wrapping is
    # not enough.
    for index in (i for i in drop if all(not _cell_width(row[i]) for row in rows)):
        if needs(wrapping=False) <= width:
            break
        shown.remove(index)
    for index in (i for i in drop if i in shown):
        if needs(wrapping=True) <= width:
            break
        shown.remove(index)
    kept_least = {shown.index(i): n for i, n in least.items() if i in shown}
    return FittedTable(
        tuple(shown),
        fit_columns(
            [tuple(row[i] for i in shown) for row in rows],
            [headers[i] for i in shown],
            width,
            kept_least,
        ),
    )


def fit_columns(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    width: int,
    least: Mapping[int, int],
) -> list[tuple[Any, ...]]:
    """The rows with cells wrapped so that the table fits ``width`` terminal cells.

    Args:
        rows: The cells of each row (text, or rich ``Text`` keeping its style when wrapped).
        headers: The column titles (a column is never narrower than its title).
        width: The terminal's width.
        least: The columns that may wrap, by index, each with the fewest cells it keeps; the
            last one listed gives way first.

    Returns:
        The rows, a wrapped cell's lines joined by newlines (see ``row_lines``).
    """
    widths = _widths(rows, headers)
    over = sum(widths) + CELL_PADDING * len(widths) + FRAME - width
    for index in reversed(list(least)):
        if over <= 0:
            break
        floor = _floor(headers, least, index)
        give = min(over, max(0, widths[index] - floor))
        widths[index] -= give
        over -= give
    return [
        tuple(_wrap_cell(cell, widths[i]) if i in least else cell for i, cell in enumerate(row))
        for row in rows
    ]


def row_lines(row: Sequence[Any]) -> int:
    """How many lines the row takes: its tallest cell."""
    return max(
        (str(cell.plain if isinstance(cell, Text) else cell).count("\n") + 1 for cell in row),
        default=1,
    )
