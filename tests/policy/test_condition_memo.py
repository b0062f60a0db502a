"""Remembered condition results always equal a fresh evaluation by rule-engine."""

from __future__ import annotations

import rule_engine
from hypothesis import given, settings
from hypothesis import strategies as st

from creditfile.policy.conditions import compile_condition

NUMERIC = ("cumulative_lease_amount", "lease_count", "months_since_first_trade")
LITERALS = (0, 1, 10, 12, 500000, 5000000)
OPS = ("<", "<=", ">", ">=", "==", "!=")

comparison = st.builds(
    lambda fact, op, lit, flip: f"{lit} {op} {fact}" if flip else f"{fact} {op} {lit}",
    st.sampled_from(NUMERIC[:2]),
    st.sampled_from(OPS),
    st.sampled_from(LITERALS),
    st.booleans(),
)
arithmetic = st.builds(
    lambda f, lit: f"{f} * 2 > {lit}", st.sampled_from(NUMERIC[:2]), st.sampled_from(LITERALS)
)
text = st.sampled_from(
    [
        'lifecycle == "new"',
        'nature in ["developer", "individual"]',
        "unverified_customer_form",
        "months_since_first_trade != null and months_since_first_trade < 12",
    ]
)
atom = st.one_of(comparison, arithmetic, text)
expression = st.recursive(
    atom,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
        st.builds(lambda a, b: f"({a}) or ({b})", inner, inner),
        st.builds(lambda a: f"not ({a})", inner),
    ),
    max_leaves=5,
)
value = st.one_of(
    st.sampled_from(LITERALS), st.integers(-5, 6_000_000), st.floats(0, 6e6, allow_nan=False)
)
facts = st.fixed_dictionaries(
    {
        "cumulative_lease_amount": value,
        "lease_count": value,
        "months_since_first_trade": st.one_of(st.none(), st.integers(-3, 40)),
        "lifecycle": st.sampled_from(["new", "established", "prospective"]),
        "nature": st.sampled_from(["developer", "individual", "central_soe"]),
        "unverified_customer_form": st.booleans(),
    }
)


@settings(max_examples=300, deadline=None)
@given(expression, st.lists(facts, min_size=1, max_size=25))
def test_memo_never_changes_a_result(text: str, many: list[dict[str, object]]) -> None:
    condition = compile_condition(text, "tier")
    for one in many:
        full = {
            "active_lease_count": 0,
            "stage": "current",
            "days_since_assessment": None,
            "days_since_agency_report": None,
            "outstanding_amount": 0.0,
            "max_overdue_days": 0,
            **one,
        }
        try:
            expected: object = bool(condition.rule.matches(full))
        except rule_engine.EngineError:
            expected = "error"
        try:
            actual: object = condition.matches(full)
        except ValueError:
            actual = "error"
        assert actual == expected, (text, full)
