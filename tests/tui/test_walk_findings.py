"""What a new user met walking the staff UI by keyboard at 80×24, each pinned by real keys."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from test_keyboard import choose, focused_id, run_small, to_tab, type_text, until
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList

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


def screen_lines(pilot: Pilot[None]) -> list[str]:
    """The terminal's lines as the user sees them now (dialogs, toasts and the key bar)."""
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def run_seen(tui: Any, lang: str, steps: Any, size: tuple[int, int] = (80, 24)) -> None:
    """Drive the whole app with its notices (toasts) shown, as in a terminal."""
    app = tui.make_app(lang)

    async def main() -> None:
        async with app.run_test(size=size, notifications=True) as pilot:
            await tui.wait_loaded(pilot)
            await steps(pilot)

    asyncio.run(main())


EDITING_HINT = {"en": "Editing: Ctrl+S saves", "zh": "编辑模式"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_editing_notice_goes_when_editing_ends(tui: Any, lang: str) -> None:
    """e says "Editing: Ctrl+S saves, Esc leaves"; once Esc has left the card, or the edit is
    saved, the notice is no longer on screen (at 80×24 it covered the list's status line and
    the card's e-mail field)."""
    hint = EDITING_HINT[lang]

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CreditfileApp)
        await open_first_card(pilot)
        await pilot.press("e")
        await until(pilot, lambda: hint in "".join(screen_lines(pilot)), "the editing notice")
        await pilot.press("escape")  # nothing changed: straight back to the list
        await until(pilot, lambda: app.screen is app.list_screen(), "the list")
        await pilot.pause(0.2)
        assert hint not in "".join(screen_lines(pilot))

        card = await open_first_card(pilot)
        await pilot.press("e")
        await until(pilot, lambda: hint in "".join(screen_lines(pilot)), "the editing notice")
        await type_text(pilot, "x")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not card.editing, "the save")
        await pilot.pause(0.2)
        shown = "".join(screen_lines(pilot))
        assert hint not in shown
        assert card.draft.customer_id in shown  # "Saved C000001 (revision 2)" is shown

    run_seen(tui, lang, steps)


def app_focused_in(pilot: Pilot[None], pane: Any) -> bool:
    focused = pilot.app.focused
    return focused is not None and pane in focused.ancestors


def key_bar(pilot: Pilot[None]) -> str:
    return screen_lines(pilot)[-1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_dialog_s_key_bar_shows_its_own_keys_only(tui: Any, lang: str) -> None:
    """With a dialog open, the bar at the foot names the dialog's keys, never the list's or
    the card's underneath (which do nothing while the dialog is open)."""
    zh = lang == "zh"

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        list_bar = key_bar(pilot)
        assert ("筛选" if zh else "Filters") in list_bar

        await pilot.press("f")
        await until(pilot, lambda: app.screen.id == "filters", "the filters")
        await tui.settle(pilot)
        bar = key_bar(pilot)
        assert ("应用" if zh else "Apply") in bar and ("取消" if zh else "Cancel") in bar
        assert ("搜索" if zh else "Search") not in bar and ("排序" if zh else "Sort") not in bar
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.list_screen(), "the list")

        await pilot.press("ctrl+p")  # the command palette: the list's keys type into it
        await until(pilot, lambda: app.screen is not app.list_screen(), "the palette")
        await tui.settle(pilot)
        assert ("筛选" if zh else "Filters") not in key_bar(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.list_screen(), "the list")
        await pilot.pause(0.2)
        assert key_bar(pilot) == list_bar

        card = await open_first_card(pilot)
        await to_tab(pilot, card, "leases")
        await pilot.press("a")
        await until(pilot, lambda: app.screen.id == "lease-dialog", "the lease form")
        await tui.settle(pilot)
        bar = key_bar(pilot)
        assert ("确定" if zh else "OK") in bar and ("取消" if zh else "Cancel") in bar
        assert ("结束租赁" if zh else "Close lease") not in bar
        assert ("退出" if zh else "Quit") not in bar
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card, "the card")

        await pilot.press("x")  # cancel the lease under the cursor: asks first
        await until(pilot, lambda: app.screen.id == "cancel-lease-dialog", "the question")
        await tui.settle(pilot)
        bar = key_bar(pilot)
        assert ("不取消" if zh else "Keep the lease") in bar
        assert ("结束租赁" if zh else "Close lease") not in bar
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card, "the card")

        await to_tab(pilot, card, "basic")
        await pilot.press("e")
        await until(pilot, lambda: card.editing, "editing")
        await type_text(pilot, "x")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen.id == "unsaved-dialog", "the question")
        await tui.settle(pilot)
        bar = key_bar(pilot)
        assert ("继续编辑" if zh else "Keep editing") in bar
        assert ("保存" if zh else "Save") not in bar
        assert ("返回" if zh else "Back") not in bar
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card, "the card")
        await pilot.pause(0.2)
        assert ("保存" if zh else "Save") in key_bar(pilot)  # the card's bar is back

    run_small(tui, lang, steps)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ctrl_pgdn_turns_the_tab_while_editing_and_the_key_bar_says_so(tui: Any, lang: str) -> None:
    """While editing, ] is typed into the field; Ctrl+PgDn and Ctrl+PgUp turn the tab from
    inside a field, and the key bar names Ctrl+PgDn there (] where ] works)."""
    next_tab = "下一页签" if lang == "zh" else "Next tab"

    async def steps(pilot: Pilot[None]) -> None:
        card = await open_first_card(pilot)
        tabs = card.query_one("TabbedContent")
        assert "] " + next_tab in key_bar(pilot)  # on the tab bar, ] works
        await pilot.press("e")
        await until(pilot, lambda: focused_id(pilot) == "f-name", "the name field")
        await tui.settle(pilot)
        name = card.query_one("#f-name", Input)
        before = name.value
        await pilot.press("end", "]")
        assert name.value == before + "]"  # typed, as text
        assert tabs.active == "tab-basic"  # type: ignore[attr-defined]
        assert "^pgdn " + next_tab in key_bar(pilot)
        assert "] " + next_tab not in key_bar(pilot)
        await pilot.press("ctrl+pagedown")
        await until(pilot, lambda: tabs.active == "tab-characteristics", "the next tab")  # type: ignore[attr-defined]
        await tui.settle(pilot)
        pane = tabs.active_pane  # type: ignore[attr-defined]
        assert app_focused_in(pilot, pane)  # what is typed next lands in the tab shown
        await pilot.press("ctrl+pageup", "ctrl+pageup")
        await until(pilot, lambda: tabs.active == "tab-history", "the tab before the first")  # type: ignore[attr-defined]
        assert card.editing and card.draft.value("name") == before + "]"

    run_small(tui, lang, steps)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_palette_s_search_box_speaks_the_interface_language(
    tui: Any, lang: str
) -> None:
    """Ctrl+P: the palette's search box asks in the interface's language."""
    asked = "搜索命令" if lang == "zh" else "Search for commands"

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("ctrl+p")
        await until(pilot, lambda: app.screen is not app.list_screen(), "the palette")
        await tui.settle(pilot)
        shown = "\n".join(screen_lines(pilot))
        assert asked in shown
        assert lang == "en" or "Search for commands" not in shown

    run_small(tui, lang, steps)


