"""The customer card driven as staff use it (Pilot), on a small real archive in tmp_path
(``archive_path``, see conftest and card_kit)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from card_kit import (
    AS_OF,
    HONGDA,
    card,
    drive,
    events,
    host,
    settle,
    stored,
    text_of,
    type_into,
)
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from creditfile.policy import Policy
from creditfile.store import Archive
from creditfile.tui.card import CustomerScreen


@pytest.fixture
def bytes_before(archive_path: Path) -> Iterator[bytes]:
    yield archive_path.read_bytes()


# --- opening and reading ------------------------------------------------------------------


def test_opening_a_card_shows_who_the_customer_is_and_its_grade(
    archive_path: Path, policy: Policy
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        header = text_of(pilot, "#card-header")
        assert "C000001" in header and "武汉宏达建设工程有限公司" in header
        # The English card names the nature and the grade by the policy's English labels.
        assert "Ordinary co." in header and "普通公司" not in header
        assert "B" in header and "Good customer" in header and "revision 1" in header
        name = pilot.app.screen.query_one("#f-name", Input)
        assert name.value == "武汉宏达建设工程有限公司" and name.disabled

    drive(host(archive_path, policy), steps)


def test_every_tab_can_be_reached_by_keys_and_shows_its_section(
    archive_path: Path, policy: Policy
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = card(pilot)
        seen = []
        for _ in range(10):
            seen.append(screen.query_one("TabbedContent").active)  # type: ignore[attr-defined]
            await pilot.press("right_square_bracket")
            await pilot.pause()
        assert seen == [
            "tab-basic",
            "tab-characteristics",
            "tab-business",
            "tab-trading",
            "tab-person",
            "tab-leases",
            "tab-assessment",
            "tab-sources",
            "tab-related",
            "tab-history",
        ]
        assert (
            screen.query_one("#f-characteristics--development_potential", Input).value
            == "华中地区扩张中"
        )
        assert screen.query_one("#f-trading--lease_status", Input).value == "塔吊两台在租"
        assert screen.query_one("#leases-table", DataTable).row_count == 2
        assert screen.query_one("#sources-table", DataTable).row_count == 2
        assert "1 customer form(s) awaiting audit" in text_of(pilot, "#sources-summary")
        assert screen.query_one("#history-table", DataTable).row_count >= 1
        await pilot.press("left_square_bracket")  # from the first tab back round to the last
        assert screen.query_one("TabbedContent").active == "tab-history"  # type: ignore[attr-defined]

    drive(host(archive_path, policy), steps)


def test_the_score_breakdown_explains_points_band_gap_and_privileges(
    archive_path: Path, policy: Policy
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        card(pilot).show_tab("assessment")
        await pilot.pause()
        shown = text_of(pilot, "#breakdown")
        # 8 + 12.5 + 17 + 15 × 2,050,000 / 4,000,000 + 27 + 8 = 80.19
        assert "80.19" in shown and "Grade B band: 80 points or more" in shown
        assert "9.81 points short of grade A" in shown
        assert "7.69" in shown  # the relative item's points
        assert "Credit limit (CNY)" in shown and "2,000,000.00" in shown
        assert "Overrides: none" in shown

    drive(host(archive_path, policy), steps)


def test_personal_data_is_hidden_until_asked_for_and_each_reveal_is_recorded(
    archive_path: Path, policy: Policy
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = card(pilot)
        form = screen.query_one("#form-person")
        assert not form.display
        assert "hidden" in text_of(pilot, "#person-notice")
        assert not [e for e in events(archive_path) if e["kind"] == "personal_data_revealed"]
        await pilot.press("p")
        await settle(pilot)
        assert form.display and screen.query_one("TabbedContent").active == "tab-person"  # type: ignore[attr-defined]
        assert screen.query_one("#f-profile--person--personality", Input).value == "谨慎"
        reveals = [e for e in events(archive_path) if e["kind"] == "personal_data_revealed"]
        assert len(reveals) == 1 and reveals[0]["actor"] == "wang"
        screen.show_tab("history")  # read when first shown
        await settle(pilot)
        history = screen.query_one("#history-table", DataTable)
        assert any(
            "personal data revealed" in str(history.get_row_at(i)) for i in range(history.row_count)
        )

    drive(host(archive_path, policy), steps)


# --- editing and saving -------------------------------------------------------------------


def test_edit_and_save_writes_a_new_revision(archive_path: Path, policy: Policy) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await type_into(pilot, "f-contact--phone", "13912345678")
        assert "unsaved" in text_of(pilot, "#card-header")
        await pilot.press("ctrl+s")
        await settle(pilot)
        record = stored(archive_path)
        assert record["contact"]["phone"] == "13912345678"
        assert record["_meta"]["rev"] == 2 and record["_meta"]["updated_by"] == "wang"
        header = text_of(pilot, "#card-header")
        assert "revision 2" in header and "unsaved" not in header and "editing" not in header
        assert pilot.app.screen.query_one("#f-contact--phone", Input).disabled
        changes = [e for e in events(archive_path) if e["kind"] != "personal_data_revealed"]
        assert changes[-1]["actor"] == "wang"

    drive(host(archive_path, policy), steps)


def test_a_saved_edit_shows_in_the_history_tab_with_old_and_new_value(
    archive_path: Path, policy: Policy
) -> None:
    old_phone = stored(archive_path)["contact"]["phone"]

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await type_into(pilot, "f-contact--phone", "13912345678")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = card(pilot)
        screen.show_tab("history")
        await settle(pilot)
        history = screen.query_one("#history-table", DataTable)
        rows = [" ".join(map(str, history.get_row_at(i))) for i in range(history.row_count)]
        assert any(f"Phone: {old_phone} → 13912345678" in row for row in rows), rows
        saved = [e for e in events(archive_path) if e["kind"] == "customer_changed"][-1]
        assert saved["changes"] == [
            {"path": "contact.phone", "old": old_phone, "new": "13912345678"}
        ]

    drive(host(archive_path, policy), steps)


def test_invalid_input_is_shown_at_the_field_and_blocks_saving(
    archive_path: Path, policy: Policy, bytes_before: bytes
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await type_into(pilot, "f-profile--founded_on", "2008-02-30")
        row = pilot.app.screen.query_one("#row-f-profile--founded_on")
        assert row.has_class("-invalid")
        problem = str(row.query_one(".field-problem", Static).content)
        assert "2008-02-30" in problem
        assert "1 to correct" in text_of(pilot, "#card-header")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert archive_path.read_bytes() == bytes_before
        assert any("Not saved" in str(n.message) for n in pilot.app._notifications)
        # Correcting the field lifts the block.
        await type_into(pilot, "f-profile--founded_on", "2008-02-28")
        assert not row.has_class("-invalid")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(archive_path)["profile"]["founded_on"] == "2008-02-28"

    drive(host(archive_path, policy), steps)


def test_a_stale_save_is_refused_names_who_changed_it_and_offers_a_reload(
    archive_path: Path, policy: Policy
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await type_into(pilot, "f-contact--phone", "13912345678")
        # Meanwhile a colleague saves the same customer from another terminal.
        other = Archive.open(archive_path)
        theirs = {k: v for k, v in stored(archive_path).items() if not k.startswith("_")}
        theirs["contact"] = dict(theirs["contact"], person="李强")
        other.save_customer(theirs, base_rev=1, actor="li")
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = pilot.app.screen
        assert dialog.id == "stale-dialog"
        body = str(dialog.query_one("#dialog-body", Static).content)
        assert "li" in body and "NOT saved" in body and "revision 2" in body
        record = stored(archive_path)
        assert record["contact"] == dict(HONGDA["contact"], person="李强")
        await pilot.click("#choice-reload")
        await settle(pilot)
        screen = card(pilot)
        assert screen.query_one("#f-contact--person", Input).value == "李强"
        assert screen.query_one("#f-contact--phone", Input).value == "13800000000"
        assert screen.draft.base_rev == 2 and not screen.draft.dirty

    drive(host(archive_path, policy), steps)


def test_leaving_with_unsaved_changes_asks_first(
    archive_path: Path, policy: Policy, bytes_before: bytes
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await type_into(pilot, "f-contact--address", "汉口")
        screen = card(pilot)
        assert screen.has_unsaved_changes()
        # Quitting the application asks the same way (the app hands over what it would do).
        quits: list[str] = []
        screen.confirm_leave(lambda: quits.append("quit"))
        await pilot.pause()
        assert pilot.app.screen.id == "unsaved-dialog"
        await pilot.press("escape")  # Esc in the dialog means keep editing
        await pilot.pause()
        assert quits == [] and pilot.app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen.id == "unsaved-dialog"
        await pilot.click("#choice-keep")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CustomerScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#choice-discard")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, CustomerScreen)
        assert archive_path.read_bytes() == bytes_before

    drive(host(archive_path, policy), steps)


def test_choosing_save_when_leaving_saves_then_leaves(archive_path: Path, policy: Policy) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await type_into(pilot, "f-contact--address", "汉口")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#choice-save")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, CustomerScreen)
        assert stored(archive_path)["contact"]["address"] == "汉口"

    drive(host(archive_path, policy), steps)


def test_leaving_without_changes_does_not_ask(archive_path: Path, policy: Policy) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e", "escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, CustomerScreen)

    drive(host(archive_path, policy), steps)


# --- leases, sources, assessment ----------------------------------------------------------


def test_add_close_and_cancel_leases(archive_path: Path, policy: Policy) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = card(pilot)
        await pilot.click("#--content-tab-tab-leases")  # tabs answer the mouse too
        await pilot.pause()
        assert screen.query_one("TabbedContent").active == "tab-leases"  # type: ignore[attr-defined]
        await pilot.press("c")  # the cursor is on the closed 2023 lease: refused
        await pilot.pause()
        assert not screen.draft.dirty
        assert any("not active" in str(n.message) for n in pilot.app._notifications)
        await pilot.press("a")
        await pilot.pause()
        dialog = pilot.app.screen
        assert dialog.id == "lease-dialog"
        await type_into(pilot, "dlg-f-contract", "L2026-099")
        dialog.query_one("#dlg-f-item", Select).value = "construction_hoist"
        await type_into(pilot, "dlg-f-amount", "-5")
        await pilot.click("#dialog-ok")
        await pilot.pause()
        assert pilot.app.screen is dialog  # a negative amount is refused at the field
        assert dialog.query_one("#row-dlg-f-amount").has_class("-invalid")
        await type_into(pilot, "dlg-f-amount", "360000")
        await pilot.click("#dialog-ok")
        await pilot.pause()
        table = screen.query_one("#leases-table", DataTable)
        assert table.row_count == 3 and table.cursor_row == 2
        table.focus()
        table.move_cursor(row=1)  # the active tower crane lease
        await pilot.press("c")
        table.move_cursor(row=0)
        await pilot.press("x")  # cancelling asks first; Esc keeps the lease
        await pilot.pause()
        assert pilot.app.screen.id == "cancel-lease-dialog"
        assert "L2023-001" in str(pilot.app.screen.query_one("#dialog-body", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert screen.draft.leases[0]["status"] == "closed"
        await pilot.press("x", "tab", "enter")  # the second button: cancel the lease
        await pilot.pause()
        assert pilot.app.screen is screen
        assert screen.draft.leases[0]["status"] == "cancelled"
        assert "unsaved" in text_of(pilot, "#card-header")
        await pilot.press("ctrl+s")
        await settle(pilot)
        leases = stored(archive_path)["leases"]
        assert [(x["contract"], x["status"]) for x in leases] == [
            ("L2023-001", "cancelled"),
            ("L2025-014", "closed"),
            ("L2026-099", "active"),
        ]
        assert leases[1]["end"] == AS_OF.isoformat()
        assert leases[2] == {
            "contract": "L2026-099",
            "item": "construction_hoist",
            "start": AS_OF.isoformat(),
            "amount": 360000,
            "status": "active",
        }

    drive(host(archive_path, policy), steps)


def test_add_a_source(archive_path: Path, policy: Policy) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        card(pilot).show_tab("sources")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = pilot.app.screen
        assert dialog.id == "source-dialog"
        dialog.query_one("#dlg-f-kind", Select).value = "agency_investigation"
        await type_into(pilot, "dlg-f-cost", "3000")
        await type_into(pilot, "dlg-f-note", "credit report")
        await pilot.click("#dialog-ok")
        await pilot.press("ctrl+s")
        await settle(pilot)
        sources = stored(archive_path)["sources"]
        assert sources[-1] == {
            "kind": "agency_investigation",
            "on": AS_OF.isoformat(),
            "by": "wang",
            "verified": False,
            "cost": 3000,
            "note": "credit report",
        }

    drive(host(archive_path, policy), steps)


def test_marking_a_customer_form_verified_is_saved_and_recorded(
    archive_path: Path, policy: Policy
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = card(pilot)
        screen.show_tab("sources")
        await pilot.pause()
        sources = screen.query_one("#sources-table", DataTable)
        sources.focus()
        sources.move_cursor(row=1)
        await pilot.press("v")
        await pilot.pause()
        assert "awaiting audit" not in text_of(pilot, "#sources-summary")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(archive_path)["sources"][1]["verified"] is True
        audits = [e for e in events(archive_path) if e["kind"] == "source_verified"]
        assert len(audits) == 1 and audits[0]["actor"] == "wang"

    drive(host(archive_path, policy), steps)


def test_the_assessment_previews_total_and_grade_as_you_type(
    archive_path: Path, policy: Policy
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        card(pilot).show_tab("assessment")
        await pilot.pause()
        await pilot.press("e")
        await type_into(pilot, "f-assessment--payment", "30")
        await type_into(pilot, "f-assessment--reputation", "20")
        shown = text_of(pilot, "#breakdown")
        assert "86.19" in shown and "Grade B band" in shown
        # The header keeps the stored grade and shows where the edits lead.
        header = text_of(pilot, "#card-header")
        assert "B  80.19" in header and "preview  B  86.19" in header
        await type_into(pilot, "f-assessment--strength", "10")
        await type_into(pilot, "f-assessment--potential", "15")
        await type_into(pilot, "f-assessment--other", "10")
        assert "92.69" in text_of(pilot, "#breakdown")
        assert "Already the best grade" in text_of(pilot, "#breakdown")
        # Beyond the item's weight: shown at the field, no total, and saving is blocked.
        await type_into(pilot, "f-assessment--payment", "31")
        row = pilot.app.screen.query_one("#row-f-assessment--payment")
        assert row.has_class("-invalid")
        assert "ungraded" in text_of(pilot, "#breakdown")

    drive(host(archive_path, policy), steps)


def test_a_new_customer_is_created_with_the_proposed_id(archive_path: Path, policy: Policy) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = card(pilot)
        assert screen.query_one("#f-id", Input).value == "C000003"
        assert not screen.query_one("#f-id", Input).disabled
        await type_into(pilot, "f-name", "Wuhan Changjiang Formwork")
        screen.query_one("#f-nature", Select).value = "developer"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        record = stored(archive_path, "C000003")
        assert record["name"] == "Wuhan Changjiang Formwork"
        assert record["nature"] == "developer" and record["_meta"]["rev"] == 1
        assert screen.query_one("#f-id", Input).disabled

    drive(host(archive_path, policy, customer_id=None), steps)


def test_a_new_customer_with_a_taken_id_is_refused(archive_path: Path, policy: Policy) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = card(pilot)
        await type_into(pilot, "f-id", "C000002")
        await type_into(pilot, "f-name", "Another")
        screen.query_one("#f-nature", Select).value = "developer"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(archive_path, "C000002")["name"] == "湖北建工集团"
        assert any("already exists" in str(n.message) for n in pilot.app._notifications)

    drive(host(archive_path, policy, customer_id=None), steps)


HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_slow_save_leaves_the_screen_working_and_says_so(
    archive_path: Path, policy: Policy
) -> None:
    holders: list[subprocess.Popen[str]] = []

    async def steps(pilot: Pilot[None]) -> None:
        screen = card(pilot)
        await pilot.press("e")
        await type_into(pilot, "f-contact--phone", "13912345678")
        # Another process (a regrade, say) takes the archive lock for a while.
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, f"{archive_path}.lock", "2.5"],
            stdout=subprocess.PIPE,
            text=True,
        )
        holders.append(holder)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        await pilot.press("ctrl+s")
        await pilot.pause(0.8)
        # Still waiting for the lock, yet the screen answers keys.
        assert screen._saving
        tabs = screen.query_one("TabbedContent")
        before = tabs.active  # type: ignore[attr-defined]
        screen.query_one("#card-tabs").focus()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert tabs.active != before  # type: ignore[attr-defined]
        assert any("Still saving" in str(n.message) for n in pilot.app._notifications)
        await settle(pilot)
        assert not screen._saving and screen.draft.base_rev == 2

    try:
        drive(host(archive_path, policy), steps)
    finally:
        for holder in holders:
            holder.wait(timeout=10)
    assert stored(archive_path)["contact"]["phone"] == "13912345678"


@pytest.mark.parametrize(
    ("typed", "stored_value"),
    [("5,000万", 50_000_000), ("0.5亿元", 50_000_000), ("1,250,000", 1_250_000)],
)
def test_an_amount_typed_in_wan_is_the_amount_an_import_reads(
    archive_path: Path, policy: Policy, typed: str, stored_value: int
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await type_into(pilot, "f-profile--registered_capital", typed)
        await type_into(pilot, "f-profile--founded_on", "2008年3月5日")
        await pilot.press("ctrl+s")
        await settle(pilot)
        record = stored(archive_path)
        assert record["profile"]["registered_capital"] == stored_value
        assert record["profile"]["founded_on"] == "2008-03-05"

    drive(host(archive_path, policy), steps)


def test_an_amount_that_reads_two_ways_is_refused_at_its_field(
    archive_path: Path, policy: Policy, bytes_before: bytes
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await type_into(pilot, "f-profile--registered_capital", "5,00万")
        row = pilot.app.screen.query_one("#row-f-profile--registered_capital")
        assert row.has_class("-invalid")
        problem = str(row.query_one(".field-problem", Static).content)
        assert "every three digits" in problem
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert archive_path.read_bytes() == bytes_before

    drive(host(archive_path, policy), steps)


@pytest.mark.parametrize(
    ("lang", "at_field", "in_dialog", "not_saved"),
    [
        ("zh", "不是真实存在的日期", "金额不能为负", "成立日期: '2008-02-30' 不是真实"),
        ("en", "is not a real calendar date", "is not an amount",
         "Founded on: '2008-02-30' is not a real"),
    ],
)  # fmt: skip
def test_a_problem_reads_in_the_language_of_the_card(
    archive_path: Path, policy: Policy, lang: str, at_field: str, in_dialog: str, not_saved: str
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = card(pilot)
        await pilot.press("e")
        await type_into(pilot, "f-profile--founded_on", "2008-02-30")
        row = screen.query_one("#row-f-profile--founded_on")
        assert at_field in str(row.query_one(".field-problem", Static).content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = [str(n.message) for n in pilot.app._notifications]
        assert any(not_saved in message for message in said), said
        await type_into(pilot, "f-profile--founded_on", "2008-02-28")
        screen.query_one("TabbedContent").active = "tab-leases"  # type: ignore[attr-defined]
        await pilot.pause()
        screen.query_one("#leases-table", DataTable).focus()
        await pilot.press("a")
        await pilot.pause()
        dialog = pilot.app.screen
        await type_into(pilot, "dlg-f-amount", "-5")
        problem = str(dialog.query_one("#row-dlg-f-amount .field-problem", Static).content)
        assert in_dialog in problem

    drive(host(archive_path, policy, lang=lang), steps)
