"""Three returned forms, two declaring the same long address (keyboard only, Pilot, both
languages, 80×24 and 120×40): one line on the card, the whole address in the audit dialog, one
decision recording an event per form, and the history keeping the address whole."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from card_kit import edit_stored, events, host, settle, stored, text_of
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import DataTable, TextArea

from creditfile.policy import Policy
from creditfile.tui.card.audit_dialog import AuditDialog
from creditfile.tui.card.history_detail import HistoryDetail

# An address as a customer writes it on the form: the office, then where each depot is.
ADDRESS = (
    "湖北省武汉市汉阳区新华路80号锦辉大厦东塔17层1701室; "
    + "; ".join(f"第{n}号仓库: 武汉市东西湖区走马岭街道汇通大道{n}号" for n in range(1, 30))
    + "。(完)"
)
OTHER = "武汉市江岸区沿江大道188号"
OLD = "武汉市解放大道100号"


def with_three_forms(path: Path) -> list[int]:
    """C000001's forms of 2026-09-01 and 2026-11-30 declare the long address, that of
    2026-10-15 another; returns the three forms' source numbers, oldest first."""

    def three(doc: dict[str, Any]) -> None:
        doc["sources"][1]["declared"] = {"contact.address": ADDRESS}
        for on, by, address in (("2026-10-15", "赵出纳", OTHER), ("2026-11-30", "李会计", ADDRESS)):
            form = {"kind": "customer_form", "on": on, "by": by, "verified": False}
            doc["sources"].append({**form, "declared": {"contact.address": address}})

    count = len(edit_stored(path, three)["sources"])
    return [2, count - 1, count]


WORDS = {  # forms alike (after), one form (before), their separator, on file, declared
    "en": ("", "form", ", ", "on file: ", "declared: "),
    "zh": (" 相同", "资料表", "、", "档案现值: ", "申报: "),
}


@pytest.mark.parametrize(("lang", "size"), [("en", (120, 40)), ("zh", (80, 24))])
def test_one_line_per_value_the_whole_value_in_d_and_whole_in_the_history(
    archive_path: Path, policy: Policy, lang: str, size: tuple[int, int]
) -> None:
    older, other, newest = with_three_forms(archive_path)
    alike, single, comma, on_file, declared = WORDS[lang]
    seen: dict[str, Any] = {}

    async def main() -> None:
        app = host(archive_path, policy, lang=lang)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            line = pilot.app.screen.query_one("#row-f-contact--address .field-declared")
            # The archive's value, then each distinct declared value once with its forms.
            head, alike_line, other_line = str(line.content).split("\n")
            assert head.endswith(f"{on_file}{OLD}")
            assert alike_line.startswith(f"  {ADDRESS[:10]}") and ADDRESS not in alike_line
            assert alike_line.endswith(f"#{newest} 2026-11-30{comma}#{older} 2026-09-01{alike}")
            assert other_line == f"  {OTHER} — {single} #{other} 2026-10-15"
            assert line.region.right <= size[0]
            await pilot.press("d")
            await settle(pilot)
            dialog = pilot.app.screen
            assert isinstance(dialog, AuditDialog)
            assert dialog.region.width <= size[0] and dialog.region.height <= size[1]
            table = dialog.query_one("#audit-table", DataTable)
            rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
            assert [row[1] for row in rows] == [f"#{newest}, #{older}", f"#{other}"]
            # The whole address under the cursor, the archive's above it.
            detail = text_of(pilot, "#audit-detail")
            assert f"{on_file}{OLD}\n{declared}{ADDRESS}" in detail
            # Tab into the values, the keys scroll them; Tab back to the table.
            box = dialog.query_one("#audit-detail-box", VerticalScroll)
            assert box.max_scroll_y > 0  # longer than the room it has
            await pilot.press("tab")
            assert dialog.focused is box
            await pilot.press("pagedown")
            await settle(pilot)
            assert box.scroll_y > 0
            seen["status"] = text_of(pilot, "#audit-status")
            await pilot.press("a")  # decided from the values too: the row under the cursor
            await settle(pilot)
            rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
            assert [row[1] for row in rows] == [f"#{other}"]
            assert OTHER in text_of(pilot, "#audit-detail")
            await pilot.press("escape")
            await settle(pilot)
            seen["whole"] = await _history_detail(pilot)

    asyncio.run(main())
    assert "Tab" in str(seen["status"])
    record = stored(archive_path)
    assert record["contact"]["address"] == ADDRESS
    audited = [e for e in events(archive_path) if e["kind"] == "form_audited"]
    assert [(e["source_index"] + 1, e["decided"]) for e in audited] == [
        (newest, ADDRESS),
        (older, ADDRESS),
    ]
    assert all(e["source_indexes"] == [newest - 1, older - 1] for e in audited)
    [change] = [
        c
        for e in events(archive_path)
        for c in e.get("changes") or []
        if c["path"] == "contact.address"
    ]
    assert (change["old"], change["new"]) == (OLD, ADDRESS)  # whole, not cut
    assert ADDRESS in str(seen["whole"])


async def _history_detail(pilot: Pilot[None]) -> str:
    """The newest event of the History tab opened whole by Enter."""
    for _ in range(12):
        table = pilot.app.screen.query_one("#history-table", DataTable)
        if table.display and table.region.height:
            break
        await pilot.press("right_square_bracket")
        await settle(pilot)
    await pilot.press("tab")
    await settle(pilot)
    table = pilot.app.screen.query_one("#history-table", DataTable)
    assert pilot.app.screen.focused is table
    details = [str(table.get_row_at(row)[3]) for row in range(table.row_count)]
    # The save that took the address: its row shows the address's first lines.
    [wanted] = [row for row, detail in enumerate(details) if OLD in detail]
    await pilot.press(*["down"] * (wanted - table.cursor_row))
    assert table.cursor_row == wanted, details
    await pilot.press("enter")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, HistoryDetail)
    whole = dialog.query_one("#history-detail-text", TextArea).text
    await pilot.press("escape")
    await settle(pilot)
    return whole
