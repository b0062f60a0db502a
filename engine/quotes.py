"""A lease quote priced under the terms that apply, checked against the credit headroom.

Money is exact decimal CNY throughout. The rounding, stated once:

- list amount = list price (per unit and month, to the cent) × quantity × months, exact
  (rounded half-up to the cent should a price carry more decimals);
- discount = list amount × discount % / 100, rounded half-up to the cent;
- amount = list amount − discount (the rent the customer would owe);
- deposit = amount × deposit % / 100, rounded half-up to the cent;
- headroom = credit limit − outstanding (negative when the customer is already over it);
- the quote is over the limit when its amount exceeds the headroom. The deposit is security
  held against the lease, not a payment of rent, so it does not reduce the amount on credit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditfile.engine.facts import money
from creditfile.engine.numbers import round_half_up, to_decimal
from creditfile.engine.timeline import counted_leases

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
CENT_PLACES = 2
"""Quotes are rounded half-up to the cent."""


@dataclass(frozen=True)
class QuoteRequest:
    """What is asked: an item, its list price per unit and month, how many, how long."""

    item: str
    list_price: Decimal
    quantity: int = 1
    months: int = 1


@dataclass(frozen=True)
class Quote:
    """A priced quote (every amount in CNY, rounded to the cent).

    Attributes:
        request: What was asked.
        grade: The customer's current grade; None when ungraded.
        terms_grade: The grade whose terms apply (the below-lowest one for an ungraded
            customer).
        list_amount: List price × quantity × months.
        discount_pct: The discount the terms grant, in %.
        discount: The discount in CNY.
        amount: What the customer would owe: list amount − discount.
        deposit_pct: The deposit the terms require, in % of the amount.
        deposit: The deposit in CNY.
        payment_method: How the customer pays (月结, 预付 …).
        payment_cycle_days: Days allowed to pay.
        credit_limit: The limit the terms set; None when they set none.
        outstanding: What the customer owes now (receivables of non-cancelled leases).
        headroom: Credit limit − outstanding; None without a limit.
        over_limit: The amount exceeds the headroom.
        excess: By how much (0 when within it).
    """

    request: QuoteRequest
    grade: str | None
    terms_grade: str
    list_amount: Decimal
    discount_pct: Decimal
    discount: Decimal
    amount: Decimal
    deposit_pct: Decimal
    deposit: Decimal
    payment_method: str
    payment_cycle_days: int
    credit_limit: Decimal | None
    outstanding: Decimal
    headroom: Decimal | None
    over_limit: bool
    excess: Decimal

    @property
    def limit_used_up(self) -> bool:
        """The credit limit is used up already (outstanding at or over it): nothing can be
        quoted on credit, whatever the amount."""
        return self.headroom is not None and self.headroom <= 0


def outstanding_of(doc: Mapping[str, Any]) -> Decimal:
    """What a customer owes now: ``outstanding`` summed over its non-cancelled leases."""
    return sum((money(lease.get("outstanding")) for lease in counted_leases(doc)), _ZERO)


def price_quote(
    request: QuoteRequest,
    terms: Mapping[str, Any],
    *,
    grade: str | None,
    terms_grade: str,
    outstanding: Decimal,
) -> Quote:
    """Price ``request`` under ``terms`` and check it against the credit headroom.

    Args:
        request: The item, list price, quantity and months.
        terms: The terms that apply (``engine.terms.terms_that_apply``).
        grade: The customer's current grade, None when ungraded.
        terms_grade: The grade whose terms these are.
        outstanding: What the customer owes now (``outstanding_of``).

    Returns:
        The quote; see the module's docstring for the rounding.
    """
    list_amount = _cents(request.list_price * request.quantity * request.months)
    discount_pct = _number(terms.get("price_discount_pct"))
    discount = _cents(list_amount * discount_pct / _HUNDRED)
    amount = list_amount - discount
    deposit_pct = _number(terms.get("deposit_pct"))
    deposit = _cents(amount * deposit_pct / _HUNDRED)
    limit_value = terms.get("credit_limit")
    limit = None if limit_value is None else _number(limit_value)
    headroom = None if limit is None else limit - outstanding
    over = headroom is not None and amount > headroom
    return Quote(
        request=request,
        grade=grade,
        terms_grade=terms_grade,
        list_amount=list_amount,
        discount_pct=discount_pct,
        discount=discount,
        amount=amount,
        deposit_pct=deposit_pct,
        deposit=deposit,
        payment_method=str(terms.get("payment_method") or ""),
        payment_cycle_days=int(terms.get("payment_cycle_days") or 0),
        credit_limit=limit,
        outstanding=outstanding,
        headroom=headroom,
        over_limit=over,
        excess=amount - headroom if over and headroom is not None else _ZERO,
    )


def _cents(value: Decimal) -> Decimal:
    return round_half_up(value, CENT_PLACES)


def _number(value: object) -> Decimal:
    """A policy's percentage or limit as a decimal (absent: 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return _ZERO
    return to_decimal(value)
