"""At 80×24 nothing on the key bar, the card's tab bar or the portfolio is cut mid-word: the
key bar shows whole keys (fewer of them, the command palette's always), the tab bar short
titles, the portfolio's bars shorten so that every share and count stays whole, and the
card's sources keep their cost in sight."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, Tab
from textual.widgets._footer import FooterKey

from creditfile.tui.card.base import TAB_MARK, TABS, tab_fit
from creditfile.tui.screens.portfolio import PortfolioScreen, composition_table
from creditfile.tui.vocabulary import tab_label
from creditfile.tui.widgets.customer_table import middle_cut
from creditfile.tui.widgets.footer import KeyBar

SIZES = [(80, 24), (100, 30), (120, 40)]


def keys_shown(pilot: Pilot[None]) -> list[FooterKey]:
    bar = pilot.app.screen.query_one(KeyBar)
    return [k for k in bar.query(FooterKey) if k.display]


def assert_whole(pilot: Pilot[None], width: int) -> None:
    keys = keys_shown(pilot)
    palette = [k for k in keys if k.has_class("-command-palette")]
    assert len(palette) == 1, "Ctrl+P stays on the bar"
    left = palette[0].region.x
    for key in keys:
        if key is palette[0]:
            continue
        assert key.region.right <= left, f"{key.key_display} {key.description} is cut"
        assert key.region.width > 0
    assert palette[0].region.right <= width


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_key_bar_shows_whole_keys_on_every_screen(
    tui: Any, lang: str, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        for screen in ("1", "2", "3", "4"):
            await pilot.press(screen)
            await tui.settle(pilot)
            assert_whole(pilot, size[0])
        await pilot.press("1")
        await tui.settle(pilot)
        await pilot.press("enter")  # the first customer's card
        await tui.settle(pilot)
        assert_whole(pilot, size[0])
        shown = [k.description for k in keys_shown(pilot)]
        assert len(shown) >= 4, "the card's first keys are on the bar"

    tui.run(tui.make_app(lang), steps, size=size)


def test_a_resize_chooses_the_keys_again(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await tui.settle(pilot)
        wide = len(keys_shown(pilot))
        await pilot.resize_terminal(70, 24)
        await tui.settle(pilot)
        await pilot.pause(0.2)
        assert len(keys_shown(pilot)) < wide
        assert_whole(pilot, 70)

    tui.run(tui.make_app("en"), steps, size=(140, 30))


@pytest.mark.parametrize("width", [78, 98, 118])
def test_the_portfolio_bars_fit_the_width_and_no_figure_is_cut(width: int) -> None:
    rows = [
        {"key": "A", "label": "Prime customer", "customers_pct": 6.0, "customers": 12,
         "cumulative_pct": 6.42},
        {"key": "D", "label": "Restricted customer", "customers_pct": 35.5,
         "customers": 71_000, "cumulative_pct": 100.0},
    ]  # fmt: skip
    console = Console(width=width, record=True)
    console.print(composition_table({"by": "grade", "rows": rows}, "en", width))
    lines = console.export_text().splitlines()
    assert all(len(line.rstrip()) <= width for line in lines)
    body = "\n".join(lines)
    for figure in ("6.00%", "12", "6.42%", "35.50%", "71,000", "100.00%"):
        assert figure in body
    assert "…" not in "".join(line for line in lines if "%" in line)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_at_80_columns_the_portfolio_screen_cuts_no_share(tui: Any, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PortfolioScreen)
        chart = screen.query_one("#portfolio-chart", Static)
        console = Console(width=chart.size.width, record=True)
        console.print(chart.content)
        shares = [line for line in console.export_text().splitlines() if "%" in line]
        assert all(len(line.rstrip()) <= chart.size.width for line in shares)
        assert shares and not any("…" in line for line in shares)

    tui.run(tui.make_app(lang), steps, size=(80, 24))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_at_80_columns_a_sources_cost_is_in_sight(tui: Any, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("enter")
        await tui.settle(pilot)
        screen = pilot.app.screen
        screen.show_tab("sources")  # type: ignore[attr-defined]
        await tui.settle(pilot)
        table = screen.query_one("#sources-table", DataTable)
        cost = list(table.columns.values())[3]
        before = sum(c.get_render_width(table) for c in list(table.columns.values())[:4])
        assert before <= 80 - 2, "kind, date, verified and cost fit without scrolling"
        assert cost.get_render_width(table) > 0

    tui.run(tui.make_app(lang), steps, size=(80, 24))


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cards_tab_bar_shows_every_title_whole(
    tui: Any, lang: str, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("enter")
        await tui.settle(pilot)
        screen = pilot.app.screen
        for _ in range(len(TABS)):  # to the last tab: the bar must not scroll to show it
            tabs = screen.query(Tab)
            assert all(t.region.right <= size[0] for t in tabs), [str(t.label) for t in tabs]
            assert all(t.region.x >= 0 and t.region.width > 0 for t in tabs)
            await pilot.press("]")
            await pilot.pause()

    tui.run(tui.make_app(lang), steps, size=size)


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_list_title_keeps_the_policy_version_on_its_one_line(
    tui: Any, lang: str, width: int
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await tui.settle(pilot)
        title = pilot.app.screen.query_one("#list-title", Static)
        text = str(title.content)
        version = pilot.app.service.policy.version  # type: ignore[attr-defined]
        assert text.endswith(f" {version}"), text
        assert cell_len(text) <= width - 2, text
        assert text.rstrip().split("  ")[1].endswith(".json"), "the file's name stays"

    tui.run(tui.make_app(lang), steps, size=(width, 24))


def test_a_long_archive_name_is_cut_in_its_middle_and_keeps_its_file_name() -> None:
    name = "/srv/信用档案/二〇二六年/租赁客户/archive-2026.json"
    cut = middle_cut(name, 24)
    assert cell_len(cut) <= 24
    assert cut.startswith("/srv/信用") and cut.endswith("archive-2026.json"[-8:]), cut
    assert "…" in cut
    assert middle_cut(name, 7) == "", "too little room: the title shows no name at all"
    assert middle_cut("a.json", 24) == "a.json"


def test_a_tab_marked_with_a_problem_needs_the_room_of_its_mark() -> None:
    whole = sum(cell_len(tab_label(t, short=False)) + 2 for t in TABS)
    assert tab_fit(whole) == (False, False)
    short, _tight = tab_fit(whole, {"basic"})
    assert short, "the ✗ on a tab no longer fits beside the full titles"
    assert tab_fit(whole + cell_len(TAB_MARK), {"basic"}) == (False, False)
