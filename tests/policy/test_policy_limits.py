"""Numbers and nesting a policy file may hold: refused anywhere, located, quickly, no traceback."""

from __future__ import annotations

import re
import time

import pytest

from creditfile.policy import PolicyError, default_policy_path, parse_policy

DEFAULT = default_policy_path().read_text("utf-8")


def problems_of(text: str) -> list[str]:
    started = time.perf_counter()
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "p.yaml")
    assert time.perf_counter() - started < 2
    return [str(p) for p in caught.value.problems]


def edited(old: str, new: str) -> str:
    assert DEFAULT.count(old) == 1, old
    return DEFAULT.replace(old, new)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


STRENGTH = "{key: strength, label: 实力, weight: 10,"
TIER_B = "when: cumulative_lease_amount >= 500000\n"


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        (STRENGTH, "{key: strength, label: 实力, weight: .nan,", "scoring[0].weight", "finite"),
        ("min_score: 90", "min_score: .nan", "grades[0].min_score", "finite"),
        ("min_score: 80", "min_score: -.inf", "grades[1].min_score", "finite"),
        ("credit_limit: 5000000", "credit_limit: .inf", "privileges.A.credit_limit", "finite"),
        ("credit_limit: 5000000", "credit_limit: 1.0e+400", "privileges.A.credit_limit", "range"),
        (
            "credit_limit: 5000000",
            "credit_limit: " + "9" * 5000,
            "privileges.A.credit_limit",
            "5,000 characters",
        ),
        (
            "credit_limit: 5000000",
            "credit_limit: 0x" + "f" * 30,
            "privileges.A.credit_limit",
            "range",
        ),
        (
            "credit_limit: 5000000",
            "credit_limit: 5000000000000",
            "privileges.A.credit_limit",
            "range",
        ),
        (
            "payment_cycle_days: 90",
            "payment_cycle_days: 99999999",
            "privileges.A.payment_cycle_days",
            "range",
        ),
        (
            "price_discount_pct: 5",
            "price_discount_pct: 500",
            "privileges.A.price_discount_pct",
            "range",
        ),
        ("deposit_pct: 20", "deposit_pct: -1", "privileges.C.deposit_pct", "range"),
        ("min_score: 90", "min_score: 90.0000001", "grades[0].min_score", "decimal places"),
        (
            "new_customer_months: 12",
            "new_customer_months: 99999",
            "lifecycle.new_customer_months",
            "range",
        ),
        ("rounding: 2", "rounding: 1000", "rounding", "range"),
        ("  individual: 个人", "  .nan: 个人", "natures", "finite"),
    ],
)
def test_non_finite_and_absurd_numbers_are_refused_where_they_stand(
    old: str, new: str, key: str, words: str
) -> None:
    text = edited(old, new)
    problems = problems_of(text)
    line = line_of(text, new.strip()[:20])
    wanted = re.compile(rf"p\.yaml:{line}:\d+: {re.escape(key)}: .*{re.escape(words)}")
    assert any(wanted.match(p) for p in problems), problems


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        ("\"'aaaaaaaaaaaaaaaaaaaab' + nature =~ '(a+)+$'\"", "regular-expression operator '=~'"),
        ("\"'abc'\"", "not true or false"),
        ("unverified_customer_form == 'true'", "'true' is text"),
        ("max_overdue_days == '90'", "'90' is text"),
        ("nature == 5", "5 is a number"),
        (" or ".join(["lease_count == 1"] * 600), "at most 2,000 are allowed: split it"),
        ("t'P9999999999D' > t'P1D'", "duration"),
        ("lease_count > nan", "'nan' is not a finite number"),
    ],
)
def test_bad_conditions_are_located_at_their_key(condition: str, words: str) -> None:
    text = edited(TIER_B, f"when: {condition}\n")
    problems = problems_of(text)
    line = line_of(text, f"when: {condition[:30]}")
    wanted = re.compile(rf"p\.yaml:{line}:\d+: tiers\[1\]\.when: .*{re.escape(words)}")
    assert any(wanted.match(p) for p in problems), problems


@pytest.mark.parametrize("layout", ["flow", "block"])
def test_yaml_nested_900_deep_is_refused_with_its_line(layout: str) -> None:
    if layout == "flow":
        text = edited("overrides: []", "overrides: " + "[" * 900 + "]" * 900)
    else:
        text = DEFAULT + "".join("  " * i + f"k{i}:\n" for i in range(900)) + "  " * 900 + "v\n"
    problems = problems_of(text)
    assert len(problems) == 1, problems
    assert re.match(r"p\.yaml:\d+:\d+: .*nested more than 20 deep", problems[0]), problems


def test_nesting_through_aliases_is_refused_not_a_crash() -> None:
    rows = ["a0: &a0 [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]"]
    rows += [f"a{i}: &a{i} [[[[[[[[[[[[[[[[[[*a{i - 1}]]]]]]]]]]]]]]]]]]" for i in range(1, 200)]
    problems = problems_of("\n".join(rows) + "\n")
    assert problems and all(p.startswith("p.yaml:") for p in problems), problems


def test_the_shipped_policy_stays_within_every_limit() -> None:
    assert parse_policy(DEFAULT, "default.yaml").version


def test_a_policy_refuses_in_its_texts_what_a_customer_name_refuses() -> None:
    from creditfile.document.characters import UNSAFE_CLASS
    from creditfile.policy.yamltext import UNSAFE_IN_POLICY

    assert UNSAFE_IN_POLICY.pattern == f"[{UNSAFE_CLASS}]"


def test_a_path_with_a_nul_character_is_refused_with_a_message() -> None:
    from creditfile.policy.label_clashes import label_clashes
    from creditfile.policy.loader import check_policy

    [problem] = check_policy("policy\x00.yaml")
    assert "NUL character" in problem.message
    assert label_clashes("policy\x00.yaml") == []
