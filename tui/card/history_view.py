"""The card's History tab laid out for the terminal's width: details wrapped, a long one shown
in its first lines with a pointer to the whole, which Enter on its row opens."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from creditfile.presentation.brief import one_line
from creditfile.presentation.translation import _

# A DataTable pads each cell by one on both sides; the scrollbar and the borders take a few more.
CELL_PADDING = 2
FRAME = 4
DETAIL_MIN = 24
"""The detail column keeps at least this many cells; narrower, the other columns give way."""
WHO_MAX = 12
"""Who acted is cut to this many cells when the detail would otherwise fall below its minimum."""
PARAGRAPH_LINES = 12
"""Lines one line of a detail (a changed field) takes at most; a longer one is shortened."""
DETAIL_LINES = 1000
"""Lines a row's detail takes at most (every changed field of a merge shows; only a detail of
thousands of lines is shortened); a shortened one ends in a pointer to the whole (Enter)."""

_CONSOLE = Console(file=io.StringIO(), width=1000, color_system=None)

HistoryRow = tuple[str, str, str, str]


def wrapped(text: str, width: int) -> str:
    """``text`` folded into lines of at most ``width`` terminal cells (CJK counted double),
    at spaces where it can and inside a word only where a word is wider than the line."""
    lines: list[str] = []
    for line in text.split("\n"):
        if cell_len(line) <= width:
            lines.append(line)
            continue
        lines.extend(part.plain.rstrip() for part in Text(line).wrap(_CONSOLE, width))
    return "\n".join(lines)


def _widest(rows: Sequence[HistoryRow], headers: Sequence[str], index: int) -> int:
    cells = [cell_len(line) for row in rows for line in row[index].split("\n")]
    return max([cell_len(headers[index]), *cells])


def fit_history(rows: Sequence[HistoryRow], headers: Sequence[str], width: int) -> list[HistoryRow]:
    """The rows with their detail wrapped to what ``width`` cells leave it.

    When, what happened and the detail always show; who acted is shortened first when the
    detail would get fewer than ``DETAIL_MIN`` cells.
    """
    when, who, what = (_widest(rows, headers, i) for i in range(3))
    room = width - FRAME - 4 * CELL_PADDING - when - what
    shorten_who = room - who < DETAIL_MIN and who > WHO_MAX
    if shorten_who:
        who = WHO_MAX
    detail_width = max(DETAIL_MIN, room - who)
    fitted = []
    for at, actor, event, detail in rows:
        who_shown = wrapped(actor, WHO_MAX) if shorten_who else actor
        fitted.append((at, who_shown, event, first_lines(detail, detail_width)))
    return fitted


def first_lines(detail: str, width: int) -> str:
    """``detail`` wrapped to ``width`` cells: each of its lines (a changed field) in at most
    ``PARAGRAPH_LINES`` lines and the whole in at most ``DETAIL_LINES``; what is shortened
    ends in ``…`` and the row says that Enter shows it whole."""
    shown: list[str] = []
    cut = False
    # Split and wrapped only as far as the row shows: a note of megabytes is not laid out whole.
    for paragraph in detail.split("\n", DETAIL_LINES):
        if len(shown) >= DETAIL_LINES:
            cut = True
            break
        head = paragraph[: (PARAGRAPH_LINES + 1) * width]
        lines = wrapped(head, width).split("\n")
        if len(lines) > PARAGRAPH_LINES or len(head) < len(paragraph):
            cut = True
            lines = [
                *lines[: PARAGRAPH_LINES - 1],
                one_line(lines[PARAGRAPH_LINES - 1] + " …", width),
            ]
        shown.extend(lines)
    if cut:
        shown = [*shown[:DETAIL_LINES], wrapped(_("… (Enter: the whole detail)"), width)]
    return "\n".join(shown)


def row_height(row: HistoryRow) -> int:
    """How many lines the row takes: its tallest cell."""
    return max(cell.count("\n") + 1 for cell in row)
