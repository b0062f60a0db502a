"""Terminal tables for the command line, drawn by rich: Chinese aligned, fitted to the terminal.

Callers hand over headers and rows and get text back; how wide it may be and whether it may
carry colour is decided once per run by :func:`configure` (from the output stream, ``--wide`` and
``NO_COLOR``). Unconfigured, and whenever the output is not a terminal, a table is plain and
complete: no width limit, no colour, so pipes and files get every column.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import IO, TYPE_CHECKING

from creditfile.presentation.inert import terminal_text
from creditfile.presentation.translation import _, pgettext

if TYPE_CHECKING:
    from rich.box import Box
    from rich.console import Console
    from rich.table import Table

# rich is imported where a table or a line is drawn, not with this module: every command
# imports it, and a regrade's grading workers, forked before anything is printed, would each
# carry rich's modules (4.5 MB) for nothing.
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colour codes take no cells
RICH_ROWS = 500  # longer tables are lined up without rich (see render_table)


@dataclass(frozen=True)
class Output:
    """Where tables go: ``width`` in cells (None: no limit) and whether colour is allowed."""

    width: int | None = None
    colour: bool = False


_output = Output()


def configure(stream: IO[str], *, wide: bool = False) -> Output:
    """Fit tables to ``stream`` when it is a terminal; return what was decided.

    Args:
        stream: Where the command writes its tables (normally stdout).
        wide: ``--wide``: never drop or fold columns, however narrow the terminal.
    """
    global _output  # noqa: PLW0603 - one setting per process, made once by the entry point
    if not bool(getattr(stream, "isatty", lambda: False)()):
        _output = Output()
    else:
        from rich.console import Console

        width = None if wide else Console(file=stream).size.width
        _output = Output(width=width, colour="NO_COLOR" not in os.environ)
    return _output


def colour_allowed() -> bool:
    """Whether output may carry colour and bold codes (a terminal, without ``NO_COLOR``)."""
    return _output.colour


def fit_line(text: str) -> str:
    """Prose wrapped at word boundaries to the terminal's width (unchanged elsewhere).

    Lines that already fit, such as those of a table from :func:`render_table`, are kept.
    """
    width = _output.width
    if width is None:
        return text
    return "\n".join(_wrapped(line, width) for line in text.split("\n"))


def _wrapped(line: str, width: int) -> str:
    from rich.cells import cell_len

    if cell_len(_ANSI.sub("", line)) <= width:
        return line
    console = _console(width)
    console.print(line, overflow="fold")
    wrapped: str = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(part.rstrip() for part in wrapped.splitlines())


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide and full-width characters count two."""
    from rich.cells import cell_len

    return cell_len(text)


def render_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    numeric: Sequence[bool] | None = None,
    *,
    priority: Sequence[int] | None = None,
    unbroken: Sequence[bool] | None = None,
) -> str:
    """A table with a header rule; numeric columns are right-aligned and never folded.

    Args:
        headers: Column headings.
        rows: Cell values (``None`` shows as ``-``, numbers with thousands separators, a list
            as one line per item).
        numeric: Which columns are numbers (default: guessed from the values).
        priority: One number per column, 0 the most important; on a terminal too narrow for
            every column, the highest numbers are dropped first (the table then says which).
            Without it no column is dropped, only folded.
        unbroken: Which columns are never folded (keys such as ``customer_changed``): the
            other columns give way, or are dropped, first.

    Returns:
        The table as text, without trailing spaces.
    """
    # Customer data is shown escaped: a name cannot move the cursor or retitle the window,
    # and the escapes are measured like any other text, so columns stay aligned.
    cells = [[_text(v) for v in row] for row in rows]
    headers = [terminal_text(h) for h in headers]
    flags = list(numeric) if numeric is not None else _guess_numeric(rows, len(headers))
    whole = [f or bool(u) for f, u in zip(flags, unbroken or flags, strict=True)]
    every = list(range(len(headers)))
    width = _output.width
    if width is None:
        return _plain(headers, cells, flags, every)
    ranks = list(priority) if priority is not None else [0] * len(headers)
    shown = _fitting(headers, cells, ranks, width)
    hidden = [headers[i] for i in every if i not in shown]
    console = _console(width)
    lines = []
    if len(cells) > RICH_ROWS:
        # rich lays a table out at about a millisecond a row: a regrade's 100,000 changes
        # would take minutes. Long tables are lined up directly; columns are still dropped.
        lines.append(_plain(headers, cells, flags, shown, width=width, whole=whole))
    else:
        console.print(_table(headers, cells, flags, shown, whole))
    if hidden:
        console.print(
            _("(not shown at {width} columns: {columns}; --wide shows all)").format(
                width=width, columns=pgettext("report", ", ").join(hidden)
            )
        )
    text: str = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join([*lines, *(line.rstrip() for line in text.splitlines())])


def _fitting(
    headers: Sequence[str], cells: Sequence[Sequence[str]], ranks: Sequence[int], width: int
) -> list[int]:
    """The columns to show: the least important dropped while a row cannot fit on a line.

    What still does not fit is folded by rich within its own column, never cut.
    """
    from rich.cells import cell_len

    natural = [cell_len(h) for h in headers]
    for row in cells:
        for index, value in enumerate(row):
            natural[index] = max(natural[index], _widest_line(value, cell_len))
    shown = list(range(len(headers)))
    while sum(natural[i] + 2 for i in shown) - 1 > width:
        droppable = [i for i in shown if ranks[i] > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (ranks[i], i)))
    return shown


def _widest_line(text: str, cell_len: Callable[[str], int]) -> int:
    return max(cell_len(line) for line in text.split("\n"))


FOLD_LEAST = 12
"""A folded column keeps at least this many cells (a Chinese name, six characters)."""


def _plain(
    headers: Sequence[str],
    cells: Sequence[Sequence[str]],
    flags: Sequence[bool],
    shown: list[int],
    *,
    width: int | None = None,
    whole: Sequence[bool] = (),
) -> str:
    """The table lined up directly; with a ``width``, the widest text columns folded (each
    down to ``FOLD_LEAST`` cells, never a number or an ``unbroken`` one) so it fits."""
    from rich.cells import cell_len

    widths = {i: cell_len(headers[i]) for i in shown}
    for row in cells:
        for i in shown:
            widths[i] = max(widths[i], _widest_line(row[i], cell_len))
    if width is not None:
        natural = dict(widths)
        _narrowed(widths, headers, [i for i in shown if not (whole and whole[i])], width)
        folded = [i for i in shown if widths[i] < natural[i]]
        if folded:
            cells = [_folded_row(row, folded, widths) for row in cells]
    return "\n".join(_plain_lines(headers, cells, flags, widths))


def _narrowed(
    widths: dict[int, int], headers: Sequence[str], foldable: list[int], width: int
) -> None:
    """Take cells from the widest foldable column until the line fits ``width``."""
    from rich.cells import cell_len

    over = sum(w + 2 for w in widths.values()) - 2 - width
    floors = {i: max(FOLD_LEAST, cell_len(headers[i])) for i in foldable}
    while over > 0:
        room = [i for i in foldable if widths[i] > floors[i]]
        if not room:
            return
        widest = max(room, key=lambda i: widths[i])
        others = [widths[i] for i in room if i != widest]
        target = max(floors[widest], max(others, default=0), widths[widest] - over)
        if target >= widths[widest]:
            target = widths[widest] - 1
        over -= widths[widest] - target
        widths[widest] = target


def _folded_row(row: Sequence[str], folded: Sequence[int], widths: Mapping[int, int]) -> list[str]:
    values = list(row)
    for i in folded:
        if _widest_line(values[i], cell_width) > widths[i]:
            values[i] = _fold(values[i], widths[i])
    return values


def _fold(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` cells, broken at spaces where there are any."""
    from rich.text import Text

    console = _console(width)
    return "\n".join(
        line.plain.rstrip() for part in text.split("\n") for line in Text(part).wrap(console, width)
    )


def _plain_lines(
    headers: Sequence[str],
    cells: Iterable[Sequence[str]],
    flags: Sequence[bool],
    widths: Mapping[int, int],
) -> Iterator[str]:
    """The lines of a table lined up directly: the columns ``widths`` names, each that wide."""
    from rich.cells import cell_len

    shown = list(widths)

    def pad(text: str, width: int, *, right: bool) -> str:
        gap = " " * max(0, width - cell_len(text))
        return gap + text if right else text + gap

    def line(values: Sequence[str]) -> str:
        return "  ".join(pad(values[i], widths[i], right=flags[i]) for i in shown).rstrip()

    def lines(values: Sequence[str]) -> list[str]:
        # A cell of several lines (one per changed field) takes as many lines as it has.
        split = {i: values[i].split("\n") for i in shown}
        depth = max(len(parts) for parts in split.values())
        every = range(len(values))
        return [
            line([split[i][n] if i in split and n < len(split[i]) else "" for i in every])
            for n in range(depth)
        ]

    yield line(headers)
    yield "  ".join("-" * widths[i] for i in shown)
    for row in cells:
        yield from lines(row)


def long_table(
    headers: Sequence[str],
    rows: Callable[[], Iterable[Sequence[object]]],
    *,
    chunk: int = 2_000,
    fit: bool = False,
) -> Iterator[str]:
    """``render_table`` for a table too long to hold (a regrade's million grade changes): the
    rows are read twice, ``rows()`` each time (for the columns' widths, then to write them), and
    the table comes ``chunk`` lines at a time; joined by line ends, the text is
    ``render_table``'s. Every column is shown (no priorities). ``fit``: on a terminal, the text
    columns are folded to its width as ``render_table`` folds them (without, only a table of
    at most ``RICH_ROWS`` rows is)."""
    from rich.cells import cell_len

    heads = [terminal_text(h) for h in headers]
    widths = dict(enumerate(cell_len(h) for h in heads))
    seen, numbers = [False] * len(heads), [True] * len(heads)
    first: list[Sequence[object]] = []
    count = 0
    for row in rows():
        count += 1
        if count <= RICH_ROWS:
            first.append(row)
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _widest_line(_text(value), cell_len))
            if value is not None:  # as _guess_numeric: the values given say what a column is
                seen[i] = True
                numbers[i] = numbers[i] and isinstance(value, int | float)
                numbers[i] = numbers[i] and not isinstance(value, bool)
    if count <= RICH_ROWS:  # short enough for rich, as render_table draws it
        yield render_table(headers, first)
        return
    flags = [s and n for s, n in zip(seen, numbers, strict=True)]
    cells: Iterator[Sequence[str]] = ([_text(v) for v in row] for row in rows())
    if fit and _output.width is not None:  # as _plain narrows and folds, row by row
        natural = dict(widths)
        _narrowed(widths, heads, [i for i in widths if not flags[i]], _output.width)
        folded = [i for i in widths if widths[i] < natural[i]]
        if folded:
            cells = (_folded_row(row, folded, widths) for row in cells)
    block: list[str] = []
    for line in _plain_lines(heads, cells, flags, widths):
        block.append(line)
        if len(block) == chunk:
            yield "\n".join(block)
            block = []
    if block:
        yield "\n".join(block)


def _console(width: int) -> Console:
    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=width,
        force_terminal=_output.colour,
        color_system="standard" if _output.colour else None,
        no_color=not _output.colour,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )


def _table(
    headers: Sequence[str],
    cells: Sequence[Sequence[str]],
    flags: Sequence[bool],
    shown: list[int],
    whole: Sequence[bool],
) -> Table:
    from rich.table import Table

    table = Table(
        box=_ruled(),
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        header_style="bold" if _output.colour else "",
    )
    for index in shown:
        table.add_column(
            headers[index],
            justify="right" if flags[index] else "left",
            no_wrap=whole[index],
            overflow="fold",
        )
    for row in cells:
        table.add_row(*(row[index] for index in shown))
    return table


@cache
def _ruled() -> Box:
    """A header rule of dashes and nothing else, as the plain tables have."""
    from rich import box

    return box.Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        # A cell of several lines (one per changed field): each line made inert on its own.
        return "\n".join(terminal_text(str(line)) for line in value) or "-"
    return terminal_text(str(value))


def _guess_numeric(rows: Sequence[Sequence[object]], count: int) -> list[bool]:
    flags = []
    for index in range(count):
        values = [row[index] for row in rows if row[index] is not None]
        flags.append(
            bool(values)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        )
    return flags
