"""``creditfile report trend`` on a real archive: sums against the exported leases, grades of
past periods from backdated regrade runs, the warning when the history holds none."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_report_cli import AS_OF, DOCS, cli, graded  # noqa: F401  (fixtures)

from creditfile.store import Archive


def _trend(cli: Any, *args: str) -> dict[str, Any]:  # noqa: F811
    result = cli("report", "trend", "--as-of", AS_OF, "--json", *args)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)["data"]
    return data


@pytest.mark.parametrize("by", ["grade", "item", "nature"])
def test_trend_sums_match_the_exported_leases(graded: Path, cli: Any, by: str) -> None:  # noqa: F811
    exported = json.loads(cli("export", "--format", "json").stdout)
    expected = sum(
        (
            Decimal(repr(lease["amount"]))
            for doc in exported
            for lease in doc.get("leases", ())
            if lease["status"] != "cancelled" and lease["start"] <= AS_OF
        ),
        Decimal(0),
    )
    data = _trend(cli, "--by", by, "--period", "quarter")
    assert sum(Decimal(repr(p["amount"])) for p in data["periods"]) == expected
    assert data["periods"][-1]["key"] == "2026-Q4"


def test_past_grades_come_from_backdated_runs(tmp_path: Path, cli: Any) -> None:  # noqa: F811
    docs = [
        {
            "id": "T1",
            "name": "趋势测试有限公司",
            "nature": "developer",
            "leases": [
                {"contract": "L1", "item": "tower_crane", "start": "2024-03-01",
                 "amount": 1000.0, "status": "closed"},
                {"contract": "L2", "item": "tower_crane", "start": "2025-03-01",
                 "amount": 3000.0, "status": "active"},
            ],
            "assessment": {"strength": 10, "potential": 15, "reputation": 20, "payment": 30,
                           "other": 10, "assessed_on": "2024-01-10"},
        }
    ]  # fmt: skip
    Archive.open(tmp_path / "archive.json", create=True).import_customers(docs, actor="t")
    before = cli("report", "trend", "--as-of", AS_OF)
    assert "the history records no grade" in before.stderr
    for day in ("2024-12-31", AS_OF):
        assert cli("regrade", "--as-of", day).returncode == 0
    data = _trend(cli)
    grades = {p["key"]: {r["key"]: r["amount"] for r in p["rows"]} for p in data["periods"]}
    assert grades["2024"] == {"A": 1000.0}
    assert grades["2025"]["A"] == 3000.0  # held since the 2024 run, which nothing changed
    now = _trend(cli, "--grades", "now")
    assert now["periods"][0]["rows"][0]["key"] == "A"
    after = cli("report", "trend", "--as-of", AS_OF)
    assert "the history records no grade" not in after.stderr
    assert "2024" in after.stdout and "4,000" not in after.stdout  # per period, not summed


def test_trend_in_chinese_and_a_too_long_series(graded: Path, cli: Any) -> None:  # noqa: F811
    zh = cli("--lang", "zh", "report", "trend", "--by", "item", "--as-of", AS_OF)
    assert zh.returncode == 0, zh.stderr
    assert "按年" in zh.stdout and "租赁金额" in zh.stdout
    refused = cli("report", "trend", "--period", "quarter", "--from", "1800-01-01")
    assert refused.returncode == 1
    assert "later --from" in refused.stderr


def test_the_html_report_shows_the_trend(graded: Path, cli: Any, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "report.html"
    assert (
        cli("report", "html", "--out", str(out), "--as-of", AS_OF, "--lang", "zh").returncode == 0
    )
    page = out.read_text("utf-8")
    data = _trend(cli)
    section = page[page.index("各年业务走势") :]
    for period in data["periods"]:
        assert f"<td>{period['key']}</td>" in section or period["key"] in section
    last = data["periods"][-1]
    assert f"{last['amount'] / 10000:,.1f}" in section
    assert "<script" not in page


def test_the_last_period_cut_by_the_as_of_date_is_marked(
    graded: Path,  # noqa: F811
    cli: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    data = _trend(cli, "--period", "quarter")
    assert [p["partial"] for p in data["periods"]][-2:] == [False, True]
    assert data["periods"][-1]["to"] == AS_OF
    shown = cli("--lang", "en", "report", "trend", "--period", "quarter", "--as-of", AS_OF)
    assert "2026-Q4 (to 11-29)" in shown.stdout and "2026-Q3 (" not in shown.stdout
    zh = cli("--lang", "zh", "report", "trend", "--period", "quarter", "--as-of", AS_OF).stdout
    assert "2026-Q4(截至 11-29)" in zh
    out = tmp_path / "report.html"
    html = ("report", "html", "--out", str(out), "--as-of", AS_OF, "--lang", "en")
    assert cli(*html).returncode == 0
    assert "2026 (to 11-29)" in out.read_text("utf-8")
    book = tmp_path / "trend.xlsx"
    assert cli("report", "trend", "--as-of", AS_OF, "--xlsx", str(book)).returncode == 0
    periods = [row[0] for row in openpyxl.load_workbook(book).active.iter_rows(values_only=True)]
    assert "2026 (to 11-29)" in periods or "2026(截至 11-29)" in periods
