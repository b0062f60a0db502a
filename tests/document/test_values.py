"""Amounts in 万/亿 and dates as people write them: read one way, or refused with a message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditfile.document.values import (
    AmountError,
    amount_problem,
    format_amount,
    parse_amount,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("5,000万", 50_000_000),
        ("5000万", 50_000_000),
        ("5000万元", 50_000_000),
        ("５，０００万", 50_000_000),  # full-width digits and comma
        ("0.5亿", 50_000_000),
        ("1.2亿元", 120_000_000),
        ("50,000,000", 50_000_000),
        ("50000000", 50_000_000),
        ("¥50,000,000.00", 50_000_000),
        ("￥1,250,000.5元", 1_250_000.5),
        (" 2000 万 ", 20_000_000),
        ("1.23456万", 12_345.6),
        ("0", 0),
    ],
)
def test_amounts_read_the_same_everywhere(text: str, amount: float) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("5,00万", "every three digits"),
        ("1,2345", "every three digits"),
        ("-5", "never negative"),
        ("5千", "only 万 and 亿"),
        ("1.2.3", "not a number"),
        ("nan", "not a number"),
        ("inf", "not a number"),
        ("1e5", "not a number"),
        ("五千万", "in digits"),
        ("5万万", "not a number"),
        ("", "not a number"),
    ],
)
def test_what_is_not_one_amount_is_refused_never_reinterpreted(text: str, why: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert why in str(caught.value) and "5,000万" in str(caught.value)
    assert repr(text) in str(caught.value)


def test_a_huge_input_is_refused_and_quoted_short() -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount("9" * 100_000)
    assert len(str(caught.value)) < 300


def test_amount_problem_says_why_for_text_and_nothing_for_numbers() -> None:
    assert amount_problem(5) is None and amount_problem("5,000万") is None
    assert "every three digits" in str(amount_problem("5,00万"))
    assert "not an amount" in str(amount_problem(float("nan")))


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_an_amount_shown_reads_back_as_itself(value: Decimal) -> None:
    shown = format_amount(float(value))
    assert Decimal(str(parse_amount(shown))) == value


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["万", "亿"]))
def test_wan_and_yi_are_exact(count: int, unit: str) -> None:
    factor = 10_000 if unit == "万" else 100_000_000
    assert parse_amount(f"{count:,}{unit}") == count * factor


def test_amounts_are_shown_one_way() -> None:
    assert format_amount(50_000_000) == "50,000,000.00"
    assert format_amount(1_250_000.5) == "1,250,000.50"
    assert format_amount(None) == ""
    assert format_amount("5,00万") == "5,00万"  # a refused value stays as it was written


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-03-05", "2026-03-05"),
        ("2026/3/5", "2026-03-05"),
        ("2026.03.05", "2026-03-05"),
        ("2026年3月5日", "2026-03-05"),
        ("２０２６年３月５日", "2026-03-05"),
        ("2026-02-30", None),
        ("05/03/2026", None),
        ("yesterday", None),
    ],
)
def test_dates_read_the_same_in_the_card_and_the_import(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso
