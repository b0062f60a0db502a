"""Regrade, portfolio, policy, review, help, palette, keymap and quitting, driven with Pilot."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from creditfile.reports.composition import composition, customer_lines, item_composition
from creditfile.store import Archive
from creditfile.tui.app import CreditfileApp
from creditfile.tui.keys import KEYS
from creditfile.tui.screens.help import HelpScreen
from creditfile.tui.screens.policy_screen import PolicyScreen
from creditfile.tui.screens.portfolio import PortfolioScreen
from creditfile.tui.screens.regrade import RegradeScreen
from creditfile.tui.screens.review import ReviewScreen

TOTAL = 151


def text_of(pilot: Pilot[None], selector: str) -> str:
    content = pilot.app.screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = Console(width=300, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


def archive_bytes(folder: Path) -> dict[str, bytes]:
    """The archive file and its history sidecar, byte for byte."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith("archive.json")
            and not p.name.endswith(".lock")}  # fmt: skip


def stricter_policy(folder: Path) -> None:
    """Raise every threshold by 5 points (a new version) so a regrade changes grades."""
    path = folder / "policy.yaml"
    text = path.read_text("utf-8")
    for old, new in (("min_score: 90", "min_score: 95"), ("min_score: 80", "min_score: 85"),
                     ("min_score: 70", "min_score: 75"), ('"2026.1"', '"2026.2"')):  # fmt: skip
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, "utf-8")


def app_of(pilot: Pilot[None]) -> CreditfileApp:
    assert isinstance(pilot.app, CreditfileApp)
    return pilot.app


# --- regrade ------------------------------------------------------------------------------


def test_regrade_preview_shows_counts_matrix_and_changes_and_esc_writes_nothing(tui: Any) -> None:
    stricter_policy(tui.folder)
    before = archive_bytes(tui.folder)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("r")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RegradeScreen)
        preview = screen.preview
        assert preview is not None
        assert preview.policy_version == "2026.2"
        assert sum(preview.before.values()) == sum(preview.after.values()) == TOTAL
        assert preview.changes, "stricter thresholds must lower some grades"
        assert all(c["from"] != c["to"] for c in preview.changes)
        assert "Regrade of 151 customers under policy 2026.2" in text_of(pilot, "#regrade-heading")
        changes = screen.query_one("#regrade-changes", DataTable)
        assert changes.row_count == len(preview.changes)
        matrix = screen.query_one("#regrade-matrix", DataTable)
        assert matrix.row_count >= 2
        await pilot.press("escape")
        await tui.settle(pilot)
        assert pilot.app.screen is app_of(pilot).list_screen()

    tui.run(tui.make_app("en"), steps)
    assert archive_bytes(tui.folder) == before


def test_confirming_a_regrade_writes_it_records_the_run_and_updates_the_list(tui: Any) -> None:
    stricter_policy(tui.folder)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("r")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RegradeScreen)
        assert screen.preview is not None
        expected = {c["id"]: c["to"] for c in screen.preview.changes}
        await pilot.press("y")
        await tui.settle(pilot)
        await tui.settle(pilot)
        listing = app_of(pilot).list_screen()
        assert pilot.app.screen is listing
        assert listing.index is not None
        rows = {row.id: row for row in listing.index.rows}
        for cid, grade in expected.items():
            assert rows[cid].grade == (grade or "")
        records = Archive.open(tui.archive).records()
        for cid, grade in expected.items():
            assert records[cid]["_grading"]["grade"] == grade
            assert records[cid]["_grading"]["policy"]["version"] == "2026.2"
        runs = Archive.open(tui.archive).runs()
        assert runs[-1]["actor"] == "tester"
        assert runs[-1]["changes"] == len(expected)

    tui.run(tui.make_app("en"), steps)


def test_a_regrade_cancelled_before_its_write_leaves_the_file_byte_identical(tui: Any) -> None:
    from creditfile.tui.service import ArchiveService, RegradeCancelledError

    stricter_policy(tui.folder)
    before = archive_bytes(tui.folder)
    service = ArchiveService(
        tui.archive, tui.folder / "policy.yaml", actor="tester", as_of=tui.as_of
    )
    service.load()
    phases: list[str] = []
    try:
        service.apply_regrade(lambda _f, phase: phases.append(phase), cancelled=lambda: True)
    except RegradeCancelledError:
        pass
    else:
        raise AssertionError("the regrade was not cancelled")
    assert phases[0] == "reading"
    assert archive_bytes(tui.folder) == before


