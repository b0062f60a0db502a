"""The card's demand request: a leased item, the quantity and the date wanted, kept for priority
supply with the same checks as ``creditfile demand add``."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from creditfile.application.allocation import DemandError
from creditfile.document import field_catalogue
from creditfile.policy import CreditfileError
from creditfile.presentation.translation import N_, _, error_text, language
from creditfile.tui.card.backend import CardBackend
from creditfile.tui.card.modals import DIALOG_CSS
from creditfile.tui.key_order import after_typed_keys
from creditfile.tui.keys import translated
from creditfile.tui.widgets.footer import KeyBar

DEMAND_CSS = (
    DIALOG_CSS.format(name="DemandDialog")
    + """
DemandDialog > Vertical { padding: 0 1; max-height: 100%; }
DemandDialog .dialog-title { margin: 0; }
DemandDialog .demand-row { height: 1; margin: 1 0 0 0; }
DemandDialog .demand-row Label { width: 20; }
DemandDialog .demand-row Input, DemandDialog .demand-row Select { width: 1fr; }
DemandDialog #demand-problems { height: auto; margin: 1 0 0 0; color: $error; }
DemandDialog .dialog-buttons { height: 1; margin: 1 0 0 0; }
"""
)

DEMAND_FIELDS = {
    "quantity": N_("Quantity"),
    "wanted": N_("Wanted on"),
    "note": N_("Note"),
}


class DemandDialog(ModalScreen[dict[str, Any] | None]):
    """Keep one demand request of this customer; ctrl+s keeps it, Esc leaves.

    Args:
        backend: The card's backend (checks and keeps the request).
        customer_id: The customer asking.
        name: Its name, for the title.
    """

    DEFAULT_CSS = DEMAND_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", N_("Keep request"), priority=True, id="card.demand.keep"),
        Binding("escape", "cancel", N_("Cancel"), id="card.demand.cancel"),
    ]

    def __init__(self, backend: CardBackend, customer_id: str, name: str) -> None:
        super().__init__(id="demand-dialog")
        self._backend = backend
        self._customer_id = customer_id
        self._name = name
        self._keeping = False
        self._bindings = translated(self._bindings)

    def compose(self) -> ComposeResult:
        """The item, quantity, date wanted and note; the problems; the buttons."""
        shown = self._backend.policy.in_language(language())
        # Staff pick a leased item by the name they know; the key stays behind the choice.
        items = [(label or key, key) for key, label in shown.item_categories.items()]
        with Vertical():
            yield Label(
                _("Demand request · {id} {name}").format(id=self._customer_id, name=self._name),
                classes="dialog-title",
            )
            with Horizontal(classes="demand-row"):
                yield Label(field_catalogue()["leases[].item"].label.text(language()))
                yield Select(items, id="demand-item", allow_blank=False, compact=True)
            for key, text in DEMAND_FIELDS.items():
                with Horizontal(classes="demand-row"):
                    yield Label(_(text))
                    yield Input(id=f"demand-{key}", compact=True)
            yield Static("", id="demand-problems")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Keep request"), id="demand-ok", variant="primary", compact=True)
                yield Button(_("Cancel"), id="demand-cancel", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        """Start at the quantity: an item is chosen already."""
        self.query_one("#demand-wanted", Input).placeholder = "YYYY-MM-DD"
        self.query_one("#demand-quantity", Input).focus()

    @on(Button.Pressed, "#demand-ok")
    @after_typed_keys
    def action_submit(self) -> None:
        """Check and keep the request; what is wrong is shown in the dialog."""
        if self._keeping:
            return
        self._keeping = True
        item = str(self.query_one("#demand-item", Select).value)
        quantity, wanted, note = (
            self.query_one(f"#demand-{key}", Input).value for key in DEMAND_FIELDS
        )
        self._keep(item, quantity, wanted, note)

    @work(thread=True, exclusive=True, group="card-demand")
    def _keep(self, item: str, quantity: str, wanted: str, note: str) -> None:
        try:
            kept = self._backend.add_demand(self._customer_id, item, quantity, wanted, note)
        except DemandError as exc:
            self.app.call_from_thread(self._refused, "\n".join(exc.problems))
            return
        except CreditfileError as exc:
            self.app.call_from_thread(self._refused, error_text(exc))
            return
        self.app.call_from_thread(self.dismiss, kept)

    def _refused(self, message: str) -> None:
        self._keeping = False
        self.query_one("#demand-problems", Static).update(message)

    @on(Button.Pressed, "#demand-cancel")
    def action_cancel(self) -> None:
        """Leave without keeping anything."""
        self.dismiss(None)
