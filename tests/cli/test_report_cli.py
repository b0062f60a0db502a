"""``creditfile report …`` and ``creditfile template`` on a real archive file.

Most checks call the program's ``main`` in this process (a process start costs seconds);
the HTML report and the missing-archive message run as real subprocesses.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from cli_support import Run, no_traceback

from creditfile.cli.program import main
from creditfile.store import Archive

AS_OF = "2026-11-29"
MARKS = {"strength": 9, "potential": 14, "reputation": 19, "payment": 29, "other": 9}


def _customer(index: int) -> dict[str, Any]:
    natures = ("developer", "central_soe", "individual", "ordinary_company")
    items = ("tower_crane", "steel_formwork", "ringlock_scaffolding")
    doc: dict[str, Any] = {
        "id": f"R{index:03d}",
        "name": f"测试客户{index}有限公司",
        "nature": natures[index % 4],
        "leases": [
            {
                "contract": f"L{index}-{n}",
                "item": items[(index + n) % 3],
                "start": "2020-03-01",
                "amount": 100_000 * (index + 1) + n * 12_345.67,
                "status": ("active", "closed", "cancelled")[(index + n) % 3],
                "outstanding": 300_000.0 * (index % 5),
                "overdue_days": 40 * (index % 4),
            }
            for n in range(index % 4)
        ],
        "assessment": {**MARKS, "assessed_on": "2026-06-01"},
    }
    if index % 7 == 0:
        doc["assessment"].pop("payment")  # ungraded
    if index % 5 == 1:
        doc["sources"] = [{"kind": "customer_form", "on": "2026-09-01", "verified": False}]
    return doc


DOCS = [_customer(i) for i in range(40)]


class Result:
    """What one in-process run of the program printed and returned."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """``cli("report", "credit")`` → a Result, run in this process on tmp_path's archive."""
    monkeypatch.setenv("CREDITFILE_DB", str(tmp_path / "archive.json"))
    monkeypatch.delenv("CREDITFILE_POLICY", raising=False)

    def _cli(*args: str) -> Result:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return _cli


