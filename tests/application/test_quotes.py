"""Quoting a customer of the archive: its stored grade's terms, its receivables, the history."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from creditfile.application.opening import open_archive
from creditfile.application.quotes import (
    QUOTE_EVENT,
    OverLimitError,
    QuoteError,
    issue_quote,
    price_for_customer,
    quote_request,
    quote_summary,
)
from creditfile.application.regrade import regrade
from creditfile.policy import Policy
from creditfile.store import ArchiveStore

AS_OF = date(2026, 11, 29)
# Manual entries for a new customer (10 cumulative-lease points): totals 95, 85, 75, 65.
ENTRIES = {
    "A": {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10},
    "B": {"strength": 10, "potential": 15, "reputation": 20, "payment": 20, "other": 10},
    "C": {"strength": 10, "potential": 15, "reputation": 20, "payment": 10, "other": 10},
    "D": {"strength": 10, "potential": 15, "reputation": 20, "payment": 0, "other": 0},
    None: {"strength": 10, "potential": 15, "reputation": 20, "other": 10},  # payment missing
}
OWED = Decimal("1500.50")


def _doc(cid: str, nature: str, grade: str | None) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"客户{cid}",
        "nature": nature,
        "profile": {"trading_since": "2026-06-01"},
        "leases": [
            {"contract": f"L-{cid}", "item": "tower_crane", "start": "2026-06-01",
             "amount": 100000, "status": "active", "outstanding": float(OWED)},
        ],
        "assessment": ENTRIES[grade],
    }  # fmt: skip


@pytest.fixture
def store(tmp_path: Path, default_policy: Policy) -> ArchiveStore:
    archive = open_archive(tmp_path / "archive.json", create=True)
    docs = [
        _doc(f"{nature}-{grade or 'none'}", nature, grade)
        for nature in default_policy.natures
        for grade in ENTRIES
    ]
    archive.import_customers(docs, actor="seed")
    regrade(archive, default_policy, AS_OF, "seed")
    return archive


@pytest.mark.parametrize("grade", ["A", "B", "C", "D", None])
def test_every_grade_and_nature_is_quoted_under_its_grades_terms(
    store: ArchiveStore, default_policy: Policy, grade: str | None
) -> None:
    # 800 × 2 units × 3 months = 4,800.00 for everyone; terms by hand from the policy.
    hand = {"A": ("240.00", "4560.00", "0.00"), "B": ("96.00", "4704.00", "470.40"),
            "C": ("0.00", "4800.00", "960.00"), "D": ("0.00", "4800.00", "4800.00"),
            None: ("0.00", "4800.00", "4800.00")}  # fmt: skip
    limits = {"A": 5000000, "B": 2000000, "C": 500000, "D": 0, None: 0}
    request = quote_request(default_policy, "tower_crane", "800", 2, 3)
    for nature in default_policy.natures:
        quote = price_for_customer(store, f"{nature}-{grade or 'none'}", request, default_policy)
        assert quote.grade == grade
        assert quote.terms_grade == (grade or "D")
        assert (str(quote.discount), str(quote.amount), str(quote.deposit)) == hand[grade]
        assert quote.outstanding == OWED
        assert quote.headroom == Decimal(limits[grade]) - OWED
        assert quote.over_limit is (grade in ("D", None))


def test_a_quote_is_recorded_in_the_customers_history(
    store: ArchiveStore, default_policy: Policy
) -> None:
    request = quote_request(default_policy, "塔式起重机", "1,200", 10, 6)
    issue_quote(store, "developer-A", request, default_policy, actor="王敏")
    [event] = store.history("developer-A", kind=QUOTE_EVENT)
    assert event["actor"] == "王敏"
    assert (event["item"], event["quantity"], event["months"]) == ("tower_crane", 10, 6)
    assert event["amount"] == 68400.0 and event["discount"] == 3600.0
    assert event["allowed_over_limit"] is False
    assert event["policy_version"] == default_policy.version
    assert "塔式起重机 ×10 · 6个月 · 报价金额 68,400.00" in quote_summary(
        event, "zh", default_policy
    )
    assert "塔式起重机 ×10 · 6 months · amount 68,400.00" in quote_summary(
        event, "en", default_policy
    )
    english = quote_summary(event, "en", default_policy.in_language("en"))
    assert english.startswith("Tower crane ×10 · 6 months · amount 68,400.00 (discount 5%)")
    assert "Monthly 90 days" in english
    assert not re.search(r"[\u3400-\u9fff]", english), english


def test_over_the_limit_nothing_is_recorded_unless_allowed(
    store: ArchiveStore, default_policy: Policy
) -> None:
    # C: limit 500,000 less 1,500.50 owed leaves 498,499.50; 498,499.51 is one cent over.
    over = quote_request(default_policy, "tower_crane", "498,499.51")
    with pytest.raises(OverLimitError, match=r"exceeds the credit headroom 498,499.50.*by 0.01"):
        issue_quote(store, "developer-C", over, default_policy, actor="a")
    assert store.history("developer-C", kind=QUOTE_EVENT) == []
    within = quote_request(default_policy, "tower_crane", "498,499.50")
    assert not issue_quote(store, "developer-C", within, default_policy, actor="a").over_limit
    issue_quote(store, "developer-C", over, default_policy, actor="a", allow_over_limit=True)
    events = store.history("developer-C", kind=QUOTE_EVENT)
    assert [e["allowed_over_limit"] for e in events] == [False, True]
    assert "经确认超额度报价" in quote_summary(events[1], "zh", default_policy)


@pytest.mark.parametrize(
    ("item", "price", "quantity", "months", "message"),
    [
        ("crane", "100", 1, 1, "not a leased-item category"),
        ("tower_crane", "-5", 1, 1, "never negative"),
        ("tower_crane", "0", 1, 1, "more than 0"),
        ("tower_crane", "1.005", 1, 1, "to the cent"),
        ("tower_crane", "nan", 1, 1, "not an amount"),
        ("tower_crane", "100", 0, 1, "--quantity 0"),
        ("tower_crane", "100", 1, 0, "--months 0"),
    ],
)
def test_a_request_that_cannot_be_priced_says_what_to_change(
    default_policy: Policy, item: str, price: str, quantity: int, months: int, message: str
) -> None:
    with pytest.raises(QuoteError, match=message):
        quote_request(default_policy, item, price, quantity, months)