def test_the_preview_grades_exactly_as_the_engine_does(tui: Any) -> None:
    from creditfile.engine import grade_archive
    from creditfile.tui.service import ArchiveService

    stricter_policy(tui.folder)
    service = ArchiveService(tui.archive, tui.folder / "policy.yaml", actor="t", as_of=tui.as_of)
    service.load()
    preview = service.preview_regrade()
    gradings = grade_archive(service.documents(), service.policy, tui.as_of)
    after: dict[str, int] = {}
    for grading in gradings.values():
        key = grading["grade"] if grading["status"] == "graded" else "ungraded"
        after[key] = after.get(key, 0) + 1
    assert {k: v for k, v in preview.after.items() if v} == after


# --- portfolio, policy, review ------------------------------------------------------------


def test_portfolio_shows_the_report_functions_own_numbers_in_each_view(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PortfolioScreen)
        service = app_of(pilot).service
        lines = customer_lines(service.documents(), service.gradings(), service.policy, tui.as_of)
        shown = service.policy.in_language(
            "en"
        )  # the groups named as the English screen names them
        for view in ("grade", "nature", "tier"):
            assert screen.reports[view] == composition(lines, shown, view)
        assert screen.reports["item"] == item_composition(lines, shown)
        assert "Total: 151 customers" in text_of(pilot, "#portfolio-total")
        await pilot.press("b")
        assert screen.view == "item"
        assert "leases, amount CNY" in text_of(pilot, "#portfolio-total")
        await pilot.press("b", "b")
        assert screen.view == "tier"
        chart = text_of(pilot, "#portfolio-chart")
        assert "Major" in chart and "主力客户" not in chart  # the policy's English label
        assert "█" in chart
        await pilot.press("left")
        assert screen.view == "nature"
        await pilot.press("escape")
        assert pilot.app.screen is app_of(pilot).list_screen()

    tui.run(tui.make_app("en"), steps)


def test_policy_screen_shows_the_policy_and_reload_refuses_a_broken_file(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("3")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PolicyScreen)
        shown = text_of(pilot, "#policy-view")
        policy = app_of(pilot).service.policy
        # In English, the policy's labels as its labels_en gives them.
        for expected in ("2026.1", policy.sha256, "policy.yaml", "Reputation and credit",
                         "Prime customer", "credit_limit", "Credit limit (CNY)", "5,000,000",
                         "Major", "lease_count >= 10", "The file on disk validates"):  # fmt: skip
            assert expected in shown
        path = tui.folder / "policy.yaml"
        path.write_text(path.read_text("utf-8").replace("weight: 30", "weight: 35"), "utf-8")
        await pilot.press("r")
        await tui.settle(pilot)
        shown = text_of(pilot, "#policy-view")
        assert "does not validate" in shown
        assert "policy.yaml:" in shown  # each problem names the file and line
        assert app_of(pilot).service.policy.version == "2026.1"  # still in force
        stricter_policy(tui.folder)
        path.write_text(path.read_text("utf-8").replace("weight: 35", "weight: 30"), "utf-8")
        await pilot.press("r")
        await tui.settle(pilot)
        assert app_of(pilot).service.policy.version == "2026.2"
        assert "95" in text_of(pilot, "#policy-view")

    tui.run(tui.make_app("en"), steps)


