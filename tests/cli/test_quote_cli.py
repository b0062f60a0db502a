"""``creditfile quote`` run as a program: the table, --json, the over-limit exit and history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import Run

from creditfile.store import Archive

# A new customer (10 cumulative-lease points) with 85 points: grade B (2% off, 10% deposit,
# limit 2,000,000), owing 1,999,000.
CUSTOMER = {
    "id": "C1", "name": "武汉宏达建设工程有限公司", "nature": "ordinary_company",
    "profile": {"trading_since": "2026-06-01"},
    "leases": [{"contract": "L1", "item": "tower_crane", "start": "2026-06-01",
                "amount": 2500000, "status": "active", "outstanding": 1999000}],
    "assessment": {"strength": 10, "potential": 15, "reputation": 20, "payment": 20, "other": 10},
}  # fmt: skip


@pytest.fixture
def graded(tmp_path: Path, run: Run) -> Path:
    path = tmp_path / "archive.json"
    Archive.open(path, create=True).import_customers([CUSTOMER], actor="seed")
    assert run("regrade", "--as-of", "2026-11-29").returncode == 0
    return path


def test_a_quote_within_the_headroom_is_shown_and_recorded(graded: Path, run: Run) -> None:
    # 250 × 2 × 2 = 1,000.00; 2% off = 20.00; amount 980.00; deposit 98.00; headroom 1,000.00.
    done = run("quote", "C1", "--item", "塔式起重机", "--list-price", "250", "--quantity", "2",
               "--months", "2", "--lang", "en")  # fmt: skip
    assert done.returncode == 0, done.stderr
    for text in ("B Good customer", "Tower crane (tower_crane)", "980.00", "2% = 20.00",
                 "10% = 98.00", "1,000.00", "Monthly, 60 days"):  # fmt: skip
        assert text in done.stdout
    assert "良好" not in done.stdout and "月结" not in done.stdout
    history = run("--lang", "zh", "history", "C1", "--event", "quote_issued")
    assert "  报价  " in history.stdout and "quote_issued" not in history.stdout
    assert "塔式起重机 ×2 · 2个月 · 报价金额 980.00" in history.stdout


def test_over_the_headroom_it_says_so_exits_1_and_records_nothing(graded: Path, run: Run) -> None:
    # 1,100.00 at B: 22.00 off → 1,078.00 against a headroom of 1,000.00: over by 78.00.
    args = ("quote", "C1", "--item", "tower_crane", "--list-price", "1100")
    done = run(*args)
    assert done.returncode == 1
    assert "exceeds the credit headroom 1,000.00" in done.stderr
    assert "by 78.00" in done.stderr and "--allow-over-limit" in done.stderr
    assert "NO — over the credit limit by 78.00" in done.stdout
    assert "  quote  " not in run("--lang", "en", "history", "C1").stdout
    allowed = run(*args, "--allow-over-limit", "--json")
    assert allowed.returncode == 0, allowed.stderr
    body = json.loads(allowed.stdout)
    assert body["amount"] == 1078.0 and body["over_limit"] is True and body["recorded"] is True
    [event] = json.loads(run("history", "C1", "--event", "quote_issued", "--json").stdout)
    assert event["allowed_over_limit"] is True and event["excess"] == 78.0


def test_mistakes_are_named(graded: Path, run: Run) -> None:
    unknown = run("quote", "C9", "--item", "tower_crane", "--list-price", "1")
    assert unknown.returncode == 1 and "no customer 'C9'" in unknown.stderr
    bad = run("quote", "C1", "--item", "tower_crane", "--list-price", "=HYPERLINK(1)")
    assert bad.returncode == 1 and "is not an amount" in bad.stderr
    missing = run("quote", "C1", "--list-price", "1")
    assert missing.returncode == 2 and "--item" in missing.stderr


def test_in_chinese_the_quote_is_chinese_with_the_policy_as_written(graded: Path, run: Run) -> None:
    done = run("quote", "C1", "--item", "tower_crane", "--list-price", "250", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    for text in ("报价", "等级", "B 良好客户", "租赁物", "塔式起重机 (tower_crane)", "月结,60 天"):
        assert text in done.stdout
    assert "Monthly" not in done.stdout and "grade" not in done.stdout


def test_a_customer_over_its_limit_already_is_told_nothing_can_be_quoted(
    tmp_path: Path, run: Run
) -> None:
    owing = json.loads(json.dumps(CUSTOMER))
    owing["leases"][0]["outstanding"] = 2500000  # 500,000.00 past grade B's 2,000,000.00
    Archive.open(tmp_path / "archive.json", create=True).import_customers([owing], actor="s")
    assert run("regrade", "--as-of", "2026-11-29").returncode == 0
    done = run("quote", "C1", "--item", "tower_crane", "--list-price", "100")
    assert done.returncode == 1
    assert "the credit limit 2,000,000.00 of grade B is used up already" in done.stderr
    assert "nothing can be quoted on credit" in done.stderr
    assert "Quote less" not in done.stderr and "over by" not in done.stdout
    assert "NO — the credit limit is used up already" in done.stdout
    chinese = run("--lang", "zh", "quote", "C1", "--item", "tower_crane", "--list-price", "100")
    assert chinese.returncode == 1 and "信用额度 2,000,000.00 已用完" in chinese.stderr
    assert "信用额度已用完" in chinese.stdout


def test_over_the_headroom_in_chinese_it_is_said_in_chinese(graded: Path, run: Run) -> None:
    done = run("--lang", "zh", "quote", "C1", "--item", "tower_crane", "--list-price", "1100")
    assert done.returncode == 1
    assert "超出信用余额 1,000.00" in done.stderr and "78.00" in done.stderr
    assert "exceeds" not in done.stderr and "headroom" not in done.stderr
    assert "否 — 超出信用额度 78.00" in done.stdout


@pytest.mark.parametrize(
    ("lang", "listed", "other"),
    [
        ("en", "tower_crane (Tower crane)", "塔式起重机"),
        ("zh", "tower_crane (塔式起重机)", "Tower crane"),
    ],
)
def test_an_unknown_item_lists_the_policy_items_in_the_language_in_force(
    graded: Path, run: Run, lang: str, listed: str, other: str
) -> None:
    done = run("--lang", lang, "quote", "C1", "--item", "crane", "--list-price", "100")
    assert done.returncode == 1
    assert listed in done.stderr and other not in done.stderr
    # A label in the other language is taken as well.
    english = run("--lang", "zh", "quote", "C1", "--item", "Tower crane", "--list-price", "100")
    assert english.returncode == 0, english.stderr
