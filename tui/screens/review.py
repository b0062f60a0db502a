"""Customers due for review (复评): the shared review list, most urgent first; Enter opens one.

The same list as ``creditfile report review``: each customer's most urgent reason with how far
past it is (money over the limit, days past due), every reason of the highlighted customer
beneath the list, and Enter to open the card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Footer, LoadingIndicator, Static

from creditfile.document import field_catalogue
from creditfile.presentation.translation import N_, _
from creditfile.presentation.vocabulary import reason_label, reason_message
from creditfile.tui.keys import bindings
from creditfile.tui.screens.base import DataScreen
from creditfile.tui.vocabulary import REVIEW_COLUMNS, named
from creditfile.tui.widgets.customer_table import fit

if TYPE_CHECKING:
    from creditfile.tui.service import ArchiveService

SHOWN = 2000
"""At most this many rows (a DataTable measures every cell); the most urgent come first."""

# Cell widths of the fixed columns; the name takes what is left, at least NAME_MIN.
WIDTHS = {"rank": 4, "id": 8, "grade": 8, "reason": 18, "how_much": 20}
NAME_MIN = 12
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


def widths_for(total: int) -> dict[str, int]:
    """Column widths for a table ``total`` cells wide (a space between columns)."""
    # A DataTable pads every cell by one on each side; and keep room for the scrollbar.
    fixed = sum(WIDTHS.values()) + 2 * (len(WIDTHS) + 1) + 2
    return {**WIDTHS, "name": max(NAME_MIN, total - fixed)}


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
        yield Footer()

    def on_mount(self) -> None:
        """Rows once the archive is there."""
        self.refresh_data()

    def compute(self) -> Any:
        """The review list."""
        return self.service.due_for_review()

    def present(self, data: Any) -> None:
        """Fill the table, most urgent first."""
        self.due = data
        self.query_one("#review-loading").display = False
        heading = self.query_one("#review-heading", Static)
        heading.update(
            Text(
                _("{n} customers due for review, most urgent first").format(
                    n=f"{len(data):,}", shown=f"{min(len(data), SHOWN):,}"
                )
                if data
                else _("No customer is due for review"),
                style="bold",
            )
        )
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        width = table.size.width or self.size.width or 80
        self._width = width
        widths = widths_for(width)
        keep = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        for key in ("rank", "id", "name", "grade", "reason", "how_much"):
            title = (
                field_catalogue()["name"].titled(self.lang)
                if key == "name"
                else named(REVIEW_COLUMNS, key)
            )
            table.add_column(title, width=widths[key], key=key)
        for rank, row in enumerate(self.due[:SHOWN], start=1):
            first = row["reasons"][0]
            more = len(row["reasons"]) - 1
            reason = reason_label(first, self.lang) + (f" +{more}" if more else "")
            table.add_row(
                f"{rank:>{WIDTHS['rank']}}",
                row["id"],
                fit(str(row["name"]), widths["name"]),
                row["grade"] or _("ungraded"),
                fit(reason, widths["reason"]),
                Text(how_much(first, self.lang), justify="right"),
                key=row["id"],
            )
        if self.due:
            table.move_cursor(row=min(keep, table.row_count - 1))
            self._show_detail(table.cursor_row)
        else:
            self.query_one("#review-detail", Static).update("")

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
        screen = card_screen(self.service, customer_id)
        if screen is None:
            self.notify(_("The customer card is not available"), severity="warning")
        else:
            self.app.push_screen(screen)

    def rows_shown(self) -> Sequence[str]:
        """The customer ids in the table, in order (for tests)."""
        table = self.query_one(DataTable)
        return [str(key.value) for key in table.rows]
