"""The card's History tab at 80×24: every detail readable, folded at the terminal's width and
never cut, in both languages."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import DataTable

from creditfile.store import Archive
from creditfile.tui.card.history_view import DETAIL_MIN, WHO_MAX, fit_history, wrapped

HEADERS = ("When", "Who", "Event", "Detail")
NOTE = (
    "客户说明年一季度在武汉和襄阳各有一个项目开工, 需要塔吊两台和盘扣架约八千吨; "
    "the site manager asked for the deposit to be paid in two parts, after the second "
    "delivery and at the end of the third month"
)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_a_long_detail_is_folded_within_its_width_and_nothing_is_lost() -> None:
    rows = [("2026-11-29 10:15", "wang", "changed", f"Note: — → {NOTE}")]
    [fitted] = fit_history(rows, HEADERS, 80)
    lines = fitted[3].split("\n")
    width = 80 - 4 - 8 - cell_len("2026-11-29 10:15") - cell_len("changed") - cell_len("wang")
    assert len(lines) > 3 and max(cell_len(line) for line in lines) <= width
    assert _squeezed(fitted[3]) == _squeezed(rows[0][3])
    assert "second" in fitted[3]  # a word is not split where a space is near


def test_who_gives_way_before_the_detail_falls_below_its_minimum() -> None:
    actor = "zhang.wei@branch-office-wuhan"
    rows = [("2026-11-29 10:15", actor, "changed", "x " * 80)]
    [fitted] = fit_history(rows, HEADERS, 80)
    assert max(cell_len(line) for line in fitted[1].split("\n")) <= WHO_MAX
    assert min(cell_len(line) for line in fitted[3].split("\n")[:-1]) >= DETAIL_MIN - 2
    assert _squeezed(fitted[1]) == _squeezed(actor)


def test_chinese_is_measured_in_cells() -> None:
    folded = wrapped("塔" * 50, 20)
    assert all(cell_len(line) <= 20 for line in folded.split("\n"))
    assert folded.replace("\n", "") == "塔" * 50


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_history_tab_at_80_columns_shows_a_long_note_whole(tui: Any, lang: str) -> None:
    archive = Archive.open(tui.archive)
    record = archive.get("C900001")
    assert record is not None
    doc = copy.deepcopy({k: v for k, v in record.items() if not k.startswith("_")})
    doc["assessment"]["note"] = NOTE
    archive.save_customer(doc, base_rev=record["_meta"]["rev"], actor="wang")
    seen: dict[str, Any] = {}

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"whhd", "enter")
        await tui.settle(pilot)
        await pilot.press("enter")
        await tui.settle(pilot)
        screen = pilot.app.screen
        screen.show_tab("history")  # type: ignore[attr-defined]
        await tui.settle(pilot)
        table = screen.query_one("#history-table", DataTable)
        seen["rows"] = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        seen["widths"] = [column.get_render_width(table) for column in table.columns.values()]
        seen["width"] = table.size.width

    tui.run(tui.make_app(lang), steps, size=(80, 24))
    details = [row[3] for row in seen["rows"] if _squeezed(NOTE)[:20] in _squeezed(row[3])]
    assert details, seen["rows"]
    assert _squeezed(NOTE) in _squeezed(details[0])  # the whole note, folded, not cut
    assert sum(seen["widths"]) <= 80, seen["widths"]
    lines = details[0].split("\n")
    assert len(lines) > 2 and all(cell_len(line) <= seen["widths"][3] for line in lines)
