"""Every key binding with its id, as remapped; the file to remap them in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from creditfile.presentation.translation import N_, _
from creditfile.tui.keys import bindings, described, key_text
from creditfile.tui.vocabulary import HELP_PLACES, named
from creditfile.tui.widgets.footer import KeyBar

# Where each binding id's keys work, by the id's first part.
SCOPES = (
    "app",
    "list",
    "table",
    "card",
    "filters",
    "regrade",
    "portfolio",
    "policy",
    "screen",
    "help",
)

# Keys Textual gives every screen (not remappable): said once, so nobody has to guess them.
FOCUS_ROWS: tuple[tuple[str, str, str], ...] = (
    ("", "tab", N_("Next field or button")),
    ("", "shift+tab", N_("Previous field or button")),
    ("", "down,enter", N_("In a form: next field")),
    ("", "up", N_("In a form: previous field")),
)


def help_rows(lang: str, keys: Sequence[tuple[str, str, str]]) -> list[tuple[str, str, str, str]]:
    """``(where, keys, action, binding id)`` rows grouped by where the keys work, each group
    named once, every key readable, no row twice.

    Args:
        lang: ``zh`` or ``en``.
        keys: ``(binding id, keys, description)`` of every binding, remapped keys applied.
    """
    groups: dict[str, list[tuple[str, str, str]]] = {scope: [] for scope in SCOPES}
    groups["focus"] = [(bid, k, _(text)) for bid, k, text in FOCUS_ROWS]
    for binding_id, keyset, description in keys:
        scope = binding_id.split(".", 1)[0]
        groups.setdefault(scope, []).append((binding_id, keyset, description))
    rows: list[tuple[str, str, str, str]] = []
    for scope in ("focus", *SCOPES, *(g for g in groups if g not in SCOPES and g != "focus")):
        seen: set[tuple[str, str]] = set()
        first = True
        for binding_id, keyset, description in groups.get(scope, []):
            shown = key_text(keyset)
            if (shown, description) in seen:
                continue
            seen.add((shown, description))
            where = named(HELP_PLACES, scope) if first else ""
            rows.append((where, shown, description, binding_id))
            first = False
    return rows


class HelpScreen(ModalScreen[None]):
    """Every key, what it does and its binding id (for ``keys.toml``).

    Args:
        lang: ``zh`` or ``en``.
        keys: ``(binding id, keys, description)`` rows.
        keymap_file: Where keys are remapped.
    """

    BINDINGS: ClassVar[list[BindingType]] = list(bindings("help", "en"))

    def __init__(self, lang: str, keys: Sequence[tuple[str, str, str]], keymap_file: Path) -> None:
        super().__init__(id="help")
        self.lang = lang
        self.keys = keys
        self.keymap_file = keymap_file
        self._bindings = described(self._bindings, lang)

    def compose(self) -> ComposeResult:
        """The heading, the table, the mouse hint."""
        with Vertical(id="help-box"):
            yield Static(
                Text(_("Keys (change them in {path})").format(path=self.keymap_file), style="bold")
            )
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                _(
                    "Esc, F1, ? or q closes this list. The mouse works too: "
                    "click selects, double-click opens, the wheel scrolls."
                ),
                classes="hint",
            )
        yield KeyBar()

    def on_mount(self) -> None:
        """Fill the table."""
        table = self.query_one(DataTable)
        # Each place is a heading row of its own, not a column: at 80 columns a fourth
        # column pushed the binding ids (what keys.toml needs) off the screen.
        table.add_columns(_("Key"), _("Action"), _("Binding id"))
        for where, keys, description, binding_id in help_rows(self.lang, self.keys):
            if where:
                table.add_row(Text(where, style="bold"), "", "")
            table.add_row(keys, description, Text(binding_id, style="dim"))
        table.focus()

    def action_close(self) -> None:
        """Back to where F1 was pressed."""
        self.dismiss(None)
