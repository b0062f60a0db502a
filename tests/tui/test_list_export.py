"""``creditfile list`` and the UI's list: one use case, the same rows, exported without personal data.

On a real seeded archive (the UI tests' fixture): filters by key or label, pinyin search,
sorting, the attention filter; the command line in a subprocess (table, --json, --csv,
--xlsx); ``x`` in the UI writing exactly the rows it shows, in its order.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from textual.pilot import Pilot

from creditfile.application.customer_list import (
    ListError,
    ListRequest,
    list_query,
    list_rows,
    list_table,
)
from creditfile.policy import load_policy
from creditfile.store import Archive
from creditfile.tui.app import CreditfileApp

ROOT = Path(__file__).parents[2]


def rows_for(folder: Path, as_of: Any, **request: Any) -> list[Any]:
    policy = load_policy(folder / "policy.yaml")
    query = list_query(ListRequest(**request), policy)
    return list_rows(Archive.open(folder / "archive.json").records(), policy, as_of, query)


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CREDITFILE_DB": str(folder / "archive.json")}
    env.pop("CREDITFILE_POLICY", None)
    return subprocess.run(
        [sys.executable, "-m", "creditfile", "--policy", "policy.yaml", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        timeout=120,
        check=False,
    )


def test_filters_take_keys_or_labels_and_every_filter_must_hold(tui: Any) -> None:
    by_key = rows_for(tui.folder, tui.as_of, grades=["B", "C"], natures=["developer"])
    by_label = rows_for(tui.folder, tui.as_of, grades=["良好客户", "合格客户"], natures=["开发商"])
    assert by_key and [r.id for r in by_key] == [r.id for r in by_label]
    assert {r.grade for r in by_key} <= {"B", "C"} and {r.nature for r in by_key} == {"developer"}
    everyone = rows_for(tui.folder, tui.as_of)
    expected = [r.id for r in everyone if r.grade in ("B", "C") and r.nature == "developer"]
    assert [r.id for r in by_key] == expected
    tier = rows_for(tui.folder, tui.as_of, tiers=["主力客户"])
    assert tier and {r.tier for r in tier} == {"key_account"}
    ungraded = rows_for(tui.folder, tui.as_of, grades=["ungraded"])
    assert ungraded and all(r.grade == "" for r in ungraded)
    due = rows_for(tui.folder, tui.as_of, attention=True)
    assert due and all(r.attention for r in due) and len(due) < len(everyone)


def test_search_by_pinyin_and_sort_descending(tui: Any) -> None:
    [found] = rows_for(tui.folder, tui.as_of, text="whhd")
    assert found.name == "武汉宏达建设工程有限公司"
    ranked = rows_for(tui.folder, tui.as_of, sort="total", reverse=True)
    totals = [r.total for r in ranked if r.total is not None]
    assert totals == sorted(totals, reverse=True)
    assert all(r.total is None for r in ranked[len(totals) :])  # ungraded last


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        ({"grades": ["E"]}, ["--grade 'E'", "A, B, C, D"]),
        ({"natures": ["开发"]}, ["--nature '开发'", "开发商"]),
        ({"sort": "phone"}, ["--sort 'phone'", "total"]),
    ],
)
def test_an_unknown_name_is_refused_with_the_choices(
    tui: Any, request_: dict[str, Any], words: list[str]
) -> None:
    with pytest.raises(ListError) as caught:
        list_query(ListRequest(**request_), load_policy(tui.folder / "policy.yaml"))
    assert all(word in str(caught.value) for word in words)


def test_the_table_puts_the_grade_beside_the_name_and_holds_no_contact_or_personal_data(
    tui: Any,
) -> None:
    rows = rows_for(tui.folder, tui.as_of, text="whhd")
    table = list_table(rows, load_policy(tui.folder / "policy.yaml"), "zh")
    assert table.headers()[:4] == ["客户编号", "客户名称", "信用等级", "等级名称"]
    values = table.values()[0]
    shown = " ".join(str(v) for v in values)
    assert values[:2] == ["C900001", "武汉宏达建设工程有限公司"]
    for private in ("王敏", "13800000000", "谨慎", "钓鱼", "已婚"):
        assert private not in shown
    english = list_table(rows, load_policy(tui.folder / "policy.yaml"), "en")
    assert english.headers()[:3] == ["Customer id", "Name", "Grade"]


def test_the_command_line_lists_as_table_json_csv_and_xlsx(tui: Any) -> None:
    expected = [r.id for r in rows_for(tui.folder, tui.as_of, grades=["B"], sort="total")]
    shown = cli(tui.folder, "list", "--grade", "B", "--sort", "total", "--json")
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert [r["id"] for r in document["rows"]] == expected
    assert document["customers"] == len(expected)
    as_csv = cli(tui.folder, "list", "--grade", "B", "--sort", "total", "--csv", "--lang", "zh")
    assert as_csv.returncode == 0 and as_csv.stdout.startswith("\ufeff")
    records = list(csv.reader(io.StringIO(as_csv.stdout.removeprefix("\ufeff"))))
    assert records[0][:3] == ["客户编号", "客户名称", "信用等级"]
    assert [r[0] for r in records[1:]] == expected
    written = cli(tui.folder, "list", "--grade", "B", "--sort", "total", "--xlsx", "b.xlsx")
    assert written.returncode == 0, written.stderr
    assert f"wrote {len(expected)} customers to b.xlsx" in written.stderr
    sheet = load_workbook(tui.folder / "b.xlsx").active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected
    assert (tui.folder / "b.xlsx").stat().st_mode & 0o777 == 0o600
    table = cli(tui.folder, "list", "--search", "hongda", "--lang", "en")
    assert table.returncode == 0 and "武汉宏达建设工程有限公司" in table.stdout
    assert table.stdout.rstrip().endswith("1 customer")


def test_the_command_line_refuses_the_archive_as_output_and_unknown_names(tui: Any) -> None:
    before = (tui.folder / "archive.json").read_bytes()
    refused = cli(tui.folder, "list", "--xlsx", "archive.json")
    assert refused.returncode == 1 and "archive.json" in refused.stderr
    assert (tui.folder / "archive.json").read_bytes() == before
    unknown = cli(tui.folder, "list", "--tier", "vip")
    assert unknown.returncode == 2 and "key_account" in unknown.stderr


def test_x_in_the_ui_exports_the_rows_shown_in_their_order(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"gongcheng", "enter")
        await pilot.press("S")  # reverse the sort: the export follows the list's order
        await tui.settle(pilot)
        app = pilot.app
        assert isinstance(app, CreditfileApp)
        listing = app.list_screen()
        assert listing is not None and listing.index is not None
        shown = [listing.index.rows[i].id for i in listing.shown]
        assert 0 < len(shown) < len(listing.index)
        await pilot.press("x")
        await tui.settle(pilot)
        [book] = list(tui.folder.glob("customers-*.xlsx"))
        sheet = load_workbook(book).active
        assert sheet is not None
        assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == shown
        assert any(str(book) in str(n.message) for n in app._notifications)

    tui.run(tui.make_app("en"), steps)
