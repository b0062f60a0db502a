"""Two terminal UIs and a headless regrade at work on one archive at once: nothing is lost, and
the one save made on a stale revision is refused with a clear message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from creditfile.store import Archive
from creditfile.tui.card import CustomerScreen
from creditfile.tui.service import ArchiveService

CUSTOMER = "C000003"
LATER = "2027-06-30"


async def _edit_phone(pilot: Pilot[None], phone: str) -> None:
    editor = pilot.app.screen.query_one("#f-contact--phone", Input)
    editor.focus()
    await pilot.pause()
    editor.value = phone
    await pilot.pause()


def test_two_uis_and_a_nightly_regrade_lose_nothing(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = pilot.app.list_screen()  # type: ignore[attr-defined]
        screen.open_customer(CUSTOMER, edit=True)
        await tui.settle(pilot)
        assert isinstance(pilot.app.screen, CustomerScreen)
        await _edit_phone(pilot, "13911112222")

        # Operations regrade the archive headless meanwhile, as of a later date...
        regrade = subprocess.run(
            [sys.executable, "-m", "creditfile", "--db", str(tui.archive), "--actor", "night",
             "regrade", "--as-of", LATER], capture_output=True, text=True, timeout=120,
            check=False)  # fmt: skip
        assert regrade.returncode == 0, regrade.stderr
        # ...and a colleague, in a second UI opened before the regrade, saves the customer.
        colleague = ArchiveService(tui.archive, Path("policy.yaml"), actor="li", as_of=tui.as_of)
        colleague.load()
        record = colleague.record(CUSTOMER)
        assert record is not None
        theirs = {k: v for k, v in record.items() if not k.startswith("_")}
        theirs["contact"] = {**theirs["contact"], "person": "李强"}
        colleague.save(theirs, base_rev=record["_meta"]["rev"])

        # This UI's save was made on the revision before the colleague's: refused, and said.
        await pilot.press("ctrl+s")
        await tui.settle(pilot)
        dialog = pilot.app.screen
        assert dialog.id == "stale-dialog"
        said = str(dialog.query_one("#dialog-body", Static).content)
        assert "li" in said and "NOT saved" in said
        await pilot.click("#choice-reload")
        await tui.settle(pilot)
        await pilot.press("e")
        await tui.settle(pilot)
        await _edit_phone(pilot, "13911112222")
        await pilot.press("ctrl+s")
        await tui.settle(pilot)

    tui.run(tui.make_app("en"), steps)

    archive = Archive.open(tui.archive)
    saved = archive.get(CUSTOMER)
    assert saved is not None
    assert saved["contact"]["person"] == "李强"  # the colleague's edit
    assert saved["contact"]["phone"] == "13911112222"  # this UI's edit, after the reload
    assert saved["_meta"]["rev"] == 3
    runs = archive.runs()
    assert runs[-1]["as_of"] == LATER and runs[-1]["actor"] == "night"
    graded = [r["_grading"]["as_of"] for r in archive.records().values()]
    assert graded.count(LATER) == len(graded)  # the regrade reached every customer
    edits = [e["actor"] for e in archive.history(CUSTOMER) if e["kind"] == "customer_changed"]
    assert edits[-2:] == ["li", "tester"]
