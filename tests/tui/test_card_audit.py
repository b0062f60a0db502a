"""The card's audit of a returned form and its demand request, keyboard only (Pilot): each
declared value accepted, corrected or rejected, saved and in the history; a demand kept."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from card_kit import card, drive, edit_stored, events, host, settle, stored, text_of, type_into
from textual.pilot import Pilot
from textual.widgets import DataTable

from creditfile.application.allocation import kept_demands
from creditfile.policy import Policy
from creditfile.store import Archive
from creditfile.tui.card.audit_dialog import AuditDialog
from creditfile.tui.card.demand_dialog import DemandDialog
from creditfile.tui.card.views import history_row

DECLARED = {
    "profile.registered_capital": 80000000,
    "profile.total_assets": 120000000,
    "contact.phone": "027-85551234",
}


def with_declared(path: Path) -> None:
    """C000001's form of 2026-09-01 came back declaring three values (as form import keeps)."""
    edit_stored(path, lambda doc: doc["sources"][1].update(declared=dict(DECLARED)))


def _two_forms(doc: dict[str, Any], later: dict[str, Any]) -> None:
    """The form of 2026-09-01 declares a registered capital of 80,000,000; a later form,
    of 2026-11-30, declares ``later``."""
    doc["sources"][1]["declared"] = {"profile.registered_capital": 80000000}
    form = {"kind": "customer_form", "on": "2026-11-30", "by": "赵出纳", "verified": False}
    doc["sources"].append({**form, "declared": later})


def _audits(path: Path) -> list[dict[str, Any]]:
    return [e for e in events(path) if e["kind"] == "form_audited"]


async def _row(pilot: Pilot[None], label: str) -> None:
    """Put the dialog's cursor on the row of ``label`` with the arrow keys."""
    table = pilot.app.screen.query_one("#audit-table", DataTable)
    await pilot.press(*["up"] * table.row_count)
    for _ in range(table.row_count):
        if str(table.get_row_at(table.cursor_row)[0]).startswith(label):
            return
        await pilot.press("down")
    raise AssertionError(f"no row {label}")


