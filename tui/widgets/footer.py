"""The key bar at the foot of every screen: whole keys only, however narrow the terminal."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Below this many columns the bar drops the padding around each key, so that more keys fit.
COMPACT_BELOW = 120


def key_width(key: FooterKey, *, compact: bool) -> int:
    """The cells a key takes in the bar (its key, its description and the space around)."""
    from rich.cells import cell_len

    text = cell_len(key.key_display) + cell_len(key.description)
    if key.has_class("-command-palette"):
        return text + 5  # its padding and the rule on its left
    return text + (2 if compact else 3)


class KeyBar(Footer):
    """Textual's footer, compact on a narrow terminal, showing only the keys that fit whole.

    Textual's own bar cuts the last keys off at the right edge (``q Quote  ^▏``); here keys
    are left out from the end instead, the command palette's always kept: every key stays
    listed in the help (F1) and the palette (Ctrl+P).
    """

    _composed_for = 0

    def compose(self) -> ComposeResult:
        """The footer's keys, as many as fit whole, in order; the palette's last."""
        width = self._composed_for = self.app.size.width
        compact = width < COMPACT_BELOW
        keys = list(super().compose())
        palette = [k for k in keys if isinstance(k, FooterKey) and k.has_class("-command-palette")]
        room = width - sum(key_width(k, compact=compact) for k in palette)
        for key in keys:
            if key in palette:
                continue
            need = key_width(key, compact=compact) if isinstance(key, FooterKey) else 0
            if need > room:
                break
            room -= need
            yield key
        yield from palette

    def on_resize(self, event: events.Resize) -> None:
        """Compact below ``COMPACT_BELOW`` columns; choose the keys that fit again."""
        width = self.app.size.width
        self.compact = width < COMPACT_BELOW
        if width != self._composed_for:
            self.call_after_refresh(self.recompose)
