"""The last guard between customer data and the terminal: nothing Textual draws carries a
control, bidirectional or invisible character.

Screens show such characters escaped (``\\x1b``) where they draw customer data themselves (the
list, the card's header); this guard catches whatever reaches the screen another way (a
widget's own rendering of a value, a field being edited). Each such character takes no cell on
a terminal, so removing it as a line is written keeps the line as wide as Textual laid it out.
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from textual.strip import Strip

from creditfile.presentation.inert import terminal_safe, without_unsafe

__all__ = ["guard_terminal", "inert_segments"]


def inert_segments(segments: list[Segment]) -> list[Segment]:
    """``segments`` with every unsafe character removed from their text (styles kept)."""
    return [
        segment
        if terminal_safe(segment.text)
        else segment._replace(text=without_unsafe(segment.text))
        for segment in segments
    ]


def guard_terminal() -> None:
    """Make every line Textual writes pass its text through :func:`inert_segments` (once)."""
    render = Strip.render
    if getattr(render, "inert", False):
        return

    def inert_render(strip: Strip, console: Console) -> str:
        # Strip.render is where Textual turns text and styles into the bytes it writes.
        segments = strip._segments
        if strip._render_cache is None and not all(terminal_safe(s.text) for s in segments):
            strip._segments = inert_segments(segments)
        return render(strip, console)

    inert_render.inert = True  # type: ignore[attr-defined]
    Strip.render = inert_render  # type: ignore[method-assign,assignment]