def test_d_audits_each_declared_value_accept_correct_reject(
    archive_path: Path, policy: Policy
) -> None:
    with_declared(archive_path)

    async def steps(pilot: Pilot[None]) -> None:
        # Each declared value shows under the archive's, on the card itself.
        shown = [str(w.content) for w in pilot.app.screen.query(".field-declared") if w.display]
        assert (
            "Declared on returned forms, to audit (d) · on file: 13800000000\n"
            "  027-85551234 — form #2 2026-09-01" in shown
        )
        assert (
            "Declared on returned forms, to audit (d) · on file: 50,000,000.00\n"
            "  80,000,000.00 — form #2 2026-09-01" in shown
        )
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AuditDialog)
        table = pilot.app.screen.query_one("#audit-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        # Declared beside the archive's value, field by field.
        assert ["Phone", "#2", "13800000000", "027-85551234"] in rows
        assert ["Registered capital (CNY)", "#2", "50,000,000.00", "80,000,000.00"] in rows
        detail = text_of(pilot, "#audit-detail")
        assert "declared: 027-85551234" in detail and "2026-09-01" in detail
        assert "on file: 13800000000" in detail
        assert "form #2" in detail
        await _row(pilot, "Registered capital")
        await pilot.press("r")  # overstated: rejected
        await settle(pilot)
        await _row(pilot, "Phone")
        await pilot.press("c")  # corrected: the audited value typed
        await settle(pilot)
        await type_into(pilot, "audit-value", "027-8555 1234")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.query_one("#audit-table", DataTable).row_count == 1
        await pilot.press("a")  # total assets: accepted
        await settle(pilot)
        assert "Nothing awaits audit" in text_of(pilot, "#audit-status")
        await pilot.press("escape")
        await settle(pilot)
        screen = card(pilot)
        assert screen.draft.value("contact.phone") == "027-8555 1234"
        assert screen.draft.value("profile.total_assets") == 120000000
        assert not screen.check_action("audit", ())  # nothing left: the key is gone
        assert not [w for w in screen.query(".field-declared") if w.display]

    drive(host(archive_path, policy), steps)
    record = stored(archive_path)
    assert record["profile"]["registered_capital"] == 50000000
    assert record["profile"]["total_assets"] == 120000000
    assert record["contact"]["phone"] == "027-8555 1234"
    form = record["sources"][1]
    assert form["verified"] is True and "declared" not in form
    decided = [(e["field"], e["decision"], e["declared"], e["decided"], e["actor"])
               for e in _audits(archive_path)]  # fmt: skip
    assert decided == [
        ("profile.registered_capital", "reject", 80000000, 50000000, "wang"),
        ("contact.phone", "set", "027-85551234", "027-8555 1234", "wang"),
        ("profile.total_assets", "accept", 120000000, 120000000, "wang"),
    ]
    assert any(e["kind"] == "source_verified" for e in events(archive_path))
    row = history_row(_audits(archive_path)[0], "en", policy)
    assert row[2] == "declared value audited"
    assert row[3] == "Registered capital (CNY): declared 80,000,000.00, rejected: 50,000,000.00"


def test_in_chinese_at_80_by_24_a_bad_correction_is_refused(
    archive_path: Path, policy: Policy
) -> None:
    with_declared(archive_path)

    async def main() -> None:
        app = host(archive_path, policy, lang="zh")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("d")
            await settle(pilot)
            dialog = pilot.app.screen
            assert isinstance(dialog, AuditDialog)
            assert dialog.region.width <= 80
            table = dialog.query_one("#audit-table", DataTable)
            assert next(str(c) for c in table.get_row_at(0)) == "电话"
            assert "a 采纳" in text_of(pilot, "#audit-status")
            await _row(pilot, "注册资本")
            await pilot.press("c")
            await type_into(pilot, "audit-value", "很多钱")
            await pilot.press("enter")
            await settle(pilot)
            assert table.row_count == 3  # refused: nothing decided
            await pilot.press("escape", "escape")
            await settle(pilot)

    asyncio.run(main())
    assert _audits(archive_path) == []


def test_d_is_refused_with_unsaved_edits_and_absent_without_declared_values(
    archive_path: Path, policy: Policy
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        assert not card(pilot).check_action("audit", ())
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, AuditDialog)

    drive(host(archive_path, policy), steps)


def test_n_keeps_a_demand_request_with_the_same_checks(archive_path: Path, policy: Policy) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DemandDialog)
        await type_into(pilot, "demand-quantity", "0")
        await type_into(pilot, "demand-wanted", "2026-12-20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "quantity '0'" in text_of(pilot, "#demand-problems")
        await type_into(pilot, "demand-quantity", "12")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, DemandDialog)

    drive(host(archive_path, policy), steps)
    [kept] = kept_demands(Archive.open(archive_path))
    assert (kept["customer_id"], kept["quantity"], kept["wanted_on"]) == (
        "C000001",
        12,
        "2026-12-20",
    )
    assert kept["item"] in policy.item_categories


def test_a_correction_typed_at_once_edits_the_value_and_one_of_several_lines_keeps_them(
    archive_path: Path, policy: Policy
) -> None:
    declared = {
        "contact.phone": "027-85551234",
        "business.construction_business": "以住宅房建为主\n2023年 武汉某小区 3万平米",
    }
    edit_stored(archive_path, lambda doc: doc["sources"][1].update(declared=declared))

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("d")
        await settle(pilot)
        table = pilot.app.screen.query_one("#audit-table", DataTable)
        cells = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert "以住宅房建为主 ↵ …" in cells, cells
        await _row(pilot, "Phone")
        # Keys sent right after c, before anything settles, edit the value: they do not
        # replace a selection made when the input took the focus.
        await pilot.press("c", "end", "-", "0")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await _row(pilot, "Construction business")
        await pilot.press("c", "end", "已", "核", "实")
        await settle(pilot)
        await pilot.press("enter", "x")  # a new line in the box, not a save
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Nothing awaits audit" in text_of(pilot, "#audit-status")

    drive(host(archive_path, policy), steps)
    record = stored(archive_path)
    assert record["contact"]["phone"] == "027-85551234-0"
    assert record["business"]["construction_business"] == (
        "以住宅房建为主\n2023年 武汉某小区 3万平米已核实\nx"
    )


