"""The leases tab fits the terminal: at 80 columns nothing lies past the right edge (the item
wraps, then the columns of least use stay out and the tab names them); at 120 every column
shows."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from creditfile.store import Archive

LEASES = [
    {"contract": "L2019-000002", "item": "ringlock_scaffolding", "start": "2019-04-15",
     "end": "2020-08-07", "amount": 1319300, "status": "closed"},
    {"contract": "L2020-000007", "item": "shoring_props", "start": "2020-02-28",
     "end": "2021-06-22", "amount": 56300, "status": "cancelled"},
    {"contract": "L2026-000006", "item": "tower_crane", "start": "2026-04-27",
     "amount": 598000, "status": "active", "outstanding": 123456.5},
]  # fmt: skip


def _with_leases(tui: Any) -> None:
    archive = Archive.open(tui.archive)
    record = archive.get("C900001")
    assert record is not None
    doc = copy.deepcopy({k: v for k, v in record.items() if not k.startswith("_")})
    doc["leases"] = copy.deepcopy(LEASES)
    archive.save_customer(doc, base_rev=record["_meta"]["rev"], actor="wang")


def _leases_tab(tui: Any, lang: str, size: tuple[int, int]) -> dict[str, Any]:
    _with_leases(tui)
    seen: dict[str, Any] = {}

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"whhd", "enter")
        await tui.settle(pilot)
        await pilot.press("enter")
        await tui.settle(pilot)
        screen = pilot.app.screen
        screen.show_tab("leases")  # type: ignore[attr-defined]
        await tui.settle(pilot)
        table = screen.query_one("#leases-table", DataTable)
        seen["titles"] = [str(c.label) for c in table.columns.values()]
        seen["rows"] = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        seen["right"] = table.region.x + sum(
            c.get_render_width(table) for c in table.columns.values()
        )
        seen["summary"] = str(screen.query_one("#leases-summary", Static).content)

    tui.run(tui.make_app(lang), steps, size=size)
    return seen


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_at_80_columns_every_lease_column_shown_is_whole(tui: Any, lang: str) -> None:
    seen = _leases_tab(tui, lang, (80, 24))
    assert seen["right"] <= 80 - 2, (seen["titles"], seen["right"])
    outstanding = "Outstanding (CNY)" if lang == "en" else "应收余额(元)"
    status = {"en": "cancelled", "zh": "已取消"}[lang]
    assert outstanding not in seen["titles"]
    assert outstanding in seen["summary"], "the tab says which column it left out"
    assert ("Enter" in seen["summary"]) and (("whole lease" in seen["summary"]) == (lang == "en"))
    assert any(status in row for row in seen["rows"]), "a status is never wrapped"
    assert any("1,319,300.00" in row for row in seen["rows"])
    assert len(seen["rows"]) == 3


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_at_120_columns_every_lease_column_shows(tui: Any, lang: str) -> None:
    seen = _leases_tab(tui, lang, (120, 40))
    assert len(seen["titles"]) == 7, seen["titles"]
    assert "123,456.50" in seen["rows"][2]
    assert seen["right"] <= 120
    assert ("narrow" not in seen["summary"]) and ("太窄" not in seen["summary"])


def test_an_empty_column_leaves_before_any_cell_wraps() -> None:
    from creditfile.tui.card.table_fit import fit_table

    headers = ["合同编号", "租赁物", "金额(元)", "应收余额(元)"]
    rows = [("K2026-001", "盘扣式脚手架", "500,000.00", "")]
    natural = 9 + 12 + 10 + 12 + 2 * 4 + 4  # 55 cells with the empty column
    shown, cells = fit_table(rows, headers, natural - 1, {1: 8}, (3,))
    assert shown == (0, 1, 2)
    assert cells == [("K2026-001", "盘扣式脚手架", "500,000.00")], "nothing wrapped"
    shown, _cells = fit_table(rows, headers, natural, {1: 8}, (3,))
    assert shown == (0, 1, 2, 3), "room for every column: none leaves"
    full = [("K2026-001", "盘扣式脚手架", "500,000.00", "1,000.00")]
    shown, cells = fit_table(full, headers, natural - 1, {1: 8}, (3,))
    assert shown == (0, 1, 2, 3) and "\n" in cells[0][1], "a column with a figure wraps first"
