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

from creditfile.tui.i18n import t
from creditfile.tui.keys import bindings, bindings_map


def key_text(keys: str) -> str:
    """Keys as people write them: ``slash,ctrl+f`` → ``/ ctrl+f``."""
    names = {
        "slash": "/",
        "question_mark": "?",
        "escape": "Esc",
        "enter": "Enter",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "home": "Home",
        "end": "End",
        "down": "↓",
        "up": "↑",
        "left": "←",
        "right": "→",
        "f1": "F1",
    }
    return " ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))


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
        self._bindings = bindings_map("help", lang)

    def compose(self) -> ComposeResult:
        """The heading, the table, the mouse hint."""
        with Vertical(id="help-box"):
            yield Static(Text(t(self.lang, "help.heading", path=self.keymap_file), style="bold"))
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(t(self.lang, "help.mouse"), classes="hint")

    def on_mount(self) -> None:
        """Fill the table."""
        table = self.query_one(DataTable)
        table.add_columns(
            t(self.lang, "help.col.key"),
            t(self.lang, "help.col.action"),
            t(self.lang, "help.col.id"),
        )
        for binding_id, keys, description in self.keys:
            table.add_row(key_text(keys), description, binding_id)
        table.focus()

    def action_close(self) -> None:
        """Back to where F1 was pressed."""
        self.dismiss(None)
