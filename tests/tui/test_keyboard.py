"""The interface without a mouse: whole tasks driven by real key presses (Pilot), at 80×24.

Every step presses the keys a clerk would press: Tab and Shift+Tab between fields, Enter to
open a list of choices and take one, digits inside number fields, ``x`` and its question.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Tabs

from creditfile.store import Archive
from creditfile.tui.app import CreditfileApp
from creditfile.tui.card import CustomerScreen

NAME = "键盘录入建设有限公司"


def run_small(tui: Any, lang: str, steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    """Drive the whole app at 80×24 once the archive is loaded."""
    app = tui.make_app(lang)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await tui.wait_loaded(pilot)
            await steps(pilot)

    asyncio.run(main())


def focused_id(pilot: Pilot[None]) -> str:
    focused = pilot.app.focused
    return str(focused.id) if focused is not None else ""


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` key by key into whatever has the focus."""
    await pilot.press(*text)


async def until(pilot: Pilot[None], done: Callable[[], bool], what: str) -> None:
    for _ in range(300):
        if done():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def to_tab(pilot: Pilot[None], card: CustomerScreen, section: str) -> None:
    """From a field, Shift+Tab back to the tab bar, then ←/→ to the tab wanted."""
    for _ in range(20):
        if isinstance(pilot.app.focused, Tabs):
            break
        await pilot.press("shift+tab")
    assert isinstance(pilot.app.focused, Tabs), "Shift+Tab never reached the tab bar"
    for _ in range(12):
        if card.query_one("TabbedContent").active == f"tab-{section}":  # type: ignore[attr-defined]
            return
        await pilot.press("right")
    raise AssertionError(f"→ never reached the {section} tab")


async def choose(pilot: Pilot[None], steps_down: int) -> None:
    """On a choice field: Enter opens the list, ↓ moves in it, Enter takes the choice."""
    await pilot.press("enter", *["down"] * steps_down, "enter")


def stored(folder: Path, customer_id: str) -> dict[str, Any]:
    found = Archive.open(folder / "archive.json").get(customer_id)
    assert found is not None, f"{customer_id} is not in the archive"
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_whole_customer_is_created_and_found_again_without_the_mouse(tui: Any, lang: str) -> None:
    """New customer, two leases, a source and an assessment, saved, then found by search."""
    ids: dict[str, str] = {}

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CreditfileApp)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen), "the new card")
        card = app.screen
        assert isinstance(card, CustomerScreen)
        await tui.settle(pilot)
        ids["new"] = card.draft.customer_id
        # The next free id comes filled in: typing starts at the name, the id one Shift+Tab
        # away.
        assert focused_id(pilot) == "f-name"
        await pilot.press("shift+tab")
        assert focused_id(pilot) == "f-id"

        # Basic data: Tab from field to field; what is typed lands where the focus is.
        await pilot.press("tab")
        assert focused_id(pilot) == "f-name"
        await type_text(pilot, NAME)
        await pilot.press("tab")
        assert focused_id(pilot) == "f-nature"
        await choose(pilot, 4)  # (blank), 政府机构, 政府投资公司, 央企, 开发商
        assert card.query_one("#f-nature", Select).value == "developer"
        await pilot.press("down")  # ↓ goes on to the next field, like Tab
        assert focused_id(pilot) == "f-credit_code"
        await type_text(pilot, "91350100M000100Y43")
        await pilot.press("tab")
        assert focused_id(pilot) == "f-contact--address"
        await type_text(pilot, "武汉市解放大道1号")
        await pilot.press("tab")
        assert focused_id(pilot) == "f-contact--phone"
        await type_text(pilot, "02785551234")  # digits in a field never switch screens
        assert app.current_mode == "list" and app.screen is card
        await pilot.press("shift+tab", "up", "up")
        assert focused_id(pilot) == "f-nature"  # Shift+Tab and ↑ go back
        assert card.query_one("#f-credit_code", Input).value == "91350100M000100Y43"
        assert card.query_one("#f-name", Input).value == NAME
        assert card.query_one("#f-contact--phone", Input).value == "02785551234"

        # Screen keys wait while there are unsaved edits (the focus on the tab bar now).
        await to_tab(pilot, card, "basic")
        await pilot.press("2")
        await pilot.pause()
        assert app.current_mode == "list" and app.screen is card
        assert any("unsaved" in str(n.message) or "未保存" in str(n.message)
                   for n in app._notifications)  # fmt: skip

        # Two leases: a on the leases tab opens the form; Enter goes from field to field.
        for contract, amount, steps_down in (("K2026-001", "500000", 1), ("K2026-002", "80000", 3)):
            await to_tab(pilot, card, "leases")
            await pilot.press("a")
            await until(pilot, lambda: app.screen.id == "lease-dialog", "the lease form")
            assert focused_id(pilot) == "dlg-f-contract"
            await type_text(pilot, contract)
            await pilot.press("enter")
            assert focused_id(pilot) == "dlg-f-item"
            await choose(pilot, steps_down)
            await pilot.press("tab", "tab", "tab")  # start (today), end, amount
            assert focused_id(pilot) == "dlg-f-amount"
            await type_text(pilot, amount)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: app.screen is card, "the lease form to close")
        table = card.query_one("#leases-table", DataTable)
        assert table.row_count == 2
        assert [lease["contract"] for lease in card.draft.leases] == ["K2026-001", "K2026-002"]

        # A source: the customer filled in a form.
        await to_tab(pilot, card, "sources")
        await pilot.press("a")
        await until(pilot, lambda: app.screen.id == "source-dialog", "the source form")
        assert focused_id(pilot) == "dlg-f-kind"
        await choose(pilot, 1)  # salesperson visit → customer form
        for _ in range(6):  # Tab on to OK, then Enter presses it
            if focused_id(pilot) == "dialog-ok":
                break
            await pilot.press("tab")
        assert focused_id(pilot) == "dialog-ok"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is card, "the source form to close")
        assert [s["kind"] for s in card.draft.sources] == ["customer_form"]

        # The assessment: scores typed digit by digit, "20" included.
        await to_tab(pilot, card, "assessment")
        await pilot.press("tab")
        assert focused_id(pilot) == "f-assessment--strength"
        for score in ("8", "12", "20", "27", "8"):
            await type_text(pilot, score)
            await pilot.press("tab")
        assert app.current_mode == "list" and app.screen is card
        assert card.draft.value("assessment.reputation") == 20

        await pilot.press("ctrl+s")
        await tui.settle(pilot)
        await until(pilot, lambda: not card.draft.dirty, "the save")
        saved = stored(tui.folder, ids["new"])
        assert saved["name"] == NAME
        assert saved["nature"] == "developer"
        assert saved["credit_code"] == "91350100M000100Y43"
        assert saved["contact"]["phone"] == "02785551234"
        assert [(x["contract"], x["amount"]) for x in saved["leases"]] == [
            ("K2026-001", 500000),
            ("K2026-002", 80000),
        ]
        assert saved["sources"][0]["kind"] == "customer_form"
        assert saved["assessment"]["reputation"] == 20

        # Found again: Esc back to the list, / and the name, Enter twice.
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.list_screen(), "the list")
        await pilot.press("slash")
        await type_text(pilot, "键盘录入")
        await pilot.press("enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen), "the card again")
        again = app.screen
        assert isinstance(again, CustomerScreen)
        assert again.draft.customer_id == ids["new"]

    run_small(tui, lang, steps)


def test_cancelling_a_lease_asks_first_and_esc_keeps_it(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("slash", *"hongda", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen), "the card")
        card = app.screen
        assert isinstance(card, CustomerScreen)
        await tui.settle(pilot)
        await pilot.press("tab")  # the tab bar
        await to_tab(pilot, card, "leases")
        await pilot.press("x")
        await until(pilot, lambda: app.screen.id == "cancel-lease-dialog", "the question")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card, "the card")
        assert not card.draft.dirty
        await pilot.press("x")
        await until(pilot, lambda: app.screen.id == "cancel-lease-dialog", "the question")
        await pilot.press("tab", "enter")
        await until(pilot, lambda: app.screen is card, "the card")
        assert card.draft.leases[0]["status"] == "cancelled"

    run_small(tui, "en", steps)