LONG_BY = "中诚信资信评估有限公司"  # 22 cells


def _with_an_agency_source(tui: Any) -> str:
    """武汉宏达建设 with an agency's investigation by a long company name, and a note."""
    from creditfile.store import Archive

    doc = copy.deepcopy(tui.hongda)
    doc["sources"] = [
        *doc["sources"],
        {"kind": "agency_investigation", "on": "2026-09-24", "by": LONG_BY, "cost": 14000,
         "verified": True, "note": "年度资信调查报告"},
    ]  # fmt: skip
    Archive.open(tui.archive).import_customers([doc], actor="seed")
    return str(doc["id"])


async def open_by_search(pilot: Pilot[None], text: str) -> CustomerScreen:
    """/ and ``text``, Enter to the list, Enter on the first row: its card."""
    await pilot.press("slash")
    await type_text(pilot, text)
    await pilot.press("enter")
    return await open_first_card(pilot)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_at_80_columns_the_sources_show_who_whole(tui: Any, lang: str) -> None:
    """The sources tab at 80×24: an agency's long name in the By column reads whole (wrapped
    within the table, at least 12 cells wide), and nothing lies beyond the right edge."""
    cid = _with_an_agency_source(tui)

    async def steps(pilot: Pilot[None]) -> None:
        card = await open_by_search(pilot, cid)
        assert card.draft.customer_id == cid
        await to_tab(pilot, card, "sources")
        await tui.settle(pilot)
        table = card.query_one("#sources-table", DataTable)
        cells = [table.get_row_at(i) for i in range(table.row_count)]
        by = [str(row[4]).replace("\n", "") for row in cells]
        assert LONG_BY in by
        assert "年度资信调查报告" in [str(row[5]).replace("\n", "") for row in cells]
        assert table.virtual_size.width <= table.scrollable_content_region.width
        shown = "\n".join(screen_lines(pilot))
        for line in str(cells[by.index(LONG_BY)][4]).split("\n"):
            assert line in shown

    run_small(tui, lang, steps)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_at_80_columns_the_leases_tab_says_its_keys_whole(tui: Any, lang: str) -> None:
    """The leases tab at 80×24: the cumulative amount and the tab's keys each read whole."""
    keys = "a 新增 · Enter 修改 · c 结束 · x 取消" if lang == "zh" else "a add · Enter edit"

    async def steps(pilot: Pilot[None]) -> None:
        card = await open_by_search(pilot, "whhd")
        await to_tab(pilot, card, "leases")
        await tui.settle(pilot)
        shown = screen_lines(pilot)
        assert any("2,050,000.00" in line for line in shown), shown
        hint = next(line for line in shown if keys in line)
        assert hint.rstrip().endswith("x 取消" if lang == "zh" else "x cancel"), hint

    run_small(tui, lang, steps)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_search_that_matches_nobody_says_so_whole(
    tui: Any, lang: str, size: tuple[int, int]
) -> None:
    """A search that matches nobody: the list says so, and how to get rows back, whole."""
    said = (
        "没有符合条件的客户(Esc 清除搜索,f 修改筛选)"
        if lang == "zh"
        else "No customer matches (Esc clears the search, f changes the filters)"
    )

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        await type_text(pilot, "zzqqxxzz")
        await tui.settle(pilot)
        shown = screen_lines(pilot)
        assert any(said in line for line in shown), shown[-4:]

    tui.run(tui.make_app(lang), steps, size=size)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_while_editing_the_key_bar_does_not_offer_edit(tui: Any, lang: str) -> None:
    """Editing, on the leases tab (the table focused): the bar offers Add and the tab keys,
    not "e Edit", which would do nothing then."""
    edit = "e 编辑" if lang == "zh" else "e Edit"
    add = "a 新增" if lang == "zh" else "a Add"

    async def steps(pilot: Pilot[None]) -> None:
        card = await open_first_card(pilot)
        assert edit in key_bar(pilot)
        await pilot.press("e")
        await until(pilot, lambda: card.editing, "editing")
        for _ in range(5):
            await pilot.press("ctrl+pagedown")
        await until(pilot, lambda: focused_id(pilot) == "leases-table", "the leases table")
        await tui.settle(pilot)
        bar = key_bar(pilot)
        assert add in bar
        assert edit not in bar

    run_small(tui, lang, steps)


