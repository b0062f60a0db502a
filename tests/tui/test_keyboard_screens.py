"""The regrade preview and the policy screen without a mouse, at 80×24 (Pilot, real keys).

The regrade preview: the focus starts in the list of changes (the cursor row shows it), ↓ and
Enter open a customer's card and Esc comes back; Tab reaches the two buttons; only ``y`` or
the focused apply button writes, never Enter in the list. The policy screen: the page has the
focus and scrolls with PgDn/End, ``r`` reloads, Esc goes back to the list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Static

from creditfile.store import Archive
from creditfile.tui.card import CustomerScreen
from creditfile.tui.screens.policy_screen import PolicyScreen
from creditfile.tui.screens.regrade import RegradeScreen
from tests.tui.test_keyboard import run_small
from tests.tui.test_screens_flows import app_of, archive_bytes, stricter_policy


async def preview(pilot: Pilot[None], tui: Any) -> RegradeScreen:
    await pilot.press("r")
    await tui.settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RegradeScreen)
    assert screen.preview is not None and screen.preview.changes
    return screen


def focused_id(pilot: Pilot[None]) -> str:
    return str(pilot.app.focused.id) if pilot.app.focused is not None else ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_regrade_preview_walk_opens_changes_reaches_buttons_and_enter_never_writes(
    tui: Any, lang: str
) -> None:
    stricter_policy(tui.folder)
    before = archive_bytes(tui.folder)

    async def steps(pilot: Pilot[None]) -> None:
        screen = await preview(pilot, tui)
        assert screen.preview is not None
        second = screen.preview.changes[1]["id"]
        assert focused_id(pilot) == "regrade-changes"
        await pilot.press("down", "enter")
        await tui.settle(pilot)
        card = pilot.app.screen
        assert isinstance(card, CustomerScreen) and card.draft.customer_id == second
        await pilot.press("escape")
        await tui.settle(pilot)
        assert pilot.app.screen is screen and focused_id(pilot) == "regrade-changes"
        await pilot.press("tab")
        assert focused_id(pilot) == "regrade-apply"
        await pilot.press("tab")
        assert focused_id(pilot) == "regrade-cancel"
        await pilot.press("tab")  # round again: the tables of counts take no focus
        assert focused_id(pilot) == "regrade-changes"
        await pilot.press("shift+tab")
        assert focused_id(pilot) == "regrade-cancel"
        await pilot.press("enter")
        await tui.settle(pilot)
        assert pilot.app.screen is app_of(pilot).list_screen()

    run_small(tui, lang, steps)
    assert archive_bytes(tui.folder) == before


def test_the_apply_button_reached_by_tab_writes_the_regrade(tui: Any) -> None:
    stricter_policy(tui.folder)

    async def steps(pilot: Pilot[None]) -> None:
        screen = await preview(pilot, tui)
        assert screen.preview is not None
        expected = {c["id"]: c["to"] for c in screen.preview.changes}
        await pilot.press("tab")
        assert isinstance(pilot.app.focused, Button)
        await pilot.press("enter")
        await tui.settle(pilot)
        await tui.settle(pilot)
        assert pilot.app.screen is app_of(pilot).list_screen()
        records = Archive.open(Path("archive.json")).records()
        assert {cid: records[cid]["_grading"]["grade"] for cid in expected} == expected

    run_small(tui, "en", steps)


def test_each_change_fits_80_columns_with_grade_and_total_on_both_sides(tui: Any) -> None:
    stricter_policy(tui.folder)

    async def steps(pilot: Pilot[None]) -> None:
        screen = await preview(pilot, tui)
        assert screen.preview is not None
        table = screen.query_one("#regrade-changes", DataTable)
        change = screen.preview.changes[0]
        cells = [str(c) for c in table.get_row(change["id"])]
        assert cells[2] == f"{change['from']} {change['total_before']:.2f}"
        assert cells[4] == f"{change['to']} {change['total']:.2f}"
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        assert widths <= 78
        hint = str(screen.query_one("#regrade-hint", Static).content)
        assert "Enter" in hint and "y" in hint and "Esc" in hint

    run_small(tui, "en", steps)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_policy_screen_scrolls_reloads_and_goes_back_by_keys(tui: Any, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("3")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PolicyScreen)
        body = screen.query_one("#policy-body")
        assert pilot.app.focused is body
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y > 0
        await pilot.press("tab")  # nothing else to reach: the page keeps the keys
        assert pilot.app.focused is body
        pilot.app.clear_notifications()
        await pilot.press("r")
        await tui.settle(pilot)
        assert any("2026.1" in str(n.message) for n in pilot.app._notifications)
        await pilot.press("escape")
        await tui.settle(pilot)
        assert pilot.app.screen is app_of(pilot).list_screen()

    run_small(tui, lang, steps)