def test_tab_moves_through_the_filter_groups_in_order(tui: Any) -> None:
    """Tab goes from one group to the next, as the hint says; Space ticks the right one."""

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("f")
        await until(pilot, lambda: app.screen.id == "filters", "the filters")
        order = [focused_id(pilot)]
        for _ in range(8):
            await pilot.press("tab")
            order.append(focused_id(pilot))
        assert order[:3] == ["filter-grade", "filter-nature", "filter-tier"]
        assert "filters-apply" in order
        await pilot.press("shift+tab")
        assert focused_id(pilot) == order[-2]
        # Back to the natures: the first one ticked, not a grade.
        while focused_id(pilot) != "filter-nature":
            await pilot.press("shift+tab")
        await pilot.press("space", "enter")
        await until(pilot, lambda: app.screen is app.list_screen(), "the list")  # type: ignore[attr-defined]
        screen = app.list_screen()  # type: ignore[attr-defined]
        assert set(screen.query_state.filters) == {"nature"}

    run_small(tui, "en", steps)


def test_digits_switch_screens_only_outside_fields(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("slash", "2", "0")
        assert app.current_mode == "list"  # typed into the search box
        assert app.list_screen().query_one("#search", Input).value == "20"  # type: ignore[attr-defined]
        await pilot.press("escape", "2")
        await tui.settle(pilot)
        assert app.current_mode == "portfolio"
        await pilot.press("1")
        assert app.current_mode == "list"

    run_small(tui, "en", steps)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_and_palette_list_each_action_once_with_readable_keys(tui: Any, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CreditfileApp)
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert len(titles) == len(set(titles)), titles
        for command in commands:
            assert "question_mark" not in command.help and "," not in command.help, command
        await pilot.press("f1")
        table = app.screen.query_one(DataTable)
        shown_rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        # A place is a heading row of its own (its name, nothing else); the rows under it
        # are its keys: (key, action, binding id).
        rows, group = [], ""
        for first, action, binding in shown_rows:
            if not action and not binding:
                group = first
                continue
            rows.append((group, first, action, binding))
        keys = [row[1] for row in rows]
        for shown in keys:
            assert "_" not in shown and "question_mark" not in shown and "ctrl+" not in shown
        assert "F1 · ?" in keys and "Ctrl+Q" in keys and "Tab" in keys and "Shift+Tab" in keys
        pairs = set()
        for group, key, action, _binding in rows:
            assert group, (key, action)  # every key sits under a place
            assert (group, key, action) not in pairs, (group, key, action)
            pairs.add((group, key, action))
        actions = [row[2] for row in rows]
        next_view = "Next view" if lang == "en" else "下一维度"
        assert actions.count(next_view) == 1

    run_small(tui, lang, steps)
