"""What a new user met walking the staff UI by keyboard at 80×24, each pinned by real keys."""

from __future__ import annotations

from typing import Any

import pytest
from test_keyboard import choose, focused_id, run_small, to_tab, type_text, until
from textual.pilot import Pilot
from textual.widgets import Input

from creditfile.tui.app import CreditfileApp
from creditfile.tui.card import CustomerScreen
from creditfile.tui.card.form import FieldRow, SectionForm


async def open_first_card(pilot: Pilot[None]) -> CustomerScreen:
    """Enter on the list's first row: its card."""
    app = pilot.app
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CustomerScreen), "the card")
    card = app.screen
    assert isinstance(card, CustomerScreen)
    await pilot.pause()
    return card


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ok_on_a_lease_with_a_field_to_correct_out_of_sight_shows_that_field(
    tui: Any, lang: str
) -> None:
    """At 80×24 the lease form scrolls: OK with the start date cleared (scrolled out of sight
    by then) moves to the start date, with its message, instead of seeming to do nothing."""

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CreditfileApp)
        card = await open_first_card(pilot)
        await to_tab(pilot, card, "leases")
        await pilot.press("a")
        await until(pilot, lambda: app.screen.id == "lease-dialog", "the lease form")
        dialog = app.screen
        await type_text(pilot, "K-80x24")
        await pilot.press("tab")
        await choose(pilot, 1)
        await pilot.press("tab")
        assert focused_id(pilot) == "dlg-f-start"
        await pilot.press("end", "ctrl+u")
        assert dialog.query_one("#dlg-f-start", Input).value == ""
        for _ in range(12):
            if focused_id(pilot) == "dialog-ok":
                break
            await pilot.press("tab")
        assert focused_id(pilot) == "dialog-ok"
        start = dialog.query_one("#dlg-f-start")
        start_row = next(a for a in start.ancestors if isinstance(a, FieldRow))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # refused: nothing added
        assert focused_id(pilot) == "dlg-f-start"
        assert start_row.has_class("-invalid")
        form = dialog.query_one(SectionForm)
        assert form.region.contains_region(start.region)  # scrolled into sight

    run_small(tui, lang, steps)
