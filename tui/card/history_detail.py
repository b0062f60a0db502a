"""The whole of one history event of the card, opened by Enter on its row of the History tab."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from creditfile.presentation.translation import N_, _
from creditfile.tui.card.modals import DIALOG_CSS
from creditfile.tui.keys import translated
from creditfile.tui.widgets.footer import KeyBar

DETAIL_CSS = (
    DIALOG_CSS.format(name="HistoryDetail")
    + """
HistoryDetail > Vertical { width: 100; padding: 0 1; }
HistoryDetail #history-detail-text { height: auto; max-height: 60vh; }
HistoryDetail #history-detail-keys { height: auto; margin: 1 0 0 0; color: $text-muted; }
"""
)


class HistoryDetail(ModalScreen[None]):
    """One event: when, who, what happened, and its detail whole, wrapped, to scroll through
    (read only). Esc closes.

    Args:
        when: When it was recorded, as the tab shows it.
        who: Who acted.
        what: What happened.
        detail: The detail, whole.
    """

    DEFAULT_CSS = DETAIL_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="card.history.close"),
    ]

    def __init__(self, when: str, who: str, what: str, detail: str) -> None:
        super().__init__(id="history-detail")
        self._title = " · ".join(part for part in (when, who, what) if part)
        self._detail = detail
        self._bindings = translated(self._bindings)

    def compose(self) -> ComposeResult:
        """Title, the detail, and the keys."""
        with Vertical():
            yield Label(self._title, classes="dialog-title", markup=False)
            # A text area reads a detail of any size without laying it all out at once.
            yield TextArea(
                self._detail or "—",
                id="history-detail-text",
                read_only=True,
                soft_wrap=True,
                show_line_numbers=False,
            )
            yield Static(
                _("↑ ↓ PgUp PgDn scroll · Esc closes"), id="history-detail-keys", markup=False
            )
        yield KeyBar()

    def on_mount(self) -> None:
        """The detail focused, so the arrow keys scroll it."""
        self.query_one("#history-detail-text", TextArea).focus()

    def action_close(self) -> None:
        """Back to the History tab."""
        self.dismiss(None)
