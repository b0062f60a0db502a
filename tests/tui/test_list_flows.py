"""The customer list driven as staff use it (Pilot), on a seeded archive copied into tmp_path."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from creditfile.application.customer_index import COLUMNS
from creditfile.tui.app import CreditfileApp
from creditfile.tui.screens.filters import FiltersScreen
from creditfile.tui.screens.list_screen import ListScreen
from creditfile.tui.widgets.customer_table import CustomerTable, layout

TOTAL = 151


def text_of(pilot: Pilot[None], selector: str) -> str:
    """What a Static shows, as plain text."""
    content = pilot.app.screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = Console(width=300, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


def listing(pilot: Pilot[None]) -> ListScreen:
    app = pilot.app
    assert isinstance(app, CreditfileApp)
    screen = app.list_screen()
    assert isinstance(screen, ListScreen)
    return screen


def shown_ids(pilot: Pilot[None]) -> list[str]:
    screen = listing(pilot)
    assert screen.index is not None
    return [screen.index.rows[i].id for i in screen.shown]


def painted(pilot: Pilot[None]) -> list[str]:
    """The lines the customer list draws right now (only the visible ones exist)."""
    table = pilot.app.screen.query_one(CustomerTable)
    height = table.scrollable_content_region.height
    return [table.render_line(y).text for y in range(height)]


def test_the_list_shows_every_customer_with_the_shown_total_status(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = listing(pilot)
        assert pilot.app.screen is screen
        assert len(screen.shown) == TOTAL
        assert f"{TOTAL} / {TOTAL} shown" in text_of(pilot, "#list-status")
        lines = painted(pilot)
        assert lines[0].startswith("C000001")
        assert screen.query_one(CustomerTable).has_focus
        assert pilot.app.first_rows_at is not None  # type: ignore[attr-defined]

    tui.run(tui.make_app("en"), steps)


def test_typing_pinyin_initials_narrows_the_list_key_by_key(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        counts = []
        await pilot.press("slash")
        assert isinstance(pilot.app.focused, Input)
        for key in "whhd":
            await pilot.press(key)
            counts.append(len(listing(pilot).shown))
        assert counts == sorted(counts, reverse=True)
        assert shown_ids(pilot) == ["C900001"]
        assert "1 / 151 shown" in text_of(pilot, "#list-status")
        assert "search “whhd”" in text_of(pilot, "#list-status")
        await pilot.press("enter")  # back to the list, the search stays
        assert isinstance(pilot.app.focused, CustomerTable)
        assert painted(pilot)[0].startswith("C900001   武汉宏达建设工程有限公司")
        await pilot.press("escape")  # clears the search
        assert len(listing(pilot).shown) == TOTAL

    tui.run(tui.make_app("en"), steps)


def test_nothing_found_says_so_and_how_to_get_back(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"zzzzqq")
        status = text_of(pilot, "#list-status")
        assert "0 / 151 shown" in status
        assert "No customer matches (Esc clears the search" in status

    tui.run(tui.make_app("en"), steps)


def test_personal_data_never_appears_in_the_list(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"hongda", "enter")
        line = painted(pilot)[0]
        assert "武汉宏达建设" in line
        for private in ("谨慎", "钓鱼", "已婚", "45"):
            assert private not in line

    tui.run(tui.make_app("zh"), steps)


def test_chinese_names_line_up_with_the_columns(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        table = pilot.app.screen.query_one(CustomerTable)
        width = table.scrollable_content_region.width
        nature_at = dict(_starts(layout(COLUMNS, width)))["nature"]
        lines = painted(pilot)
        assert any(not line[:20].isascii() for line in lines)  # Chinese names are on screen
        for line in lines:
            assert cell_len(line) == width
            prefix = _prefix_cells(line, nature_at)
            assert line[len(prefix) - 1] == " "  # the name never runs into the next column

    tui.run(tui.make_app("zh"), steps)


def _starts(columns: list[tuple[str, int]]) -> list[tuple[str, int]]:
    x, out = 0, []
    for column, cells in columns:
        out.append((column, x))
        x += cells + 1
    return out


def _prefix_cells(line: str, cells: int) -> str:
    out = ""
    for char in line:
        if cell_len(out + char) > cells:
            break
        out += char
    assert cell_len(out) == cells, "a wide character straddles a column boundary"
    return out


def test_filters_narrow_by_grade_and_esc_clears_them(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("f")
        assert isinstance(pilot.app.screen, FiltersScreen)
        # The grade list has the focus; tick its first value (the best grade) and apply.
        await pilot.press("space", "enter")
        await pilot.pause()
        screen = listing(pilot)
        assert pilot.app.screen is screen
        assert screen.index is not None
        grades = {screen.index.rows[i].grade for i in screen.shown}
        assert grades == {"A"}
        assert "filters: Grade A" in text_of(pilot, "#list-status")
        await pilot.press("escape")
        assert len(screen.shown) == TOTAL

    tui.run(tui.make_app("en"), steps)


def test_filter_dialog_cancel_keeps_the_list_as_it_was(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("f", "space", "escape")
        assert len(listing(pilot).shown) == TOTAL
        assert listing(pilot).query_state.filters == {}

    tui.run(tui.make_app("en"), steps)


def test_s_cycles_the_sort_column_and_shift_s_reverses_it(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = listing(pilot)
        await pilot.press("s")
        assert screen.query_state.sort == "name"
        await pilot.press("s", "s", "s")
        assert screen.query_state.sort == "grade"
        assert screen.index is not None
        rank = {"A": 0, "B": 1, "C": 2, "D": 3, "": 4}
        ranks = [rank[screen.index.rows[i].grade] for i in screen.shown]
        assert ranks == sorted(ranks)
        await pilot.press("S")
        assert screen.query_state.reverse
        graded = [rank[screen.index.rows[i].grade] for i in screen.shown]
        assert [r for r in graded if r < 4] == sorted((r for r in graded if r < 4), reverse=True)
        assert "sorted by Grade descending" in text_of(pilot, "#list-status")

    tui.run(tui.make_app("en"), steps)


def test_clicking_a_column_title_sorts_and_again_reverses(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = listing(pilot)
        total_x = dict(_starts(layout(COLUMNS, 119)))["total"]
        await pilot.click("#list-header", offset=(total_x + 2, 0))
        assert (screen.query_state.sort, screen.query_state.reverse) == ("total", False)
        await pilot.click("#list-header", offset=(total_x + 2, 0))
        assert (screen.query_state.sort, screen.query_state.reverse) == ("total", True)

    tui.run(tui.make_app("en"), steps)


def test_j_k_g_G_and_page_keys_move_the_cursor(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        table = pilot.app.screen.query_one(CustomerTable)
        await pilot.press("j", "j", "j", "k")
        assert table.cursor == 2
        await pilot.press("G")
        assert table.cursor == TOTAL - 1
        assert painted(pilot)[-1].startswith("C900001")  # scrolled to the last customer
        await pilot.press("g")
        assert table.cursor == 0
        await pilot.press("pagedown")
        page = table.scrollable_content_region.height - 1
        assert table.cursor == page
        await pilot.press("pageup")
        assert table.cursor == 0

    tui.run(tui.make_app("en"), steps)


def test_a_click_selects_a_customer_and_a_double_click_opens_it(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        table = pilot.app.screen.query_one(CustomerTable)
        await pilot.click(CustomerTable, offset=(3, 4))
        assert table.cursor == 4
        await pilot.click(CustomerTable, offset=(3, 4), times=2)
        await tui.settle(pilot)
        assert pilot.app.screen.has_class("customer-card")

    tui.run(tui.make_app("en"), steps)


def test_enter_opens_the_card_of_the_customer_under_the_cursor_and_esc_returns(tui: Any) -> None:
    from creditfile.tui.card import CustomerScreen

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"hongda", "enter", "enter")
        await tui.settle(pilot)
        card = pilot.app.screen
        assert isinstance(card, CustomerScreen)
        assert card.draft.customer_id == "C900001"
        await pilot.press("escape")
        await tui.settle(pilot)
        assert pilot.app.screen is listing(pilot)
        assert shown_ids(pilot) == ["C900001"]  # the search is kept

    tui.run(tui.make_app("en"), steps)


def test_e_opens_the_card_ready_for_editing(tui: Any) -> None:
    from creditfile.tui.card import CustomerScreen

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await tui.settle(pilot)
        card = pilot.app.screen
        assert isinstance(card, CustomerScreen)
        assert card.draft.customer_id == "C000001"
        assert card.editing

    tui.run(tui.make_app("en"), steps)


def test_n_opens_a_new_customer_card_with_an_unused_id(tui: Any) -> None:
    from creditfile.tui.card import CustomerScreen

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("n")
        await tui.settle(pilot)
        card = pilot.app.screen
        assert isinstance(card, CustomerScreen)
        assert card.draft.is_new
        assert card.draft.customer_id == "C900002"

    tui.run(tui.make_app("en"), steps)


def test_a_saved_change_shows_in_the_list_when_coming_back(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CreditfileApp)
        await pilot.press("slash", *"C000007", "enter", "enter")
        await tui.settle(pilot)
        record = app.service.record("C000007")
        assert record is not None
        doc = {k: v for k, v in record.items() if not k.startswith("_")}
        doc["name"] = "襄阳新改名建设有限公司"
        app.service.save(doc, record["_meta"]["rev"])
        await pilot.press("escape")
        await tui.settle(pilot)
        await pilot.press("slash", *["backspace"] * 7, *"xyxgm")
        assert shown_ids(pilot) == ["C000007"]

    tui.run(tui.make_app("en"), steps)


def test_quitting_with_unsaved_edits_asks_first(tui: Any) -> None:
    from creditfile.tui.card import CustomerScreen

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"hongda", "enter", "enter")
        await tui.settle(pilot)
        card = pilot.app.screen
        assert isinstance(card, CustomerScreen)
        await pilot.press("e")
        await tui.settle(pilot)
        await pilot.press("x")  # editing starts in the name (the id of a customer is fixed)
        await pilot.pause()
        assert card.has_unsaved_changes()
        await pilot.press("ctrl+q")
        await tui.settle(pilot)
        assert pilot.app.is_running
        assert pilot.app.screen.id == "unsaved-dialog"

    tui.run(tui.make_app("en"), steps)


def test_rows_show_while_the_archive_is_still_read(
    tui: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large archive: the first rows are on screen before the rest is read; the card waits."""
    import asyncio
    import threading

    from creditfile.store import snapshot
    from creditfile.tui.app import RowsSoFar

    monkeypatch.setattr(snapshot, "BATCH_LINES", 40)
    monkeypatch.setattr(RowsSoFar, "EVERY", 0.0)
    release = threading.Event()
    add = RowsSoFar.add

    def add_then_hold(self: RowsSoFar, batch: Any) -> None:
        add(self, batch)
        release.wait(10)  # the reading stops here until the test has looked

    monkeypatch.setattr(RowsSoFar, "add", add_then_hold)

    async def main() -> None:
        app = tui.make_app("en")
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(200):
                await pilot.pause(0.02)
                screen = app.list_screen()
                if screen is not None and screen.reading is not None:
                    break
            screen = listing(pilot)
            assert screen.reading == (40, TOTAL)
            for _ in range(100):  # the rows count as shown after the refresh that paints them
                await pilot.pause(0.02)
                if app.first_rows_at is not None:
                    break
            assert app.first_rows_at is not None
            assert painted(pilot)[0].startswith("C000001")
            assert f"40 / {TOTAL} customers read" in text_of(pilot, "#list-title")
            await pilot.press("enter")
            assert app.screen is screen  # no card yet
            assert any("Still reading" in str(n.message) for n in app._notifications)
            release.set()
            for _ in range(400):
                await pilot.pause(0.02)
                if screen.reading is None and screen.attention_ready:
                    break
            assert screen.index is not None and len(screen.index) == TOTAL
            assert "read" not in text_of(pilot, "#list-title")
            await pilot.press("enter")
            await tui.settle(pilot)
            assert app.screen is not screen  # the card opens now

    release_later = threading.Timer(20, release.set)  # never leave the worker waiting
    release_later.start()
    try:
        asyncio.run(main())
    finally:
        release_later.cancel()
        release.set()