def test_tab_keys_typed_fast_each_turn_one_tab(tui: Any) -> None:
    """Five Ctrl+PgDn typed in quick succession from a field reach the sixth tab. A field's
    focus makes its tab the active one by a message of its own; one arriving late (as it does
    on a busy machine, between two keys) must not turn the tabs back, nor swallow a key."""
    from textual.widgets import TabbedContent, TabPane

    async def steps(pilot: Pilot[None]) -> None:
        card = await open_first_card(pilot)
        tabs = card.query_one(TabbedContent)
        await pilot.press("e")
        await until(pilot, lambda: focused_id(pilot) == "f-name", "the name field")
        await pilot.press("ctrl+pagedown", "ctrl+pagedown")
        # The first step's field focus, late: Textual would make its tab the active one.
        late = tabs.get_pane("tab-characteristics")
        tabs.post_message(TabPane.Focused(late))
        await pilot.pause()
        await pilot.press("ctrl+pagedown", "ctrl+pagedown", "ctrl+pagedown")
        await tui.settle(pilot)
        await pilot.pause(0.2)
        assert tabs.active == "tab-leases"
        assert app_focused_in(pilot, tabs.active_pane)

    run_small(tui, "en", steps)


async def type_then_ctrl_s(pilot: Pilot[None], text: str) -> None:
    """Keys as a terminal delivers them to a busy program: all queued before the first is
    handled (``pilot.press`` waits after each key, which hides the race)."""
    from textual import events

    for char in text:
        pilot.app.post_message(events.Key(char, char))
    pilot.app.post_message(events.Key("ctrl+s", None))


def test_ctrl_s_right_after_typing_saves_every_key_typed(tui: Any) -> None:
    """Ctrl+S acts as it arrives; the characters typed just before it were still queued for
    the field, and the card was saved without them."""
    from creditfile.store import Archive

    seen: dict[str, Any] = {}

    async def steps(pilot: Pilot[None]) -> None:
        card = await open_first_card(pilot)
        seen["id"] = card.draft.customer_id
        seen["name"] = card.draft.value("name")
        await pilot.press("e")
        await until(pilot, lambda: focused_id(pilot) == "f-name", "the name field")
        await pilot.press("end")
        await type_then_ctrl_s(pilot, "甲乙丙丁戊")
        await until(pilot, lambda: not card.editing and not card.draft.dirty, "the save")
        await tui.settle(pilot)

    run_small(tui, "en", steps)
    record = Archive.open(tui.archive).get(seen["id"])
    assert record is not None and record["name"] == seen["name"] + "甲乙丙丁戊"


def test_ok_right_after_typing_takes_every_key_typed(tui: Any) -> None:
    """The same in a dialog: Ctrl+S (OK) just after the amount is typed adds the lease with
    the whole amount, not its first digit."""

    async def steps(pilot: Pilot[None]) -> None:
        card = await open_first_card(pilot)
        await pilot.press("e")
        await until(pilot, lambda: focused_id(pilot) == "f-name", "the name field")
        before = len(card.draft.leases)
        card.show_tab("leases")
        await tui.settle(pilot)
        card.query_one("#leases-table", DataTable).focus()
        await pilot.press("a")
        await until(pilot, lambda: focused_id(pilot) == "dlg-f-contract", "the lease dialog")
        await type_text(pilot, "K-ORDER-1")
        await pilot.press("tab")
        await choose(pilot, 1)
        for _ in range(3):
            await pilot.press("tab")
        assert focused_id(pilot) == "dlg-f-amount"
        await type_then_ctrl_s(pilot, "500000")
        await until(pilot, lambda: len(card.draft.leases) == before + 1, "the lease added")
        assert card.draft.leases[-1]["amount"] == 500000

    run_small(tui, "en", steps)
