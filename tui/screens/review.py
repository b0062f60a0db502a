"""Customers due for review (复评): the shared review list, most urgent first; Enter opens one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Footer, LoadingIndicator, Static

from creditfile.tui.i18n import t
from creditfile.tui.keys import bindings
from creditfile.tui.screens.base import DataScreen

if TYPE_CHECKING:
    from creditfile.tui.service import ArchiveService

SHOWN = 2000
"""At most this many rows (a DataTable measures every cell); the most urgent come first."""


class ReviewScreen(DataScreen):
    """Who needs attention and why, from ``engine.review.due_for_review``.

    Args:
        service: The application's service.
    """

    BINDINGS: ClassVar[list[BindingType]] = list(bindings("screen", "en"))

    def __init__(self, service: ArchiveService) -> None:
        super().__init__(service, "review")
        self.due: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        """Title, the list and the footer."""
        yield self.title_line("screen.review")
        yield Static("", id="review-heading")
        yield LoadingIndicator(id="review-loading")
        yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Columns now, rows once the archive is there."""
        table = self.query_one(DataTable)
        table.add_columns(
            t(self.lang, "col.id"),
            t(self.lang, "col.name"),
            t(self.lang, "col.grade"),
            t(self.lang, "review.col.reasons"),
        )
        self.refresh_data()

    def compute(self) -> Any:
        """The review list."""
        return self.service.due_for_review()

    def present(self, data: Any) -> None:
        """Fill the table."""
        self.due = data
        self.query_one("#review-loading").display = False
        heading = self.query_one("#review-heading", Static)
        heading.update(
            Text(
                t(self.lang, "review.heading", n=f"{len(data):,}")
                if data
                else t(self.lang, "review.none"),
                style="bold",
            )
        )
        table = self.query_one(DataTable)
        table.clear()
        label = "label" if self.lang == "zh" else "label_en"
        for row in data[:SHOWN]:
            reasons = "; ".join(str(r.get(label) or r.get("code")) for r in row["reasons"])
            table.add_row(
                row["id"],
                row["name"],
                row["grade"] or t(self.lang, "grade.none"),
                reasons,
                key=row["id"],
            )

    @on(DataTable.RowSelected, "#review-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        from creditfile.tui.screens.list_screen import card_screen

        customer_id = str(event.row_key.value)
        screen = card_screen(self.service, customer_id)
        if screen is None:
            self.notify(t(self.lang, "card.unavailable"), severity="warning")
        else:
            self.app.push_screen(screen)
