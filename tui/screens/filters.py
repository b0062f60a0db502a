"""The filter dialog: tick the grades, natures, tiers, lifecycles and stages to show."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList, Static

from creditfile.application.customer_index import FILTERABLE
from creditfile.presentation.translation import _
from creditfile.tui.key_order import after_typed_keys
from creditfile.tui.keys import bindings, described
from creditfile.tui.vocabulary import column_title
from creditfile.tui.widgets.footer import KeyBar

Filters = dict[str, frozenset[str]]


class FiltersScreen(ModalScreen[Filters | None]):
    """Tick values per column; returns the filters, or None when cancelled.

    Args:
        lang: ``zh`` or ``en``.
        choices: Per filterable column, ``(value, label)`` pairs in display order.
        current: The filters in force.
    """

    BINDINGS: ClassVar[list[BindingType]] = list(bindings("filters", "en"))

    def __init__(
        self,
        lang: str,
        choices: Mapping[str, Sequence[tuple[str, str]]],
        current: Mapping[str, frozenset[str]],
    ) -> None:
        super().__init__(id="filters")
        self.lang = lang
        self.choices = choices
        self.current = current
        self._bindings = described(self._bindings, lang)

    def compose(self) -> ComposeResult:
        """One ticked list per column, and the buttons."""
        with Vertical(id="filters-box"):
            yield Static(_("Filter customers"), id="filters-title")
            with ScrollableContainer(id="filters-groups"), Horizontal(id="filters-row"):
                for column in FILTERABLE:
                    options = self.choices.get(column, ())
                    if not options:
                        continue
                    chosen = self.current.get(column, frozenset())
                    with Vertical(classes="filter-group"):
                        yield Label(column_title(column), classes="filter-title")
                        yield SelectionList[str](
                            *((label, value, value in chosen) for value, label in options),
                            id=f"filter-{column}",
                        )
            yield Static(
                _("Space ticks, Tab moves between groups, Enter applies, Esc cancels"),
                id="filters-hint",
            )
            with Horizontal(id="filters-buttons"):
                yield Button(_("Apply"), id="filters-apply", variant="primary")
                yield Button(_("Clear all"), id="filters-clear")
                yield Button(_("Cancel"), id="filters-cancel")
        yield KeyBar()

    def on_mount(self) -> None:
        """Start in the first list, on its first value."""
        first = self.query(SelectionList).first()
        first.highlighted = 0
        first.focus()

    def chosen(self) -> Filters:
        """The filters as ticked now (columns with nothing ticked are left out)."""
        result: Filters = {}
        for selection in self.query(SelectionList):
            values = frozenset(str(v) for v in selection.selected)
            if values:
                result[str(selection.id).removeprefix("filter-")] = values
        return result

    @on(Button.Pressed, "#filters-apply")
    @after_typed_keys
    def action_apply(self) -> None:
        """Close and filter by what is ticked."""
        self.dismiss(self.chosen())

    @on(Button.Pressed, "#filters-clear")
    def _clear(self) -> None:
        for selection in self.query(SelectionList):
            selection.deselect_all()

    @on(Button.Pressed, "#filters-cancel")
    def action_cancel(self) -> None:
        """Close without changing the filters."""
        self.dismiss(None)

    def action_enter(self) -> None:
        """Enter presses the focused button, or applies (space ticks in the lists)."""
        if isinstance(self.focused, Button):
            self.focused.press()
        else:
            self.action_apply()
