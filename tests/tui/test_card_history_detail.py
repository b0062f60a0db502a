"""The card's History tab with a change too long for its row: the first lines, a pointer, and
Enter on the row for the whole of it (keyboard only, both languages, 80×24 and 120×40)."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path

import pytest
from card_kit import host, settle
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import DataTable, TextArea

from creditfile.policy import Policy
from creditfile.store import Archive
from creditfile.tui.card.history_detail import HistoryDetail
from creditfile.tui.card.history_view import DETAIL_LINES, PARAGRAPH_LINES, first_lines

# A long change as a credit manager makes one: the visit note rewritten (the history keeps each
# text up to its limit) and the address corrected in the same save.
OLD_NOTE = "客户在武汉和襄阳各有一个项目开工, 需要塔吊两台和盘扣架约八千吨; " * 5
NOTE = (
    "第二次走访: 项目已开工, 塔吊两台已进场, 盘扣架分三批交付;\n"
    "the site manager asked for the deposit in two parts, after the second delivery.\n"
    "结论: 押金分两期, 第二期在第三个月末前付清。"
)
ADDRESS = "湖北省武汉市汉阳区新华路80号锦辉大厦东塔17层1701-1705室(近地铁4号线王家湾站C出口)"


def with_long_change(path: Path) -> None:
    archive = Archive.open(path)
    for note, address in ((OLD_NOTE, None), (NOTE, ADDRESS)):
        record = archive.get("C000001")
        assert record is not None
        doc = copy.deepcopy({k: v for k, v in record.items() if not k.startswith("_")})
        doc["assessment"]["note"] = note
        if address:
            doc["contact"]["address"] = address
        archive.save_customer(doc, base_rev=record["_meta"]["rev"], actor="wang")


def test_a_detail_longer_than_a_row_keeps_its_first_lines_and_says_enter_shows_it() -> None:
    shown = first_lines(f"Note: — → {OLD_NOTE * 4}\nGrade: B → C", 40).split("\n")
    # The long field in its first lines, every other field whole, and the pointer.
    assert len(shown) == PARAGRAPH_LINES + 2
    assert all(cell_len(line) <= 40 for line in shown)
    assert shown[PARAGRAPH_LINES - 1].endswith("…")
    assert shown[-2:] == ["Grade: B → C", "… (Enter: the whole detail)"]
    assert first_lines("a short change\nGrade: B → C", 40) == "a short change\nGrade: B → C"
    many = first_lines("\n".join(f"field {n}: 1 → 2" for n in range(DETAIL_LINES + 50)), 40).split(
        "\n"
    )
    assert len(many) == DETAIL_LINES + 1 and many[-1] == "… (Enter: the whole detail)"


def test_a_note_of_megabytes_is_shown_at_once() -> None:
    shown = first_lines("塔" * 5_000_000, 60)  # laid out only as far as the row shows
    assert len(shown.split("\n")) == PARAGRAPH_LINES + 1
    assert len(first_lines("塔\n" * 2_000_000, 60).split("\n")) == DETAIL_LINES + 1


@pytest.mark.parametrize(("lang", "size"), [("en", (80, 24)), ("zh", (120, 40))])
def test_enter_on_a_long_change_opens_it_whole(
    archive_path: Path, policy: Policy, lang: str, size: tuple[int, int]
) -> None:
    with_long_change(archive_path)
    seen: dict[str, object] = {}

    async def main() -> None:
        app = host(archive_path, policy, lang=lang)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await _to_history(pilot)
            table = pilot.app.screen.query_one("#history-table", DataTable)
            cell = str(table.get_row_at(0)[3])
            seen["row"] = cell
            await pilot.press("enter")
            await settle(pilot)
            dialog = pilot.app.screen
            assert isinstance(dialog, HistoryDetail)
            assert dialog.region.width <= size[0]
            seen["whole"] = dialog.query_one("#history-detail-text", TextArea).text
            await pilot.press("pagedown", "end")  # the keys scroll it; nothing is typed
            await pilot.press("escape")
            await settle(pilot)
            assert pilot.app.screen.query_one("#history-table", DataTable) is table

    asyncio.run(main())
    assert len(str(seen["row"]).split("\n")) <= DETAIL_LINES + 1
    whole = str(seen["whole"])
    for value in (OLD_NOTE.strip(), NOTE, ADDRESS):  # each value, every line of it
        assert value in whole, whole


async def _to_history(pilot: Pilot[None]) -> None:
    """The History tab by the keys a user presses: ``]`` to the last tab, then into its table."""
    for _ in range(12):
        table = pilot.app.screen.query_one("#history-table", DataTable)
        if table.display and table.region.height:
            break
        await pilot.press("right_square_bracket")
        await settle(pilot)
    await settle(pilot)
    await pilot.press("tab")
    await settle(pilot)
    assert pilot.app.screen.focused is pilot.app.screen.query_one("#history-table", DataTable)
