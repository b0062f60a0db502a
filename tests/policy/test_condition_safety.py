"""Conditions are total and typed: what could hang, crash or never hold is refused at check time."""

from __future__ import annotations

import time

import pytest

from creditfile.policy.conditions import ConditionCompileError, compile_condition

VALUES = {"nature": ("developer", "individual"), "grade": ("A", "B", "C", "D")}


def refused(text: str, scope: str = "override") -> str:
    started = time.perf_counter()
    with pytest.raises(ConditionCompileError) as caught:
        compile_condition(text, scope, VALUES)  # type: ignore[arg-type]
    assert time.perf_counter() - started < 1, "refusing a condition must be quick"
    return caught.value.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("'aaaaaaaaaaaaaaaaaaaaaaaaab' + nature =~ '(a+)+$'", ["'=~'", "regular-expression", "=="]),
        ("nature =~~ 'dev.*'", ["'=~~'", "regular-expression"]),
        ("nature !~ 'dev'", ["'!~'", "regular-expression"]),
        ("nature !~~ 'dev'", ["'!~~'", "regular-expression"]),
        # Folded while parsing: must be refused before rule-engine ever sees it.
        ("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab' =~ '(a+)+$'", ["'=~'"]),
    ],
)
def test_regular_expression_operators_are_refused_with_what_to_write(
    text: str, words: list[str]
) -> None:
    message = refused(text)
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("'abc'", ["text", "not true or false"]),
        ("5", ["a number", "not true or false"]),
        ("lease_count", ["a number (lease_count)", "not true or false"]),
        ("nature", ["text (nature)"]),
        ("lease_count + 1", ["a number"]),
        ("[1, 2]", ["a list"]),
        ("null", ["null"]),
    ],
)
def test_a_condition_must_be_true_or_false(text: str, words: list[str]) -> None:
    message = refused(text)
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "unverified_customer_form == 'true'",
            ["never hold", "unverified_customer_form", "true or false", "'true' is text"],
        ),
        ("max_overdue_days == '90'", ["never hold", "max_overdue_days", "a number", "90"]),
        ("nature == 5", ["never hold", "nature", "text", "5 is a number"]),
        ("grade != 1", ["never hold", "grade", "text"]),
        ("5 == nature", ["never hold", "nature"]),
        ("lease_count in ['1', '2']", ["never hold", "lease_count", "holds text"]),
        ("nature in [1, 2]", ["never hold", "nature", "holds a number"]),
        ("nature in [1, 'developer']", ["mixes"]),
        ("nature == null", ["never null"]),
        ("lease_count != null", ["never null"]),
        ("nature > 'a'", ["compares numbers", "nature is text"]),
        ("unverified_customer_form > 1", ["compares numbers"]),
        ("'x' + nature == 'xdeveloper'", ["works on numbers"]),
        ("not lease_count", ["`not`", "lease_count is a number"]),
        ("lease_count and true", ["`and`", "lease_count is a number"]),
        ("nature or false", ["`or`", "nature is text"]),
        ("lease_count ? true : false", ["before `?`"]),
        ("lease_count in nature", ["needs a list"]),
        ("nature == ['developer']", ["single values"]),
    ],
)
def test_comparisons_are_type_checked_against_the_facts(text: str, words: list[str]) -> None:
    message = refused(text)
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("lease_count > nan", ["'nan'", "finite"]),
        ("lease_count > inf", ["'inf'", "finite"]),
        ("lease_count > -inf", ["finite"]),
        ("lease_count > 1e999999999", ["out of range"]),
        ("cumulative_lease_amount > 10000000000000", ["out of range", "1,000,000,000,000"]),
        ("lease_count > " + "9" * 100, ["100 characters"]),
        ("total_score > 89.0000001", ["decimal places"]),
        ("t'P9999999999D' > t'P1D'", ["duration", "not allowed"]),
        ("d'2026-01-01' == d'2026-01-01'", ["date", "not allowed"]),
        ("b'x' == b'x'", ["bytes", "not allowed"]),
        ("lease_count ** 1000000000 > 1", ["'**'", "not allowed", "+ - * /"]),
        ("lease_count % 2 == 0", ["'%'", "not allowed"]),
        ("lease_count // 2 == 0", ["'//'", "not allowed"]),
        ("lease_count & 1 == 1", ["'&'", "not allowed"]),
        ("lease_count << 2 > 1", ["'<<'", "not allowed"]),
        ("nature.length > 3", ["'.'", "not allowed"]),
        ("[x for x in [1, 2]] == [1]", ["'for'", "not allowed"]),
        ("{'a': 1}['a'] == 1", ["'{'", "not allowed"]),
        ("$today == $today", ["built-in", "only name facts"]),
        ("nature == '" + "x" * 300 + "'", ["300 characters", "at most 200"]),
    ],
)
def test_what_could_hang_or_overflow_is_refused(text: str, words: list[str]) -> None:
    message = refused(text)
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (" or ".join(["lease_count == 1"] * 600), ["characters long", "at most 2,000"]),
        (" or ".join(["lease_count==1"] * 60), ["more than 200 words"]),
        ("(" * 40 + "lease_count > 1" + ")" * 40, ["nested more than 16"]),
        ("[" * 40 + "1" + "]" * 40 + " == 1", ["nested more than 16"]),
    ],
)
def test_conditions_too_large_or_too_deep_are_refused(text: str, words: list[str]) -> None:
    message = refused(text)
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    "text",
    [
        "cumulative_lease_amount >= 5000000 or lease_count >= 10",
        "unverified_customer_form",
        "unverified_customer_form == true",
        "not unverified_customer_form and lease_count > 0",
        "nature in ['developer', 'individual']",
        "nature not in ['developer']",
        "nature == 'developer'",
        "months_since_first_trade != null and months_since_first_trade < 3",
        "days_since_assessment == null or days_since_assessment > 365",
        "(months_since_first_trade ?? 0) > 3",
        "cumulative_lease_amount / 2 - outstanding_amount * 1.5 > -1000",
        "-lease_count < 0",
        "lease_count in [1, 2, 3]",
        "credit_utilisation != null and credit_utilisation > 0.8",
        "grade == 'A' and total_score < 92.5",
        "lifecycle == 'new' ? lease_count > 1 : lease_count > 5",
        "true",
        " or ".join(["lease_count == 1"] * 40),
        "(" * 16 + "lease_count > 1" + ")" * 16,
    ],
)
def test_ordinary_conditions_are_accepted_and_evaluate(text: str) -> None:
    condition = compile_condition(text, "override", VALUES)
    facts = {
        "cumulative_lease_amount": 600000.0,
        "lease_count": 2,
        "active_lease_count": 1,
        "months_since_first_trade": 5,
        "lifecycle": "new",
        "stage": "current",
        "nature": "developer",
        "unverified_customer_form": False,
        "days_since_assessment": None,
        "days_since_agency_report": None,
        "outstanding_amount": 0.0,
        "max_overdue_days": 0,
        "total_score": 91.0,
        "grade": "A",
        "credit_utilisation": None,
    }
    assert condition.matches(facts) in (True, False)


def test_evaluation_is_bounded_in_time_for_the_largest_condition_accepted() -> None:
    # The largest accepted condition, on facts that defeat the memo (a new value each time).
    text = " and ".join(["cumulative_lease_amount * 3 / 7 + lease_count > -5"] * 16)
    condition = compile_condition(text, "tier")
    started = time.perf_counter()
    for amount in range(2000):
        condition.matches(
            {
                "cumulative_lease_amount": amount * 1.5,
                "lease_count": amount,
                "active_lease_count": 0,
                "months_since_first_trade": None,
                "lifecycle": "new",
                "stage": "past",
                "nature": "developer",
                "unverified_customer_form": False,
                "days_since_assessment": None,
                "days_since_agency_report": None,
                "outstanding_amount": 0.0,
                "max_overdue_days": 0,
            }
        )
    assert time.perf_counter() - started < 5
