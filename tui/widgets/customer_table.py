"""The virtual customer list: draws only the visible lines of the list's ``Lines``.

A ``ScrollView`` with ``render_line`` (as Textualize/toolong does) costs the same for 100 or
100,000 customers: nothing is measured or built per row until the row is on screen. A line whose
row is not held (a database's list holds a window of it) is drawn dim until its page arrives; the
screen fetches it when the cursor comes near (``EdgeRequested`` for Home and End). Cell widths
are measured with ``rich.cells`` so Chinese (double-width) names line up; ``fit`` and
``middle_cut`` fit any text of the terminal UI into a number of cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from creditfile.application.customer_index import ListRow, SearchIndex
from creditfile.application.list_window import IndexLines, Lines
from creditfile.presentation.inert import terminal_text
from creditfile.tui.keys import bindings

# Fixed cell widths; the name takes what is left (at least NAME_MIN).
WIDTHS: dict[str, int] = {
    "id": 9,
    "nature": 12,
    "tier": 9,
    "grade": 6,
    "total": 7,
    "lifecycle": 11,
    "stage": 9,
    "assessed": 10,
    "attention": 4,
}
NAME_MIN = 12
"""The name never gets fewer cells than this, however narrow the terminal."""
NAME_WANT = 24
"""Columns are dropped (``DROP_ORDER``) until the name has this many cells (12 Chinese
characters), so that 80 columns show names people can tell apart."""
DROP_ORDER = ("assessed", "lifecycle", "stage", "tier", "total", "nature")
"""The columns left out first when the terminal is narrow; id, name, grade and the attention
mark always stay."""
RIGHT_ALIGNED = frozenset({"total"})
GRADE_STYLES = ("bold green", "bold cyan", "bold yellow", "bold red", "bold magenta")
ATTENTION_MARK = "!"
ELLIPSIS = "…"
"""Marks where a text was cut."""


def layout(columns: Sequence[str], width: int) -> list[tuple[str, int]]:
    """The columns that fit a line ``width`` cells wide, each with its cell width.

    Columns are left out in ``DROP_ORDER`` until the name has ``NAME_WANT`` cells; the name
    then takes what is left (never fewer than ``NAME_MIN``). One space between columns.
    """
    shown = list(columns)

    def name_cells() -> int:
        fixed = sum(WIDTHS[c] for c in shown if c != "name") + len(shown) - 1
        return width - fixed

    for column in DROP_ORDER:
        if name_cells() >= NAME_WANT:
            break
        if column in shown:
            shown.remove(column)
    name = max(NAME_MIN, name_cells())
    return [(c, WIDTHS.get(c, name)) for c in shown]


def fit(text: str, width: int, *, right: bool = False) -> str:
    """``text`` in exactly ``width`` cells: cut with an ellipsis when too long, else padded."""
    size = cell_len(text)
    if size > width:
        return set_cell_size(text, width - cell_len(ELLIPSIS)) + ELLIPSIS
    pad = " " * (width - size)
    return pad + text if right else text + pad


def middle_cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut in the middle with an ellipsis (its start and
    end kept, as the list's title keeps an archive's file name); nothing when fewer than 8
    cells are left."""
    if cell_len(text) <= width:
        return text
    if width < 8:
        return ""
    kept = width - cell_len(ELLIPSIS)
    right = kept // 2
    left = kept - right
    end = text[::-1]
    return set_cell_size(text, left) + ELLIPSIS + set_cell_size(end, right)[::-1]


