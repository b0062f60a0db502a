"""A customer merged into another, in the terminal UI: its old id typed into the search opens
the kept customer's card, saying so, and the kept card's History tab holds the merged-away
customer's past, each event under the id it was recorded under."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from creditfile.application.merging import merge_customers
from creditfile.policy import default_policy_path, load_policy
from creditfile.store import Archive


def _merge_into_hongda(tui: Any) -> str:
    """Merge another seeded customer into 武汉宏达建设 (C900001); the id merged away."""
    archive = Archive.open(tui.archive)
    drop = next(cid for cid in archive.records() if cid != tui.hongda["id"])
    policy = load_policy(default_policy_path())
    merge_customers(archive, tui.hongda["id"], drop, "王敏", policy=policy, as_of=tui.as_of)
    return drop


@pytest.mark.parametrize(("lang", "said"), [("en", "was merged into"), ("zh", "并入")])
def test_the_old_id_typed_in_the_search_opens_the_kept_card_with_its_merged_history(
    tui: Any, lang: str, said: str
) -> None:
    drop = _merge_into_hongda(tui)
    keep = tui.hongda["id"]

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        search = pilot.app.screen.query_one("#search", Input)
        search.value = drop
        await pilot.press("enter")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert screen.has_class("customer-card")
        assert screen.draft.customer_id == keep  # type: ignore[attr-defined]
        notes = [str(n.message) for n in pilot.app._notifications]
        assert any(drop in n and keep in n and said in n for n in notes), notes
        screen.show_tab("history")  # type: ignore[attr-defined]
        await tui.settle(pilot)
        table = screen.query_one("#history-table", DataTable)
        rows = [" ".join(map(str, table.get_row_at(i))) for i in range(table.row_count)]
        assert any(f"({drop})" in row for row in rows), rows  # the dropped one's own past
        assert any("评级" in row or "Grade" in row for row in rows), rows  # graded in the merge

    tui.run(tui.make_app(lang), steps)
