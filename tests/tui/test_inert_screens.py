"""Terminal escapes in customer data never reach the terminal from the UI: the list and the
card show them escaped, and nothing Textual writes carries one raw."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.segment import Segment
from textual.pilot import Pilot
from textual.strip import Strip

from creditfile.store import Archive
from creditfile.tui.app import create_app
from creditfile.tui.terminal_guard import guard_terminal
from creditfile.tui.widgets.customer_table import CustomerTable

from .conftest import SEED_AS_OF, WUHAN_HONGDA, wait_loaded

NAME = "宏达\x1b]0;pwned\x07\x1b[2J\u202e建设"
# OSC (title, clipboard), BEL, clear screen, bidi override, zero-width space.
RAW = re.compile("\x1b\\]|\x07|\x1b\\[2J|\u202e|\u200b")


def _archive(folder: Path) -> Path:
    doc: dict[str, Any] = {**WUHAN_HONGDA, "name": NAME}
    doc["contact"] = {**doc["contact"], "address": "\x1b]52;c;ZXZpbA==\x07\u200b"}
    doc["trading"] = {"problems": "\x1b]0;note\x07"}
    path = folder / "archive.json"
    Archive.open(path, create=True).import_customers([doc], actor="\x1b]0;actor\x07")
    return path


def _written(pilot: Pilot[None]) -> str:
    """What the app writes to the terminal for its whole screen now."""
    app = pilot.app
    update = app.screen._compositor.render_update(full=True)
    return str(update.render_segments(app.console))


def test_list_and_card_show_escapes_and_write_none(tmp_path: Path) -> None:
    app = create_app(_archive(tmp_path), None, "en", as_of=SEED_AS_OF, actor="tester",
                     keymap_file=tmp_path / "keys.toml")  # fmt: skip
    seen: dict[str, Any] = {}

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_loaded(pilot)
            table = pilot.app.screen.query_one(CustomerTable)
            seen["line"] = table.render_line(0).text
            seen["list"] = _written(pilot)
            await pilot.press("enter")
            await pilot.pause(0.3)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            seen["card"] = _written(pilot)
            seen["screen"] = type(pilot.app.screen).__name__

    asyncio.run(main())
    assert "宏达\\x1b]0;pwned\\x07" in seen["line"]
    assert RAW.search(seen["list"]) is None
    assert seen["screen"] == "CustomerScreen"
    assert RAW.search(seen["card"]) is None
    assert "\\x1b]0;pwned" in seen["card"]


def test_every_line_textual_writes_is_inert() -> None:
    guard_terminal()
    strip = Strip([Segment("a\x1b]0;t\x07b"), Segment("\u202ec\u200b", None)])
    width = strip.cell_length
    assert strip.render(Console()) == "a]0;tbc"
    assert strip.cell_length == width == 7  # the line keeps the width it was laid out with