@pytest.fixture
def graded(tmp_path: Path, cli: Any) -> Path:
    """An archive of 40 customers with receivables, graded once."""
    path = tmp_path / "archive.json"
    Archive.open(path, create=True).import_customers(DOCS, actor="setup")
    result = cli("regrade", "--as-of", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    return path


def _independent_total() -> Decimal:
    return sum(
        (
            Decimal(repr(lease["amount"]))
            for doc in DOCS
            for lease in doc["leases"]
            if lease["status"] != "cancelled"
        ),
        Decimal(0),
    )


def test_composition_json_accounts_for_every_customer_and_amount(graded: Path, cli: Any) -> None:
    for by in ("grade", "nature", "tier", "lifecycle", "stage"):
        result = cli("report", "composition", "--by", by, "--json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)["data"]
        rows = data["rows"]
        assert sum(r["customers"] for r in rows) == len(DOCS)
        assert sum(Decimal(repr(r["cumulative_amount"])) for r in rows) == _independent_total()
        assert sum(Decimal(repr(r["cumulative_pct"])) for r in rows) == 100


def test_composition_table_is_readable_and_aligned(graded: Path, cli: Any) -> None:
    result = cli("--lang", "zh", "report", "composition")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "业务构成: 按信用等级" in result.stdout
    header = next(line for line in lines if line.startswith("代码"))
    total = next(line for line in lines if "合计" in line)
    assert "100.00%" in total
    from creditfile.cli.table import cell_width

    rule = lines[lines.index(header) + 1]
    assert cell_width(header) <= len(rule) + 2  # Chinese headers measured in terminal cells


def test_item_composition_crossed_by_grade(graded: Path, cli: Any) -> None:
    result = cli("report", "composition", "--by", "item", "--cross", "grade", "--json")
    data = json.loads(result.stdout)["data"]
    for row in data["rows"]:
        cells = row["cells"].values()
        assert sum(c["leases"] for c in cells) == row["leases"]
    assert sum(Decimal(repr(r["amount"])) for r in data["rows"]) == _independent_total()
    table = cli("--lang", "zh", "report", "composition", "--by", "item", "--cross", "grade").stdout
    assert "租赁物金额(元) 按信用等级" in table and "塔式起重机" in table
    table = cli("--lang", "en", "report", "composition", "--by", "item", "--cross", "grade").stdout
    assert "Lease amount of items (CNY) by Credit grade" in table


def test_cross_without_items_is_refused(graded: Path, cli: Any) -> None:
    result = cli("report", "composition", "--by", "grade", "--cross", "nature")
    assert result.returncode == 1
    assert "--cross goes with --by item" in result.stderr and no_traceback(result)


def test_credit_exposure_and_review_agree(graded: Path, cli: Any) -> None:
    credit = json.loads(cli("report", "credit", "--json").stdout)["data"]
    exposure = json.loads(cli("report", "exposure", "--json").stdout)["data"]
    review = json.loads(cli("report", "review", "--as-of", AS_OF, "--json").stdout)["data"]
    assert credit["total"]["over_limit"] == exposure["total"]["over_limit"]
    over = {r["id"] for r in exposure["over_limit"]}
    for row in exposure["over_limit"]:
        assert row["outstanding"] > (row["credit_limit"] or 0)
    flagged = {r["id"] for r in review["due"] if "over_limit" in r["reason_codes"]}
    assert flagged == over
    first_codes = [r["reason_codes"][0] for r in review["due"]]
    ranks = [
        "over_limit",
        "ungraded",
        "never_assessed",
        "review_overdue",
        "policy_flag",
        "unaudited_form",
        "agency_report_stale",
        "investigation",
    ]
    assert [ranks.index(c) for c in first_codes] == sorted(ranks.index(c) for c in first_codes)
    assert {"R000", "R007"} <= {r["id"] for r in review["due"] if "ungraded" in r["reason_codes"]}


@pytest.mark.parametrize(
    ("lang", "credit_headers", "total", "review_start"),
    [
        ("zh", ["等级", "等级名称", "租价优惠%"], "合计", "\ufeff序号,客户编号"),
        ("en", ["Grade", "Grade name", "Price discount %"], "Total", "\ufeffNo.,Customer id"),
    ],
)
def test_csv_output_has_bom_and_headers_in_the_language(
    graded: Path,
    cli: Any,
    tmp_path: Path,
    lang: str,
    credit_headers: list[str],
    total: str,
    review_start: str,
) -> None:
    out = tmp_path / "credit.csv"
    result = cli("--lang", lang, "report", "credit", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == credit_headers
    assert rows[1][0] == "A" and rows[-1][0] == total
    to_stdout = cli("--lang", lang, "report", "review", "--csv")
    assert to_stdout.stdout.startswith(review_start)


HAN = re.compile(r"[\u3400-\u9fff]")


def test_report_headers_follow_the_language(graded: Path, cli: Any) -> None:
    """``report credit`` and ``report review`` head their tables in the language asked for."""
    heads = {
        ("credit", "zh"): ["等级", "等级名称", "租价优惠%", "信用额度(元)", "超额度客户数"],
        ("credit", "en"): ["Grade", "Grade name", "Price discount %", "Credit limit (CNY)"],
        ("review", "zh"): ["序号", "客户编号", "客户名称", "等级", "复评原因", "说明"],
        ("review", "en"): ["No.", "Customer id", "Name", "Grade", "Review because", "Details"],
    }
    for (report, lang), words in heads.items():
        result = cli("--lang", lang, "report", report, "--as-of", AS_OF)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        header = next(line for line in lines if line.startswith(words[0]))
        assert all(word in header for word in words), header
        if lang == "en":
            # Chinese on an English report is customer data only: names and the policy's labels.
            assert not HAN.search(header)
            assert not HAN.search("\n".join(lines[: lines.index(header)]))
        else:
            assert "Grade" not in header and "customers" not in result.stdout


def test_all_reports_to_one_workbook(graded: Path, cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "reports.xlsx"
    result = cli("--lang", "zh", "report", "all", "--xlsx", str(out))
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert {"构成-信用等级", "构成-租赁物", "信用分析", "超额度客户", "待复评", "迁移-户数"} <= set(
        book.sheetnames
    )
    sheet = book["构成-信用等级"]
    assert sheet.freeze_panes == "A2" and sheet["B1"].value == "信用等级"
    assert sheet["E2"].number_format == "#,##0.00"
    english = tmp_path / "reports-en.xlsx"
    assert cli("--lang", "en", "report", "all", "--xlsx", str(english)).returncode == 0
    book = openpyxl.load_workbook(english)
    assert {"Composition-Credit grade", "Credit analysis", "Review due"} <= set(book.sheetnames)
    assert book["Composition-Credit grade"]["B1"].value == "Credit grade"


def _stricter_policy(text: str, tmp_path: Path) -> Path:
    data = yaml.safe_load(text)
    data["policy_version"] = "2027.1"
    data["grades"] = [
        {"name": "A", "min_score": 97, "label": "优质客户"},
        {"name": "B", "min_score": 92, "label": "良好客户"},
        {"name": "C", "min_score": 85, "label": "一般客户"},
    ]
    path = tmp_path / "2027.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_migration_between_two_runs(
    graded: Path, cli: Any, tmp_path: Path, default_policy_text: str
) -> None:
    stricter = _stricter_policy(default_policy_text, tmp_path)
    second = cli("--policy", str(stricter), "regrade", "--as-of", AS_OF, "--json")
    assert second.returncode == 0, second.stderr
    changes = json.loads(second.stdout)["changes"]
    assert changes
    result = cli("report", "migration", "--json")
    assert result.returncode == 0, result.stderr
    matrix = json.loads(result.stdout)["data"]
    # Every customer is in the matrix: the ungraded ones stay in the ungraded row and column.
    ungraded = {d["id"] for d in DOCS if "payment" not in d["assessment"]}
    assert matrix["summary"]["customers"] == len(DOCS)
    assert matrix["count"]["ungraded"]["ungraded"] == len(ungraded)
    assert matrix["summary"]["downgraded"] == len(changes)
    assert matrix["summary"]["upgraded"] == 0
    moved = sum(n for src, row in matrix["count"].items() for dst, n in row.items() if src != dst)
    assert moved == len(changes)
    text = cli("--lang", "zh", "report", "migration").stdout
    assert "原等级 \\ 新等级" in text
    text = cli("--lang", "en", "report", "migration").stdout
    assert "Old grade \\ new grade" in text and "Grade migration (runs" in text
    runs = [
        e["run_id"]
        for e in json.loads(cli("history", "--json").stdout)
        if e.get("kind") == "regrade_run"
    ]
    explicit = cli("report", "migration", str(runs[0]), str(runs[1]), "--json")
    assert json.loads(explicit.stdout)["data"]["count"] == matrix["count"]
    unknown = cli("report", "migration", "999", str(runs[1]))
    assert unknown.returncode == 1 and "no regrade run 999" in unknown.stderr
    unknown = cli("--lang", "zh", "report", "migration", "999", str(runs[1]))
    assert unknown.returncode == 1 and "没有重评运行 999; 已记录的运行" in unknown.stderr


def test_html_report_is_written(graded: Path, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run("report", "html", "--out", str(out), "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<script" not in page
    assert "测试客户" in page
    english = run("report", "html", "--out", str(out), "--as-of", AS_OF, "--lang", "en")
    assert english.returncode == 0, english.stderr
    page = out.read_text("utf-8")
    assert '<html lang="en">' in page and "Customer credit archive" in page


def test_template_then_import_reads_back(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    result = cli("template", "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(out).sheetnames == [
        "说明",
        "客户",
        "租赁",
        "来源",
        "关联客户",
        "代码表",
    ]
    bad = cli("template", "--out", str(tmp_path / "t.txt"))
    assert bad.returncode == 2 and ".xlsx" in bad.stderr
    filled = out.read_bytes() + b"rows a clerk typed"
    out.write_bytes(filled)
    again = cli("template", "--format", "xlsx", "--out", str(out))
    assert again.returncode == 1 and "--force" in again.stderr
    assert out.read_bytes() == filled  # a workbook being filled in is never replaced unasked
    assert cli("template", "--out", str(out), "--force").returncode == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "说明"


def test_reports_without_an_archive_say_what_to_do(run: Run) -> None:
    result = run("report", "credit")
    assert result.returncode == 1
    assert "creditfile import" in result.stderr and no_traceback(result)


def _dated(index: int) -> dict[str, Any]:
    """A customer whose leases start and end on different days over five years."""
    doc = _customer(index)
    for n, lease in enumerate(doc["leases"]):
        year, month = 2019 + (index + n) % 5, 1 + (index * 5 + n) % 12
        lease["start"] = f"{year}-{month:02d}-01"
        lease["end"] = f"{year + 1}-{month:02d}-01" if lease["status"] == "closed" else None
    return doc


def _period_sum(docs: list[dict[str, Any]], first: str | None, last: str) -> Decimal:
    total = Decimal(0)
    for doc in docs:
        for lease in doc["leases"]:
            if lease["status"] == "cancelled" or lease["start"] > last:
                continue
            if first and lease["end"] and lease["end"] < first:
                continue
            total += Decimal(repr(lease["amount"]))
    return total


def test_reports_count_the_leases_of_their_period(tmp_path: Path, cli: Any) -> None:
    docs = [_dated(i) for i in range(40)]
    Archive.open(tmp_path / "archive.json", create=True).import_customers(docs, actor="setup")
    assert cli("regrade", "--as-of", AS_OF).returncode == 0
    cases = [
        (["--as-of", "2021-12-31"], None, "2021-12-31"),
        (["--as-of", AS_OF, "--from", "2021-01-01", "--to", "2021-06-30"], "2021-01-01", "2021-06-30"),
        (["--as-of", AS_OF], None, AS_OF),
    ]  # fmt: skip
    totals = set()
    for options, first, last in cases:
        for by in ("grade", "item"):
            result = cli("report", "composition", "--by", by, "--json", *options)
            assert result.returncode == 0, result.stderr
            data = json.loads(result.stdout)["data"]
            assert data["period"] == {"from": first, "to": last}
            key = "cumulative_amount" if by == "grade" else "amount"
            amount = Decimal(repr(data["total"][key]))
            assert amount == _period_sum(docs, first, last), (options, by)
            totals.add(amount)
    assert len(totals) == 3  # the three periods do differ on these leases
    shown = cli("report", "credit", "--from", "2021-01-01", "--to", "2021-06-30", "--as-of", AS_OF)
    assert "leases counted: 2021-01-01 – 2021-06-30" in shown.stdout


def test_a_period_past_the_report_date_or_backwards_is_refused(graded: Path, cli: Any) -> None:
    late = cli("report", "exposure", "--as-of", AS_OF, "--to", "2027-01-01")
    assert late.returncode == 1 and "--to 2027-01-01 is after the report's date" in late.stderr
    backwards = cli(
        "report", "credit", "--as-of", AS_OF, "--from", "2025-01-01", "--to", "2024-01-01"
    )
    assert backwards.returncode == 1 and "swap them" in backwards.stderr
    bad = cli("report", "composition", "--from", "2024-02-30")
    assert bad.returncode == 2 and "--from '2024-02-30' is not a date" in bad.stderr
