"""The review screen fits the terminal: at 80 columns the name and "by how much" stay whole,
the rank and then the grade giving way first; at 120 every column is there."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import DataTable

from creditfile.tui.screens.review import NAME_MIN, ReviewScreen, widths_for

# What the columns of the English demo's review list need (header or widest cell).
NEEDED = {"rank": 4, "id": 8, "name": 26, "grade": 8, "reason": 20, "how_much": 19}


def spent(widths: dict[str, int]) -> int:
    """Cells the table takes: each column padded by one on each side, and the scrollbar."""
    return sum(w + 2 for w in widths.values()) + 2


@pytest.mark.parametrize("total", [60, 70, 80, 100, 120, 200])
def test_the_columns_never_need_more_than_the_terminal_gives(total: int) -> None:
    widths = widths_for(total, NEEDED)
    assert widths["name"] >= NAME_MIN
    assert {"id", "name", "reason", "how_much"} <= set(widths)
    assert widths["how_much"] == NEEDED["how_much"]  # never cut
    if total >= 70:
        assert spent(widths) <= total


def test_at_80_the_rank_goes_first_and_at_120_everything_is_there() -> None:
    assert list(widths_for(80, NEEDED)) == ["id", "name", "grade", "reason", "how_much"]
    assert list(widths_for(60, NEEDED)) == ["id", "name", "reason", "how_much"]
    wide = widths_for(120, NEEDED)
    assert list(wide) == ["rank", "id", "name", "grade", "reason", "how_much"]
    assert wide["reason"] == NEEDED["reason"]  # room enough: the whole reason


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_at_80x24_every_figure_is_shown_whole(tui: Any, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("4")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        table = screen.query_one(DataTable)
        columns = {str(c.key.value): c for c in table.columns.values()}
        assert sum(c.get_render_width(table) for c in columns.values()) + 2 <= 80
        assert columns["name"].width >= NAME_MIN
        figures = [str(table.get_cell(row, "how_much")) for row in table.rows]
        assert any(figures), "the seeded archive has customers over their limit"
        assert all(cell_len(f) <= columns["how_much"].width for f in figures)
        assert not any(f.endswith("…") for f in figures)

    tui.run(tui.make_app(lang), steps, size=(80, 24))