class CustomerTable(ScrollView, can_focus=True):
    """The customer list: one line per customer of ``order``, a cursor, keys and mouse.

    Args:
        columns: The columns to show, in order.
        labels: Per column, the display text of each stored value (policy labels, translated
            lifecycle and stage); values without a label are shown as stored.
        grade_order: Grade names, best first (for colours).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"customer-table--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = list(bindings("table", "en"))
    DEFAULT_CSS = """
    CustomerTable { overflow-x: hidden; }
    CustomerTable > .customer-table--cursor { background: $accent 40%; text-style: bold; }
    CustomerTable:focus > .customer-table--cursor { background: $accent; color: $text; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Opened(Message):
        """A customer was opened (Enter or double click)."""

        def __init__(self, customer_id: str) -> None:
            super().__init__()
            self.customer_id = customer_id

    class EdgeRequested(Message):
        """Home or End in a list not held whole: the screen fetches the first or last page."""

        def __init__(self, top: bool) -> None:
            super().__init__()
            self.top = top

    class Highlighted(Message):
        """The cursor moved to another customer (or to none)."""

        def __init__(self, customer_id: str | None) -> None:
            super().__init__()
            self.customer_id = customer_id

    def __init__(
        self,
        columns: Sequence[str],
        labels: Mapping[str, Mapping[str, str]],
        grade_order: Sequence[str],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.labels = labels
        self._grade_style: dict[str, Style] = {}
        self.set_grades(grade_order)
        self.index: SearchIndex | None = None
        self.order: Sequence[int] = ()
        self.lines: Lines | None = None

    def set_grades(self, grade_order: Sequence[str]) -> None:
        """Colour grades by rank: the best green, then cyan, yellow, red."""
        self._grade_style = {
            g: Style.parse(GRADE_STYLES[min(i, len(GRADE_STYLES) - 1)])
            for i, g in enumerate(grade_order)
        }

    # -- data ---------------------------------------------------------------------------------

    def show(self, index: SearchIndex, order: Sequence[int], keep: str | None = None) -> None:
        """Show the rows ``order`` of ``index``; keep the cursor on customer ``keep`` if shown."""
        self.index = index
        self.order = order
        self.show_lines(IndexLines(index, order), keep)

    def show_lines(self, lines: Lines, keep: str | None = None, *, at: int | None = None) -> None:
        """Show ``lines``; the cursor on customer ``keep`` if shown, else on line ``at``, else
        on the first line."""
        self.lines = lines
        self.virtual_size = Size(self.size.width, len(lines))
        target = at if at is not None else 0
        if keep is not None:
            found = lines.line_of(keep)
            if found is not None:
                target = found
        self.cursor = min(target, max(len(lines) - 1, 0))
        self.refresh()

    @property
    def current(self) -> ListRow | None:
        """The row under the cursor, if any."""
        if self.lines is None or self.cursor >= len(self.lines):
            return None
        return self.lines.row(self.cursor)

    def watch_cursor(self, old: int, new: int) -> None:
        """Keep the cursor in view and tell the screen which customer it is on."""
        self._scroll_to_cursor()
        self.refresh()
        row = self.current
        self.post_message(self.Highlighted(row.id if row else None))

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height or 1
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        """The name column follows the width."""
        self.virtual_size = Size(event.size.width, len(self.lines or ()))
        self.refresh()

    # -- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw line ``y`` of the visible area: only what is on screen is ever built."""
        width = self.scrollable_content_region.width
        number = round(self.scroll_offset.y) + y
        base = self.rich_style
        if self.lines is None or number >= len(self.lines):
            return Strip.blank(width, base)
        row = self.lines.row(number)
        style = base
        if number == self.cursor:
            style = base + self.get_component_rich_style("customer-table--cursor")
        if row is None:  # not held: its page is on its way
            return Strip([Segment("…", style + Style(dim=True))]).adjust_cell_length(width, style)
        segments = []
        for i, (column, cells) in enumerate(layout(self.columns, width)):
            if i:
                segments.append(Segment(" ", style))
            # Shown escaped (\x1b, \u202e): a name cannot steer the terminal or reorder the line.
            text = fit(terminal_text(self.cell(row, column)), cells, right=column in RIGHT_ALIGNED)
            segments.append(Segment(text, style + self._cell_style(row, column)))
        return Strip(segments).adjust_cell_length(width, style)

    def cell(self, row: ListRow, column: str) -> str:
        """The text of one cell (labels applied)."""
        if column == "total":
            return "" if row.total is None else f"{row.total:.2f}"
        if column == "attention":
            return ATTENTION_MARK if row.attention else ""
        value = str(getattr(row, column))
        labels = self.labels.get(column)
        if labels is not None:
            return labels.get(value, value)
        return value

    def _cell_style(self, row: ListRow, column: str) -> Style:
        if column == "grade":
            return self._grade_style.get(row.grade, Style(dim=True))
        if column == "attention" and row.attention:
            return Style(bold=True, color="red")
        return Style()

    # -- keys and mouse -----------------------------------------------------------------------

    @property
    def _count(self) -> int:
        return len(self.lines) if self.lines is not None else 0

    def action_cursor_down(self) -> None:
        """Next customer."""
        self.cursor = min(self.cursor + 1, max(self._count - 1, 0))

    def action_cursor_up(self) -> None:
        """Previous customer."""
        self.cursor = max(self.cursor - 1, 0)

    def action_cursor_top(self) -> None:
        """First customer."""
        if self.lines is not None and not self.lines.complete:
            self.post_message(self.EdgeRequested(top=True))
        self.cursor = 0

    def action_cursor_bottom(self) -> None:
        """Last customer."""
        if self.lines is not None and not self.lines.complete:
            self.post_message(self.EdgeRequested(top=False))
        self.cursor = max(self._count - 1, 0)

    def action_page_down(self) -> None:
        """One screen further."""
        page = max(self.scrollable_content_region.height - 1, 1)
        self.cursor = min(self.cursor + page, max(self._count - 1, 0))

    def action_page_up(self) -> None:
        """One screen back."""
        page = max(self.scrollable_content_region.height - 1, 1)
        self.cursor = max(self.cursor - page, 0)

    def on_click(self, event: events.Click) -> None:
        """Click selects a customer; a double click opens it."""
        number = round(self.scroll_offset.y) + event.y
        if 0 <= number < self._count:
            self.cursor = number
            if event.chain >= 2:
                self.open_current()

    def open_current(self) -> None:
        """Open the customer under the cursor."""
        row = self.current
        if row is not None:
            self.post_message(self.Opened(row.id))

    def visible_region(self) -> Region:
        """The rows on screen, as a region of the virtual list (for tests and benchmarks)."""
        top = round(self.scroll_offset.y)
        return Region(0, top, self.size.width, self.scrollable_content_region.height)


class TableHeader(Widget):
    """The column titles over a ``CustomerTable``, with the sort column marked; click sorts.

    Args:
        columns: The same columns as the table.
        titles: The title of each column.
    """

    DEFAULT_CSS = """
    TableHeader { height: 1; background: $panel; text-style: bold; }
    """

    class SortRequested(Message):
        """A column title was clicked."""

        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def __init__(
        self, columns: Sequence[str], titles: Mapping[str, str], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.titles = titles
        self.sort = "id"
        self.reverse = False
        self.table: CustomerTable | None = None
        """The table whose content width the titles follow (its scrollbar comes and goes)."""

    def set_sort(self, column: str, reverse: bool) -> None:
        """Mark the sort column and direction."""
        self.sort, self.reverse = column, reverse
        self.refresh()

    def _spans(self) -> list[tuple[str, int, int]]:
        spans, x = [], 0
        width = self.size.width
        if self.table is not None and self.table.display:
            width = self.table.scrollable_content_region.width or width
        for column, cells in layout(self.columns, width):
            spans.append((column, x, cells))
            x += cells + 1
        return spans

    def render_line(self, y: int) -> Strip:
        """The titles, each cut to its column's width."""
        style = self.rich_style
        segments = []
        for i, (column, _x, cells) in enumerate(self._spans()):
            if i:
                segments.append(Segment(" ", style))
            title = self.titles.get(column, column)
            if column == self.sort:
                title += "▼" if self.reverse else "▲"
            segments.append(Segment(fit(title, cells, right=column in RIGHT_ALIGNED), style))
        return Strip(segments).adjust_cell_length(self.size.width, style)

    def on_click(self, event: events.Click) -> None:
        """Clicking a title sorts by that column (again: the other way)."""
        for column, x, cells in self._spans():
            if x <= event.x < x + cells:
                self.post_message(self.SortRequested(column))
                return
