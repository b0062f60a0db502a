"""The key bar at the foot of every screen: whole keys only, however narrow the terminal."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

# Below this many columns the bar drops the padding around each key, so that more keys fit.
COMPACT_BELOW = 120

PALETTE_CLASS = "-command-palette"
"""The class Textual's footer gives the command palette's key (docked on the right)."""


def outer_width(widget: Widget, viewport: Size) -> int:
    """The cells ``widget`` takes on a line as its styles lay it out: its content, padding and
    border, and its margins."""
    styles = widget.styles
    content = widget.get_content_width(viewport, viewport)
    return content + styles.gutter.width + styles.margin.width


class KeyBar(Footer):
    """Textual's footer, compact on a narrow terminal, showing only the keys that fit whole.

    Textual's own bar cuts the last keys off at the right edge (``q Quote  ^▏``); here keys
    are left out from the end instead, the command palette's always kept: every key stays
    listed in the help (F1) and the palette (Ctrl+P). Each key is measured as its styles lay it
    out (padding, border, margins), so the bar follows Textual's CSS for the footer.

    While another screen is on top (a dialog, the command palette), the bar shows nothing:
    the keys it names belong to its own screen and do nothing then. A dialog names its own
    keys in a bar of its own.
    """

    DEFAULT_CSS = """
    KeyBar.-covered, KeyBar.-covered > * { visibility: hidden; }
    """

    _composed_for = 0

    def compose(self) -> ComposeResult:
        """The footer's keys, hidden until measured (``fit_keys`` shows those that fit)."""
        self._composed_for = self.app.size.width
        for key in super().compose():
            key.display = key.has_class(PALETTE_CLASS)
            yield key

    async def recompose(self) -> None:
        """Compose the keys again and show, in one refresh, those that fit whole."""
        async with self.batch():
            await super().recompose()
            self.fit_keys()

    def fit_keys(self) -> None:
        """Show the keys that fit whole on the line, in order, after room for the palette's;
        the others are left out from the first that does not fit."""
        width = self.app.size.width
        viewport = Size(width, 1)
        keys = list(self.children)
        palette = [k for k in keys if k.has_class(PALETTE_CLASS)]
        room = width - sum(outer_width(k, viewport) for k in palette)
        x, gap, fits = 0, 0, True
        for key in keys:
            if key in palette:
                continue
            styles = key.styles
            # Adjacent margins overlap in a horizontal layout: the larger one separates keys.
            x += max(gap, styles.margin.left)
            inner = key.get_content_width(viewport, viewport) + styles.gutter.width
            fits = fits and x + inner <= room
            key.display = fits
            x += inner
            gap = styles.margin.right

    def on_mount(self) -> None:
        """Follow which screen is on top (the bar's keys are its screen's alone), and show
        the keys once mounted: a dialog may have set its focus before the bar listened."""
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self.call_after_refresh(self.screen.refresh_bindings)

    def on_unmount(self) -> None:
        """Stop following the screens."""
        self.app.screen_change_signal.unsubscribe(self)

    def _screen_changed(self, top: Screen[object]) -> None:
        self.set_class(top is not self.screen, "-covered")

    def on_resize(self, event: events.Resize) -> None:
        """Compact below ``COMPACT_BELOW`` columns; choose the keys that fit again."""
        width = self.app.size.width
        self.compact = width < COMPACT_BELOW
        if width != self._composed_for:
            self.call_after_refresh(self.recompose)
