"""Quotes priced under each grade's terms, against amounts worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditfile.engine.quotes import QuoteRequest, outstanding_of, price_quote
from creditfile.engine.terms import terms_that_apply
from creditfile.policy import Policy

D = Decimal
# 1,234.56 per unit and month × 7 units × 5 months = 43,209.60, for every grade.
REQUEST = QuoteRequest("tower_crane", D("1234.56"), quantity=7, months=5)

# grade: (discount, amount, deposit, limit), worked out by hand from policy/default.yaml:
#   A  5%: 43,209.60 × 0.05 = 2,160.48;   amount 41,049.12; deposit 0%
#   B  2%: 43,209.60 × 0.02 = 864.192 → 864.19; amount 42,345.41; deposit 10% = 4,234.541 → 4,234.54
#   C  0%: amount 43,209.60; deposit 20% = 8,641.92
#   D  0%: amount 43,209.60; deposit 100% = 43,209.60; limit 0
HAND = {
    "A": ("2160.48", "41049.12", "0.00", "5000000"),
    "B": ("864.19", "42345.41", "4234.54", "2000000"),
    "C": ("0.00", "43209.60", "8641.92", "500000"),
    "D": ("0.00", "43209.60", "43209.60", "0"),
}


@pytest.mark.parametrize("grade", ["A", "B", "C", "D"])
def test_each_grade_is_priced_as_worked_out_by_hand(default_policy: Policy, grade: str) -> None:
    discount, amount, deposit, limit = HAND[grade]
    terms = terms_that_apply(default_policy, grade, "developer")
    quote = price_quote(REQUEST, terms, grade=grade, terms_grade=grade, outstanding=D("1000"))
    assert quote.list_amount == D("43209.60")
    assert (quote.discount, quote.amount, quote.deposit) == (D(discount), D(amount), D(deposit))
    assert quote.credit_limit == D(limit)
    assert quote.headroom == D(limit) - D("1000")
    assert quote.payment_method == default_policy.privileges[grade]["payment_method"]
    assert quote.payment_cycle_days == default_policy.privileges[grade]["payment_cycle_days"]
    # D's limit is 0: any amount on top of what is owed is over it.
    assert quote.over_limit is (grade == "D")


def test_an_ungraded_customer_gets_the_below_lowest_grades_terms(default_policy: Policy) -> None:
    assert terms_that_apply(default_policy, None, "individual") == default_policy.privileges["D"]


@pytest.mark.parametrize("grade", ["A", "B", "C", "D"])
def test_every_nature_gets_its_grades_terms_under_the_shipped_policy(
    default_policy: Policy, grade: str
) -> None:
    for nature in default_policy.natures:
        assert terms_that_apply(default_policy, grade, nature) == default_policy.privileges[grade]


def test_rounding_is_half_up_to_the_cent(default_policy: Policy) -> None:
    # B: 0.25 × 2% = 0.005 → 0.01 (half-up; half-even would give 0.00); deposit 0.24 × 10%
    # = 0.024 → 0.02.
    terms = terms_that_apply(default_policy, "B", "developer")
    quote = price_quote(
        QuoteRequest("tower_crane", D("0.25")), terms, grade="B", terms_grade="B", outstanding=D(0)
    )
    assert (quote.discount, quote.amount, quote.deposit) == (D("0.01"), D("0.24"), D("0.02"))


@pytest.mark.parametrize(
    ("price", "over", "excess"),
    [("10000.00", False, "0"), ("10000.01", True, "0.01"), ("9999.99", False, "0")],
)
def test_the_headroom_is_the_limit_less_what_is_owed(
    default_policy: Policy, price: str, over: bool, excess: str
) -> None:
    # C: no discount, limit 500,000; 490,000 owed leaves 10,000 of headroom.
    terms = terms_that_apply(default_policy, "C", "developer")
    quote = price_quote(
        QuoteRequest("tower_crane", D(price)),
        terms,
        grade="C",
        terms_grade="C",
        outstanding=D("490000"),
    )
    assert quote.headroom == D("10000")
    assert (quote.over_limit, quote.excess) == (over, D(excess))


def test_a_customer_already_over_its_limit_has_negative_headroom(default_policy: Policy) -> None:
    terms = terms_that_apply(default_policy, "C", "developer")
    quote = price_quote(
        QuoteRequest("tower_crane", D("1")),
        terms,
        grade="C",
        terms_grade="C",
        outstanding=D("500100"),
    )
    assert quote.headroom == D("-100")
    assert quote.over_limit and quote.excess == D("101")


def test_outstanding_counts_receivables_of_leases_not_cancelled() -> None:
    doc = {
        "leases": [
            {"contract": "a", "status": "active", "outstanding": 1000.10},
            {"contract": "b", "status": "closed", "outstanding": 200},
            {"contract": "c", "status": "cancelled", "outstanding": 5000},
            {"contract": "d", "status": "active"},
        ]
    }
    assert outstanding_of(doc) == D("1200.10")