def test_rows_shown_while_reading_go_when_the_archive_turns_out_damaged(
    tui: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from creditfile.store import snapshot
    from creditfile.tui.app import RowsSoFar

    monkeypatch.setattr(snapshot, "BATCH_LINES", 40)
    monkeypatch.setattr(RowsSoFar, "EVERY", 0.0)
    lines = tui.archive.read_bytes().split(b"\n")
    lines[120] = lines[120][:50]  # a record cut short deep in the file
    tui.archive.write_bytes(b"\n".join(lines))

    async def main() -> None:
        app = tui.make_app("en")
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(300):
                await pilot.pause(0.02)
                if "Cannot open" in text_of(pilot, "#list-title"):
                    break
            screen = listing(pilot)
            assert "Cannot open" in text_of(pilot, "#list-title")
            assert str(tui.archive.name) in text_of(pilot, "#list-title")
            assert screen.index is None and screen.reading is None
            assert not screen.table.display
            app.clear_notifications()
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is screen
            assert not any("Still reading" in str(n.message) for n in app._notifications)

    asyncio.run(main())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_ungraded_customer_shows_a_dash_and_is_filtered_by_name(tui: Any, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = listing(pilot)
        assert screen.index is not None
        ungraded = [row for row in screen.index.rows if not row.grade]
        assert ungraded, "the seeded archive has ungraded customers"
        screen.with_query(filters={"grade": frozenset({""})})
        await pilot.pause()
        assert len(screen.shown) == len(ungraded)
        table = pilot.app.screen.query_one(CustomerTable)
        row = screen.index.rows[screen.shown[0]]
        # The same dash in both languages: never the English word "none".
        assert table.cell(row, "grade") == "-"
        assert not [line for line in painted(pilot) if "none" in line or "未评级" in line]
        word = "ungraded" if lang == "en" else "未评级"
        assert word in text_of(pilot, "#list-status")  # the filter named in words
        choices = dict(screen.filter_choices()["grade"])
        assert choices[""] == word

    tui.run(tui.make_app(lang), steps)
