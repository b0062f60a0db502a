"""The card's related customers tab driven from the keyboard: name a related customer (the id
checked as typed), see it both ways, open the other customer's card, stop naming one."""

from __future__ import annotations

from pathlib import Path

from card_kit import card, drive, host, settle, stored, text_of, type_into
from textual.pilot import Pilot
from textual.widgets import DataTable

from creditfile.policy import Policy
from creditfile.tui.card import CustomerScreen


def _rows(pilot: Pilot[None]) -> list[list[str]]:
    table = pilot.app.screen.query_one("#related-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def _name_related(pilot: Pilot[None], other: str) -> None:
    card(pilot).show_tab("related")
    await pilot.pause()
    await pilot.press("a")
    await pilot.pause()
    assert pilot.app.screen.id == "related-dialog"
    await type_into(pilot, "dlg-f-id", other)


def test_a_relation_named_on_the_card_is_saved_and_shown_both_ways(
    archive_path: Path,
    policy: Policy,
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await _name_related(pilot, "C000009")  # not on file: said at the field, OK refused
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen.id == "related-dialog"
        assert "no customer C000009 on file" in text_of(pilot, "#row-dlg-f-id .field-problem")
        await type_into(pilot, "dlg-f-id", "C000002")
        await pilot.press("ctrl+s")  # OK in the dialog
        await pilot.pause()
        assert isinstance(pilot.app.screen, CustomerScreen)
        assert _rows(pilot) == [["names", "C000002", "湖北建工集团", "main contractor", ""]]
        await pilot.press("ctrl+s")  # save the card
        await settle(pilot)
        assert stored(archive_path)["related"] == [{"id": "C000002", "relation": "main_contractor"}]
        # Enter on the row opens the other customer's card, which shows it the other way.
        table = pilot.app.screen.query_one("#related-table", DataTable)
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        other = card(pilot)
        assert other.draft.customer_id == "C000002"
        other.show_tab("related")
        await pilot.pause()
        assert _rows(pilot) == [
            ["named by", "C000001", "武汉宏达建设工程有限公司", "main contractor", ""]
        ]
        # x there cannot remove what another customer states: it says where to change it.
        pilot.app.screen.query_one("#related-table", DataTable).focus()
        await pilot.press("x")
        await pilot.pause()
        assert _rows(pilot)[0][0] == "named by" and not other.editing
        await pilot.press("escape")
        await settle(pilot)
        back = card(pilot)
        assert back.draft.customer_id == "C000001"
        pilot.app.screen.query_one("#related-table", DataTable).focus()
        await pilot.press("x")  # stop naming it, then save
        await pilot.pause()
        assert _rows(pilot) == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "related" not in stored(archive_path)

    drive(host(archive_path, policy), steps)


def test_a_loop_of_group_parents_is_refused_in_the_dialog(
    archive_path: Path,
    policy: Policy,
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await _name_related(pilot, "C000002")
        pilot.app.screen.query_one("#dlg-f-relation").value = "group_parent"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(archive_path)["related"] == [{"id": "C000002", "relation": "group_parent"}]

    drive(host(archive_path, policy), steps)

    async def back(pilot: Pilot[None]) -> None:
        await _name_related(pilot, "C000001")
        pilot.app.screen.query_one("#dlg-f-relation").value = "group_parent"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen.id == "related-dialog"  # refused
        shown = text_of(pilot, "#row-dlg-f-id .field-problem")
        assert "C000002 → C000001 → C000002" in shown

    drive(host(archive_path, policy, "C000002"), back)