def test_two_forms_answering_one_field_are_two_rows_each_decided_on_its_own(
    archive_path: Path, policy: Policy
) -> None:
    later = {"profile.registered_capital": 90000000}
    newest = len(edit_stored(archive_path, lambda doc: _two_forms(doc, later))["sources"])

    async def steps(pilot: Pilot[None]) -> None:
        shown = [str(w.content) for w in pilot.app.screen.query(".field-declared") if w.display]
        # Two distinct answers: a line each, under the archive's value.
        assert (
            "Declared on returned forms, to audit (d) · on file: 50,000,000.00\n"
            f"  90,000,000.00 — form #{newest} 2026-11-30\n"
            "  80,000,000.00 — form #2 2026-09-01" in shown
        )
        await pilot.press("d")
        await settle(pilot)
        table = pilot.app.screen.query_one("#audit-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            ["Registered capital (CNY)", f"#{newest}", "50,000,000.00", "90,000,000.00"],
            ["Registered capital (CNY)", "#2", "50,000,000.00", "80,000,000.00"],
        ]
        await pilot.press("down")  # the older form's answer
        await settle(pilot)
        assert "form #2" in text_of(pilot, "#audit-detail")
        await pilot.press("a")
        await settle(pilot)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            ["Registered capital (CNY)", f"#{newest}", "80,000,000.00", "90,000,000.00"]
        ]
        await pilot.press("escape")
        await settle(pilot)

    drive(host(archive_path, policy), steps)
    record = stored(archive_path)
    assert record["profile"]["registered_capital"] == 80000000
    assert record["sources"][1]["verified"] is True
    assert record["sources"][-1]["declared"] == {"profile.registered_capital": 90000000}
    [audit] = _audits(archive_path)
    assert (audit["source_index"], audit["decision"], audit["decided"]) == (1, "accept", 80000000)


def test_two_forms_declaring_the_same_value_are_one_row_decided_once(
    archive_path: Path, policy: Policy
) -> None:
    later = {"profile.registered_capital": 80000000, "contact.phone": "110"}
    newest = len(edit_stored(archive_path, lambda doc: _two_forms(doc, later))["sources"])

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("d")
        await settle(pilot)
        table = pilot.app.screen.query_one("#audit-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["Registered capital (CNY)", f"#{newest}, #2", "50,000,000.00", "80,000,000.00"] in (
            rows
        )
        assert len(rows) == 2  # the capital once, the phone once
        await _row(pilot, "Registered capital")
        detail = text_of(pilot, "#audit-detail")
        assert f"the same on forms #{newest}, 2026-11-30, 赵出纳; #2, 2026-09-01" in detail
        await pilot.press("r")
        await settle(pilot)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [["Phone", f"#{newest}", "13800000000", "110"]]
        await pilot.press("escape")
        await settle(pilot)

    drive(host(archive_path, policy), steps)
    record = stored(archive_path)
    assert record["profile"]["registered_capital"] == 50000000
    older, newer = record["sources"][1], record["sources"][-1]
    assert older["verified"] is True and "declared" not in older  # its one answer decided
    assert newer["declared"] == {"contact.phone": "110"}
    decided = [
        (e["source_index"], e["decision"], e["source_indexes"]) for e in _audits(archive_path)
    ]
    assert decided == [(newest - 1, "reject", [newest - 1, 1]), (1, "reject", [newest - 1, 1])]
    row = history_row(_audits(archive_path)[1], "en", policy)
    assert row[3] == (
        "Registered capital (CNY): declared 80,000,000.00, rejected: 50,000,000.00 "
        f"(the same answer on forms #{newest}, #2, decided together)"
    )