def test_review_lists_who_needs_attention_and_enter_opens_the_card(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("4")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        listing = app_of(pilot).list_screen()
        marked = {row.id for row in listing.index.rows if row.attention}
        assert {row["id"] for row in screen.due} == marked
        table = screen.query_one(DataTable)
        table.focus()
        await pilot.press("enter")
        await tui.settle(pilot)
        assert pilot.app.screen.has_class("customer-card")

    tui.run(tui.make_app("en"), steps)


def test_number_keys_switch_screens_and_each_keeps_its_state(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"whhd", "enter")
        for key, kind in (("2", PortfolioScreen), ("3", PolicyScreen), ("4", ReviewScreen)):
            await pilot.press(key)
            await tui.settle(pilot)
            assert isinstance(pilot.app.screen, kind)
        await pilot.press("1")
        listing = app_of(pilot).list_screen()
        assert pilot.app.screen is listing
        assert listing.query_state.text == "whhd"

    tui.run(tui.make_app("en"), steps)


# --- help, palette, keys, quitting --------------------------------------------------------


def test_f1_and_question_mark_list_every_key_with_its_id(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            screen = pilot.app.screen
            assert isinstance(screen, HelpScreen)
            table = screen.query_one(DataTable)
            ids = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
            assert {spec.id for spec in KEYS} <= ids
            assert "card.save" in ids  # the card's keys are listed too
            await pilot.press("escape")
            assert not isinstance(pilot.app.screen, HelpScreen)

    tui.run(tui.make_app("en"), steps)


def test_the_command_palette_offers_every_action_and_runs_it(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = app_of(pilot)
        titles = {c.title: c for c in app.get_system_commands(app.screen)}
        for wanted in ("Search", "Filters", "Sort column", "Reverse sort", "Open", "Edit",
                       "New customer", "Regrade", "Customers", "Portfolio", "Policy", "Review",
                       "Keys", "Quit", "Reload the policy"):  # fmt: skip
            assert wanted in titles, wanted
        await pilot.press("ctrl+p")
        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press("escape")
        await titles["Portfolio"].callback()
        await tui.settle(pilot)
        assert isinstance(pilot.app.screen, PortfolioScreen)
        await titles["Search"].callback()
        await pilot.pause()
        assert isinstance(pilot.app.focused, Input)

    tui.run(tui.make_app("en"), steps)


def test_a_keymap_file_remaps_keys_by_binding_id(tui: Any) -> None:
    keymap = tui.folder / "keys.toml"
    keymap.write_text('"list.search" = "ctrl+f"\n"app.screen_portfolio" = ["p", "2"]\n', "utf-8")

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        assert not isinstance(pilot.app.focused, Input)
        await pilot.press("ctrl+f")
        assert isinstance(pilot.app.focused, Input)
        await pilot.press("enter", "p")
        await tui.settle(pilot)
        assert isinstance(pilot.app.screen, PortfolioScreen)

    tui.run(tui.make_app("en", keymap=keymap), steps)


def test_a_broken_keymap_file_is_reported_and_the_default_keys_stay(tui: Any) -> None:
    keymap = tui.folder / "keys.toml"
    keymap.write_text('"list.serch" = "ctrl+f"\n', "utf-8")
    app = tui.make_app("en", keymap=keymap)

    async def steps(pilot: Pilot[None]) -> None:
        problem = app_of(pilot).keymap_problem
        assert problem is not None
        assert "did you mean 'list.search'" in str(problem)
        await pilot.press("slash")
        assert isinstance(pilot.app.focused, Input)

    tui.run(app, steps)


def test_ctrl_q_quits(tui: Any) -> None:
    app = tui.make_app("en")

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running

    tui.run(app, steps)


def test_a_missing_archive_is_named_on_screen(tmp_path: Path, monkeypatch: Any) -> None:
    import asyncio

    from creditfile.tui.app import create_app

    monkeypatch.chdir(tmp_path)
    app = create_app(tmp_path / "nowhere.json", None, "en", keymap_file=tmp_path / "k.toml")

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            title = text_of(pilot, "#list-title")
            assert "Cannot open the archive" in title
            assert "nowhere.json" in title

    asyncio.run(main())


def test_a_change_by_another_program_is_announced_and_ctrl_r_reloads_it(tui: Any) -> None:
    # Not following writes live (then the rows change by themselves: tests/tui/test_live.py).
    async def steps(pilot: Pilot[None]) -> None:
        app = app_of(pilot)
        app._check_disk()
        assert not app._told_changed  # nothing changed yet, nothing said
        other = Archive.open(tui.archive)  # a second program on the same file
        record = other.get("C000009")
        assert record is not None
        doc = {k: v for k, v in record.items() if not k.startswith("_")}
        other.save_customer({**doc, "name": "别处改名有限公司"}, base_rev=record["_meta"]["rev"],
                            actor="li")  # fmt: skip
        app._check_disk()
        await pilot.pause()
        assert app._told_changed
        assert any("changed elsewhere" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+r")
        await tui.settle(pilot)
        await pilot.press("slash", *"bcgm")
        assert [app.list_screen().index.rows[i].id for i in app.list_screen().shown] == ["C000009"]

    tui.run(tui.make_app("en", live=False), steps)
