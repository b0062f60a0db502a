"""The command palette speaks the interface language, its "no matches" line too."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console
from textual.command import CommandList
from textual.pilot import Pilot

NO_MATCHES = {"en": "No matches found", "zh": "没有匹配的命令"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_search_that_matches_no_command_says_so_in_the_language(tui: Any, lang: str) -> None:
    seen: list[str] = []

    async def steps(pilot: Pilot[None]) -> None:
        await tui.settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"qqzzxx")
        for _ in range(100):  # the line comes half a second after the last key
            await pilot.pause(0.05)
            options = pilot.app.screen.query_one(CommandList).options
            if any(option.disabled for option in options):
                break
        console = Console(width=60, record=True)
        for option in options:
            console.print(option.prompt)
        seen.append(console.export_text())

    tui.run(tui.make_app(lang), steps, size=(80, 24))
    assert NO_MATCHES[lang] in seen[0], seen
    assert lang == "en" or "No matches" not in seen[0]
