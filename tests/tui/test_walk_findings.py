"""What a new user met walking the staff UI by keyboard at 80×24, each pinned by real keys."""

from __future__ import annotations

from typing import Any

import pytest
from test_keyboard import choose, focused_id, run_small, to_tab, type_text, until
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList

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


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_filters_show_every_value_whole(tui: Any, lang: str, size: tuple[int, int]) -> None:
    """f opens the filters: each value reads whole ("State-funded", "政府投资公司", not
    "Stat…"), and Tab brings each group whole into sight, however narrow the terminal."""

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("f")
        await until(pilot, lambda: app.screen.id == "filters", "the filters")
        dialog = app.screen
        await tui.settle(pilot)
        groups = list(dialog.query(SelectionList))
        assert len(groups) >= 5
        view = dialog.query_one("#filters-groups")
        for index, group in enumerate(groups):
            if index:
                await pilot.press("tab")
                await tui.settle(pilot)
            assert app.focused is group
            assert view.region.contains_region(group.region), f"{group.id} is out of sight"
            for line in range(group.option_count):
                label = str(group.get_option_at_index(line).prompt)
                shown = group.render_line(line).text
                assert label in shown, f"{label!r} is cut: {shown!r}"

    tui.run(tui.make_app(lang), steps, size=size)
