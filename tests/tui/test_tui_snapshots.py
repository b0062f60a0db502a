"""SVG snapshots of every screen at 120×40, in Chinese and in English, on the seeded archive.

Update after an intended change with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

LANGS = ("zh", "en")
SIZE = (120, 40)


async def no_blink(pilot: Pilot[None]) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


def keys(*pressed: str) -> Callable[[Any], Callable[[Pilot[None]], Awaitable[None]]]:
    """Wait for the archive, press ``pressed``, let the workers finish, clear the toasts."""

    def make(tui: Any) -> Callable[[Pilot[None]], Awaitable[None]]:
        async def run_before(pilot: Pilot[None]) -> None:
            await tui.wait_loaded(pilot)
            await no_blink(pilot)
            for key in pressed:
                await pilot.press(key)
                await tui.settle(pilot)
            await no_blink(pilot)
            pilot.app.clear_notifications()
            await tui.settle(pilot)

        return run_before

    return make


SCREENS = {
    "list": keys(),
    "search": keys("slash", *"wuhan", "enter", "j"),
    "sorted": keys("s", "s", "s", "s", "S"),
    "filters": keys("f", "space"),
    "regrade": keys("r"),
    "portfolio": keys("2"),
    "portfolio_items": keys("2", "b"),
    "policy": keys("3"),
    "review": keys("4"),
    "help": keys("f1"),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(snap_compare: Any, tui: Any, screen: str, lang: str) -> None:
    app = tui.make_app(lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=SCREENS[screen](tui))
