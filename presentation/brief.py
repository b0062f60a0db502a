"""Text shortened to one line of a given width, measured in terminal cells as people see it."""

from __future__ import annotations

from rich.cells import cell_len

ELLIPSIS = "…"


def one_line(text: str, width: int) -> str:
    """``text`` as one line of at most ``width`` terminal cells (a CJK character takes two).

    A text of several lines keeps its first and ends in ``…``; a line too long is cut before
    the character that would pass the width (never inside one) and ends in ``…``.

    Args:
        text: Any text, possibly of several lines.
        width: The most cells the result may take (at least 1).
    """
    lines = text.splitlines() or [""]
    first = lines[0].rstrip()
    more = len(lines) > 1
    if not more and cell_len(first) <= width:
        return first
    room = max(0, width - cell_len(ELLIPSIS))
    kept: list[str] = []
    used = 0
    for char in first:
        size = cell_len(char)
        if used + size > room:
            break
        kept.append(char)
        used += size
    return "".join(kept).rstrip() + ELLIPSIS
