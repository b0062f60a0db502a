"""How the customer card looks at 120×40 in both languages, on a small seeded archive (SVG
snapshots; refresh them with ``pytest tests/tui/test_card_snapshots.py --snapshot-update`` and
look at every changed picture before committing)."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from creditfile.engine import grade_archive
from creditfile.policy import default_policy_path, load_policy
from creditfile.store import Archive
from creditfile.tui.card import CustomerScreen
from creditfile.tui.service import ArchiveService

os.environ["TEXTUAL_ANIMATIONS"] = "none"

AS_OF = date(2026, 11, 29)
SIZE = (120, 40)

CUSTOMERS: list[dict[str, Any]] = [
    {
        "id": "C000001",
        "name": "武汉宏达建设工程有限公司",
        "nature": "ordinary_company",
        "contact": {
            "address": "武汉市解放大道100号",
            "phone": "13800000000",
            "person": "王敏",
            "email": "wangmin@hongda.example",
        },
        "profile": {
            "founded_on": "2008-03-15",
            "trading_since": "2015-06-01",
            "registered_capital": 50000000,
            "total_assets": 180000000,
            "person": {"age": 45, "personality": "谨慎", "hobbies": "钓鱼", "family": "已婚"},
        },
        "leases": [
            {
                "contract": "L2023-001",
                "item": "ringlock_scaffolding",
                "start": "2023-01-05",
                "end": "2023-09-30",
                "amount": 1250000.0,
                "status": "closed",
            },
            {
                "contract": "L2025-014",
                "item": "tower_crane",
                "start": "2025-03-01",
                "amount": 800000.0,
                "status": "active",
                "outstanding": 120000.0,
                "overdue_days": 12,
            },
            {
                "contract": "L2026-002",
                "item": "aluminium_formwork",
                "start": "2026-02-01",
                "amount": 300000.0,
                "status": "cancelled",
            },
        ],
        "assessment": {
            "strength": 8,
            "potential": 12.5,
            "reputation": 17,
            "payment": 27,
            "other": 8,
            "assessed_by": "王敏",
            "assessed_on": "2026-10-12",
        },
        "sources": [
            {
                "kind": "salesperson_visit",
                "on": "2026-08-20",
                "by": "王敏",
                "verified": True,
                "note": "工地走访",
            },
            {
                "kind": "customer_form",
                "on": "2026-09-01",
                "by": "王敏",
                "verified": False,
                "note": "注册资本待核实",
            },
            {
                "kind": "agency_investigation",
                "on": "2026-09-15",
                "by": "李强",
                "verified": True,
                "cost": 3000,
                "note": "征信报告",
            },
        ],
    },
    {
        "id": "C000002",
        "name": "湖北建工集团",
        "nature": "central_soe",
        "leases": [
            {
                "contract": "L2019-003",
                "item": "steel_formwork",
                "start": "2019-04-01",
                "end": "2020-04-01",
                "amount": 4000000.0,
                "status": "closed",
            }
        ],
        "assessment": {
            "strength": 10,
            "potential": 14,
            "reputation": 19,
            "payment": 29,
            "other": 9,
        },
    },
]


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded archive, graded as of AS_OF (read-only for these tests)."""
    path = tmp_path_factory.mktemp("card-snapshots") / "archive.json"
    policy = load_policy(default_policy_path())
    archive = Archive.open(path, create=True)
    archive.import_customers(copy.deepcopy(CUSTOMERS), actor="seed")
    archive.regrade(
        lambda docs: grade_archive(docs, policy, AS_OF),
        run={"as_of": AS_OF.isoformat()},
        actor="seed",
    )
    return path


class CardHost(App[None]):
    """The card of one customer over an empty screen."""

    def __init__(self, path: Path, lang: str) -> None:
        super().__init__()
        self.service = ArchiveService(
            path, default_policy_path(), lang=lang, actor="wang", as_of=AS_OF
        )
        self.service.load()

    def on_mount(self) -> None:
        self.push_screen(CustomerScreen(self.service, "C000001"))


def on_tab(tab: str, *keys: str) -> Callable[[Pilot[None]], Any]:
    """Show ``tab`` with the saving time pinned (it comes from the clock), then press ``keys``."""

    async def before(pilot: Pilot[None]) -> None:
        await pilot.app.workers.wait_for_complete()
        screen = pilot.app.screen
        assert isinstance(screen, CustomerScreen)
        screen.draft.meta["updated_at"] = "2026-11-01T09:00:00"
        screen.refresh_card()
        screen.show_tab(tab)
        await pilot.pause()
        await pilot.press(*keys)
        for editor in screen.query(Input):
            editor.cursor_blink = False
        await pilot.app.workers.wait_for_complete()
        # A toast lasts seconds of wall time: whether it is still up depends on the machine's
        # load, so none is kept in a picture of the card.
        pilot.app.clear_notifications()
        await pilot.pause()

    return before


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("tab", ["basic", "leases", "assessment", "sources"])
def test_card_tabs(snap_compare: Any, archive_path: Path, lang: str, tab: str) -> None:
    assert snap_compare(CardHost(archive_path, lang), terminal_size=SIZE, run_before=on_tab(tab))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_personal_data_hidden(snap_compare: Any, archive_path: Path, lang: str) -> None:
    assert snap_compare(
        CardHost(archive_path, lang), terminal_size=SIZE, run_before=on_tab("person")
    )


def test_assessment_being_edited_with_an_entry_beyond_its_weight(
    snap_compare: Any, archive_path: Path
) -> None:
    keys = ("e", "end", "backspace", "3", "5")  # strength 8 → 35, of at most 10
    assert snap_compare(
        CardHost(archive_path, "en"), terminal_size=SIZE, run_before=on_tab("assessment", *keys)
    )
