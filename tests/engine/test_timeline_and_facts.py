"""The building blocks of a grading, on the inputs other callers give them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import MappingProxyType

import pytest

from creditfile.engine.facts import compute_facts, money
from creditfile.engine.numbers import as_number, round_half_up, to_decimal
from creditfile.engine.timeline import (
    counted_leases,
    first_trade,
    leases_of,
    parse_date,
    stage,
    whole_months,
)


def test_a_date_is_taken_as_it_is_and_text_only_when_it_is_a_real_date() -> None:
    assert parse_date(date(2024, 2, 29)) == date(2024, 2, 29)
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("2026-02-29") is None
    assert parse_date(20240229) is None
    assert parse_date(None) is None


def test_leases_may_be_any_mapping_and_anything_else_is_left_out() -> None:
    lease = MappingProxyType({"status": "active", "start": "2020-03-01", "amount": 5})
    doc = {"leases": [lease, "L1", 7, None, {"status": "closed", "start": "2019-05-02"}]}
    assert leases_of(doc) == [lease, {"status": "closed", "start": "2019-05-02"}]
    assert stage(doc) == "current"
    assert first_trade(doc) == date(2019, 5, 2)
    assert leases_of({"leases": MappingProxyType({"a": 1})}) == []


def test_sources_may_be_any_mapping_and_anything_else_is_left_out() -> None:
    form = MappingProxyType({"kind": "customer_form", "on": "2026-09-01", "verified": False})
    agency = MappingProxyType({"kind": "agency_investigation", "on": "2026-11-01"})
    facts = compute_facts({"sources": [form, "S1", None, agency]}, date(2026, 11, 29), 6).values
    assert facts["unverified_customer_form"] is True
    assert facts["days_since_agency_report"] == 28


def test_leases_already_read_are_taken_as_given() -> None:
    # a caller that has read (or filtered) the leases gets the answer for those leases
    doc = {"leases": [{"status": "active", "start": "2020-01-01"}]}
    closed = [{"status": "closed", "start": "2021-01-01"}, {"status": "cancelled"}]
    assert stage(doc, closed) == "past"
    assert stage(doc, []) == "upcoming"
    assert counted_leases(doc, closed) == closed[:1]
    assert counted_leases(doc) == doc["leases"]


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (Decimal("12.50"), Decimal("12.50")),
        (Decimal("-1"), Decimal(0)),
        (Decimal("NaN"), Decimal(0)),
        (Decimal("Infinity"), Decimal(0)),
        (0.1, Decimal("0.1")),  # as written, not the binary float 0.1000000000000000055…
        (3, Decimal(3)),
        (0.0, Decimal(0)),
        (-0.0, Decimal(0)),  # never "-0.0" in a report
        (True, Decimal(0)),
        ("5", Decimal(0)),
    ],
)
def test_money_counts_finite_positive_numbers_only(value: object, amount: Decimal) -> None:
    assert money(value) == amount
    assert str(money(value)) == str(amount)


@pytest.mark.parametrize(
    ("start", "as_of", "months"),
    [
        (date(2025, 1, 31), date(2026, 2, 28), 12),  # the 31st is not reached in February
        (date(2025, 2, 28), date(2026, 2, 28), 12),
        (date(2024, 2, 29), date(2025, 2, 28), 11),
        (date(2025, 11, 30), date(2026, 11, 29), 11),
        (date(2025, 11, 29), date(2026, 11, 29), 12),
        (date(2026, 12, 1), date(2026, 11, 29), -1),
    ],
)
def test_whole_months(start: date, as_of: date, months: int) -> None:
    assert whole_months(start, as_of) == months


@pytest.mark.parametrize(
    ("value", "places", "rounded"),
    [
        (2.675, 2, "2.68"),  # the decimal a person reads, rounded half up
        (9.995, 2, "10.00"),
        (0.5, 0, "1"),
        (-0.5, 0, "-1"),  # half away from zero
        (Decimal("89.994999"), 2, "89.99"),
        (7, 1, "7.0"),
        (1.23456789012, 9, "1.234567890"),
    ],
)
def test_half_up_rounding(value: float | Decimal, places: int, rounded: str) -> None:
    assert str(round_half_up(value, places)) == rounded
    assert as_number(round_half_up(value, places)) == float(rounded)


def test_to_decimal_keeps_decimals_and_reads_floats_as_written() -> None:
    exact = Decimal("1.10")
    assert to_decimal(exact) is exact
    assert str(to_decimal(1.1)) == "1.1"
    assert str(to_decimal(11)) == "11"
