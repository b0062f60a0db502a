"""The customer card on a small real archive, driven as staff use it (Pilot): two customers,
an app holding just the card, and the keys and reads the card's tests share."""

from __future__ import annotations

import asyncio
import copy
import io
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from creditfile.engine import grade_archive
from creditfile.policy import Policy, default_policy_path
from creditfile.store import Archive
from creditfile.tui.card import CustomerScreen, new_customer_screen
from creditfile.tui.service import ArchiveService

AS_OF = date(2026, 11, 29)

HONGDA: dict[str, Any] = {
    "id": "C000001",
    "name": "武汉宏达建设工程有限公司",
    "nature": "ordinary_company",
    "contact": {"address": "武汉市解放大道100号", "phone": "13800000000", "person": "王敏"},
    "profile": {
        "founded_on": "2008-03-15",
        "trading_since": "2015-06-01",
        "registered_capital": 50000000,
        "person": {"age": 45, "personality": "谨慎", "hobbies": "钓鱼", "family": "已婚"},
    },
    "characteristics": {"development_potential": "华中地区扩张中"},
    "business": {"cooperation_attitude": "配合良好"},
    "trading": {"lease_status": "塔吊两台在租"},
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
        {"kind": "salesperson_visit", "on": "2026-08-20", "by": "王敏", "verified": True},
        {
            "kind": "customer_form",
            "on": "2026-09-01",
            "by": "王敏",
            "verified": False,
            "note": "注册资本待核实",
        },
    ],
}

JIANGONG: dict[str, Any] = {
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
    "assessment": {"strength": 10, "potential": 14, "reputation": 19, "payment": 29, "other": 9},
}


def graded_archive(path: Path, policy: Policy) -> Path:
    """A graded two-customer archive at ``path`` (HONGDA and JIANGONG)."""
    archive = Archive.open(path, create=True)
    archive.import_customers([copy.deepcopy(HONGDA), copy.deepcopy(JIANGONG)], actor="seed")
    archive.regrade(
        lambda docs: grade_archive(docs, policy, AS_OF),
        run={"as_of": AS_OF.isoformat()},
        actor="seed",
    )
    return path


class CardHost(App[None]):
    """Just the card, on top of an empty screen it returns to."""

    def __init__(self, service: ArchiveService, customer_id: str | None) -> None:
        super().__init__()
        self.service = service
        self.customer_id = customer_id

    def on_mount(self) -> None:
        if self.customer_id is None:
            self.push_screen(new_customer_screen(self.service))
        else:
            self.push_screen(CustomerScreen(self.service, self.customer_id))


def host(
    path: Path, policy: Policy, customer_id: str | None = "C000001", lang: str = "en"
) -> CardHost:
    service = ArchiveService(path, default_policy_path(), lang=lang, actor="wang", as_of=AS_OF)
    service.load()
    return CardHost(service, customer_id)


def card(pilot: Pilot[None]) -> CustomerScreen:
    screen = pilot.app.screen
    assert isinstance(screen, CustomerScreen)
    return screen


def text_of(pilot: Pilot[None], selector: str) -> str:
    """The text a Static shows, as plain text (tables included)."""
    content = pilot.app.screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


def drive(app: CardHost, steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    """Run ``steps`` against the card at 120×40, once it has loaded."""

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await steps(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_into(pilot: Pilot[None], editor_id: str, text: str) -> None:
    """Clear a field and type ``text`` into it: the last two characters key by key (so the
    card reacts to keystrokes), the rest pasted in one go (keeps the suite quick)."""
    editor = pilot.app.screen.query_one(f"#{editor_id}", Input)
    editor.focus()
    await pilot.pause()
    editor.value = ""
    editor.insert_text_at_cursor(text[:-2])
    await pilot.press(*text[-2:])
    await pilot.pause()


def stored(path: Path, customer_id: str = "C000001") -> dict[str, Any]:
    found = Archive.open(path).get(customer_id)
    assert found is not None
    return found


def events(path: Path, customer_id: str = "C000001") -> list[dict[str, Any]]:
    return Archive.open(path).history(customer_id)


def edit_stored(
    path: Path, edit: Callable[[dict[str, Any]], None], customer_id: str = "C000001"
) -> dict[str, Any]:
    """Change a stored customer as another writer would (``seed``): ``edit`` changes its
    document in place, which is then saved; returns the document saved."""
    archive = Archive.open(path)
    record = archive.get(customer_id)
    assert record is not None
    doc = copy.deepcopy({k: v for k, v in record.items() if not k.startswith("_")})
    edit(doc)
    archive.save_customer(doc, base_rev=record["_meta"]["rev"], actor="seed")
    return doc
