"""Customers due for review (复评): the shared review list, most urgent first; Enter opens one.

The same list as ``creditfile report review``: each customer's most urgent reason with how far
past it is (money over the limit, days past due), every reason of the highlighted customer
beneath the list, and Enter to open the card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, LoadingIndicator, Static

from creditfile.document import field_catalogue
from creditfile.presentation.translation import N_, _
from creditfile.presentation.vocabulary import reason_label, reason_message
from creditfile.tui.keys import bindings
from creditfile.tui.screens.base import DataScreen
from creditfile.tui.vocabulary import REVIEW_COLUMNS, named
from creditfile.tui.widgets.customer_table import fit
from creditfile.tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from creditfile.tui.service import ArchiveService

SHOWN = 2000
"""At most this many rows (a DataTable measures every cell); the most urgent come first."""

# Cell widths of the columns at most (the content may need less); the name takes what is
# left, at least NAME_MIN. When the terminal is too narrow for all of them, the columns in
# DROPPED_FIRST go, in that order (the rank is the row's place, the grade is in the detail
# below), then the reason narrows to REASON_MIN: the name and how far past the line stay whole.
WIDTHS = {"rank": 4, "id": 8, "grade": 8, "reason": 18, "how_much": 22}
COLUMNS = ("rank", "id", "name", "grade", "reason", "how_much")
DROPPED_FIRST = ("rank", "grade")
NAME_MIN = 12
REASON_MIN = 10
# With a name this wide, the reason may grow to its whole text (up to REASON_MAX) before the
# name takes the rest.
NAME_EASY = 30
REASON_MAX = 30
# Reasons whose weight is money over the limit, and those whose weight is days past due.
MONEY_REASONS = frozenset({"over_limit"})
DAY_REASONS = frozenset({"review_overdue", "agency_report_stale"})


def how_much(reason: Mapping[str, Any], lang: str) -> str:
    """How far past the line a reason is: ``超出 12,000.00`` or ``逾期 35 天``; "" for none."""
    weight = reason.get("weight") or 0
    if not weight:
        return ""
    if reason.get("code") in MONEY_REASONS:
        return _("CNY {amount} over").format(amount=f"{weight:,.2f}")
    if reason.get("code") in DAY_REASONS:
        return _("{days} days late").format(days=f"{int(weight):,}")
    return ""


def detail_text(row: Mapping[str, Any], lang: str) -> Text:
    """Every reason of one customer, most urgent first, with what the rule says."""
    text = Text()
    text.append(f"{row['id']}  {row['name']}", style="bold")
    for reason in row["reasons"]:
        text.append("\n• ")
        text.append(reason_label(reason, lang), style="bold yellow")
        figure = how_much(reason, lang)
        if figure:
            text.append(f"  {figure}")
        message = reason_message(reason, lang)
        if message:
            text.append(f"  {message}", style="dim")
    return text


def widths_for(total: int, needed: Mapping[str, int] | None = None) -> dict[str, int]:
    """The columns shown in a table ``total`` cells wide, in order, with their widths.

    Args:
        total: The table's width in cells.
        needed: Per column, the cells its header and its widest cell need; absent: ``WIDTHS``.

    Returns:
        Column key → width, only for the columns that fit; the name gets what is left.
    """
    widths = {key: min(WIDTHS[key], (needed or WIDTHS).get(key, WIDTHS[key])) for key in WIDTHS}
    # A DataTable pads every cell by one on each side; and keep room for the scrollbar.
    room = total - 2
    shown = [key for key in COLUMNS if key != "name"]

    def left() -> int:
        return room - sum(widths[key] + 2 for key in shown) - 2

    for key in DROPPED_FIRST:
        if left() < NAME_MIN:
            shown.remove(key)
    if left() < NAME_MIN:
        widths["reason"] = max(REASON_MIN, widths["reason"] - (NAME_MIN - left()))
    whole = min(REASON_MAX, (needed or WIDTHS).get("reason", 0))
    if left() > NAME_EASY and whole > widths["reason"]:
        widths["reason"] += min(left() - NAME_EASY, whole - widths["reason"])
    name = max(NAME_MIN, left())
    return {
        key: name if key == "name" else widths[key] for key in COLUMNS if key in (*shown, "name")
    }


class ReviewScreen(DataScreen):
    """Who needs attention and why, from ``reports.review.due_for_review``.

    Args:
        service: The application's service.
    """

    BINDINGS: ClassVar[list[BindingType]] = list(bindings("screen", "en"))

    def __init__(self, service: ArchiveService) -> None:
        super().__init__(service, "review")
        self.due: list[dict[str, Any]] = []
        self._width = 0

    def compose(self) -> ComposeResult:
        """Title, the list, the reasons of the highlighted customer, the hint and footer."""
        yield self.title_line(N_("Review"))
        yield Static("", id="review-heading")
        yield self.counting_line()
        yield LoadingIndicator(id="review-loading")
        yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="review-detail")
        yield Static(
            _(
                "↑↓ choose (every reason is listed below) · Enter opens the "
                "customer's card · Esc back to the list"
            ),
            classes="hint",
            id="review-hint",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        """Rows once the archive is there."""
        self.refresh_data()

    def compute(self) -> Any:
        """How many are due, and the most urgent of them (every customer counted a batch at a
        time, the progress shown as it goes)."""
        return self.service.due_for_review(SHOWN, self.counted_from_thread)

    def present(self, data: Any) -> None:
        """Fill the table, most urgent first."""
        self.due = list(data.rows)
        self.query_one("#review-loading").display = False
        heading = self.query_one("#review-heading", Static)
        heading.update(
            Text(
                _("{n} customers due for review, most urgent first").format(
                    n=f"{data.count:,}", shown=f"{min(data.count, SHOWN):,}"
                )
                if data.count
                else _("No customer is due for review"),
                style="bold",
            )
        )
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        width = table.size.width or self.size.width or 80
        self._width = width
        rows = [self._cells(rank, row) for rank, row in enumerate(self.due[:SHOWN], start=1)]
        titles = {
            key: field_catalogue()["name"].titled(self.lang)
            if key == "name"
            else named(REVIEW_COLUMNS, key)
            for key in COLUMNS
        }
        needed = {
            key: max([cell_len(titles[key]), *(cell_len(str(r[key])) for r in rows)])
            for key in COLUMNS
        }
        widths = widths_for(width, needed)
        keep = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        for key, size in widths.items():
            table.add_column(titles[key], width=size, key=key)
        for cells, row in zip(rows, self.due, strict=False):
            table.add_row(
                *(
                    Text(str(cells[key]), justify="right")
                    if key == "how_much"
                    else fit(str(cells[key]), size)
                    for key, size in widths.items()
                ),
                key=row["id"],
            )
        if self.due:
            table.move_cursor(row=min(keep, table.row_count - 1))
            self._show_detail(table.cursor_row)
        else:
            self.query_one("#review-detail", Static).update("")

    def _cells(self, rank: int, row: Mapping[str, Any]) -> dict[str, str]:
        """The text of each column of one customer's row, before fitting."""
        first = row["reasons"][0]
        more = len(row["reasons"]) - 1
        return {
            "rank": f"{rank:>{WIDTHS['rank']}}",
            "id": str(row["id"]),
            "name": str(row["name"]),
            "grade": str(row["grade"] or _("ungraded")),
            "reason": reason_label(first, self.lang) + (f" +{more}" if more else ""),
            "how_much": how_much(first, self.lang),
        }

    def on_resize(self, event: events.Resize) -> None:
        """The name column follows the width."""
        if self.due and abs(self.query_one(DataTable).size.width - self._width) > 0:
            self._fill()

    @on(DataTable.RowHighlighted, "#review-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, index: int) -> None:
        if 0 <= index < len(self.due):
            self.query_one("#review-detail", Static).update(detail_text(self.due[index], self.lang))

    @on(DataTable.RowSelected, "#review-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        from creditfile.tui.screens.list_screen import card_screen

        if self.app.screen is not self:  # a card is opening already
            return
        customer_id = str(event.row_key.value)
        screen = card_screen(self, self.service, customer_id)
        if screen is not None:
            self.app.push_screen(screen)

    def rows_shown(self) -> Sequence[str]:
        """The customer ids in the table, in order (for tests)."""
        table = self.query_one(DataTable)
        return [str(key.value) for key in table.rows]
