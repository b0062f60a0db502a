"""Quoting a lease to a customer: the terms of its current grading, the amount, the credit
headroom, and the quote recorded in the customer's history.

The pricing itself is ``engine.quotes`` (pure); the terms come from ``engine.terms``. A quote
over the credit limit is refused unless the caller allows it, and an allowed one is recorded
as such (``allowed_over_limit``). A refused quote writes nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from creditfile.application.lookup import find_customer
from creditfile.document.values import AmountError, format_amount, parse_amount
from creditfile.engine.quotes import Quote, QuoteRequest, outstanding_of, price_quote
from creditfile.engine.terms import terms_that_apply
from creditfile.policy import CreditfileError, Policy
from creditfile.presentation.translation import _, language, translation
from creditfile.store import ArchiveStore

QUOTE_EVENT = "quote_issued"
"""The history event of a recorded quote."""

MAX_QUANTITY = 1_000_000
MAX_MONTHS = 1200
MAX_LIST_PRICE = Decimal(1_000_000_000_000)


class QuoteError(CreditfileError):
    """A quote that cannot be made as asked; the message says what to change."""


class OverLimitError(QuoteError):
    """The quote's amount exceeds the customer's credit headroom; nothing was recorded.

    Attributes:
        quote: The priced quote, to show.
    """

    def __init__(self, message: str, quote: Quote) -> None:
        super().__init__(message)
        self.quote = quote


def quote_request(
    policy: Policy, item: str, list_price: str, quantity: int = 1, months: int = 1
) -> QuoteRequest:
    """A checked quote request from what a person typed.

    Args:
        policy: Names the leased-item categories (a label such as 盘扣式脚手架 is accepted).
        item: The leased-item category key or label.
        list_price: The list price per unit and month, as an amount (``1,200``, ``1.2万``).
        quantity: How many units (1 or more).
        months: How many months (1 or more).

    Raises:
        QuoteError: naming the value and how to write it.
    """
    key = _item_key(policy, item.strip())
    try:
        price = Decimal(str(parse_amount(list_price)))
    except AmountError as exc:
        raise QuoteError(_("--list-price: {error}").format(error=exc.said.text(_))) from None
    if price.as_tuple().exponent < -2:  # type: ignore[operator]
        raise QuoteError(
            _("--list-price {price}: a price is in CNY to the cent (at most two decimals)").format(
                price=repr(list_price)
            )
        )
    if price <= 0 or price > MAX_LIST_PRICE:
        raise QuoteError(
            _(
                "--list-price {price}: give the list price per unit and month, more than 0 and "
                "at most {most}"
            ).format(price=repr(list_price), most=format_amount(MAX_LIST_PRICE))
        )
    if not 1 <= quantity <= MAX_QUANTITY:
        raise QuoteError(
            _("--quantity {quantity}: give a whole number from 1 to {most}").format(
                quantity=quantity, most=f"{MAX_QUANTITY:,}"
            )
        )
    if not 1 <= months <= MAX_MONTHS:
        raise QuoteError(
            _("--months {months}: give a whole number of months from 1 to {most}").format(
                months=months, most=MAX_MONTHS
            )
        )
    return QuoteRequest(item=key, list_price=price, quantity=quantity, months=months)


def _item_key(policy: Policy, item: str) -> str:
    categories = policy.item_categories
    if not categories or item in categories:
        if not item:
            raise QuoteError(_("--item: name the leased item (a category key of the policy)"))
        return item
    # A label is taken in either language; the choices are listed in the one in force.
    shown = policy.in_language(language()).item_categories
    english = policy.in_language("en").item_categories
    by_label = {label: key for key, label in [*categories.items(), *english.items()]}
    if item in by_label:
        return by_label[item]
    close = difflib.get_close_matches(item, [*categories, *by_label], n=1)
    hint = _("did you mean {item}? ").format(item=repr(close[0])) if close else ""
    listed = ", ".join(f"{key} ({label})" for key, label in shown.items())
    raise QuoteError(
        _(
            "--item {item} is not a leased-item category of the policy; {hint}one of: {listed}"
        ).format(item=repr(item), hint=hint, listed=listed)
    )


def price_for_customer(
    archive: ArchiveStore, customer_id: str, request: QuoteRequest, policy: Policy
) -> Quote:
    """The quote for one customer under its current (stored) grading; nothing is written.

    Raises:
        CustomerNotFoundError: no such customer (close ids suggested).
    """
    doc = find_customer(archive, customer_id)
    record = archive.get(customer_id) or {}
    grading = record.get("_grading")
    grade = grading.get("grade") if isinstance(grading, Mapping) else None
    grade = grade if isinstance(grade, str) else None
    nature = doc.get("nature") if isinstance(doc.get("nature"), str) else None
    terms_grade = grade if grade is not None else policy.below_lowest.name
    return price_quote(
        request,
        terms_that_apply(policy, grade, nature),
        grade=grade,
        terms_grade=terms_grade,
        outstanding=outstanding_of(doc),
    )


def issue_quote(
    archive: ArchiveStore,
    customer_id: str,
    request: QuoteRequest,
    policy: Policy,
    *,
    actor: str,
    allow_over_limit: bool = False,
    via: str = "creditfile quote",
) -> Quote:
    """Price the quote and record it in the customer's history (``quote_issued``).

    Args:
        archive: The archive.
        customer_id: The customer.
        request: What is quoted.
        policy: The policy in force (its terms and version are recorded).
        actor: Who quotes.
        allow_over_limit: Record a quote over the credit limit anyway (recorded as such).
        via: What issued it (``creditfile quote``, the card).

    Raises:
        CustomerNotFoundError: no such customer.
        OverLimitError: over the limit and not allowed; nothing was recorded.
    """
    quote = price_for_customer(archive, customer_id, request, policy)
    if quote.over_limit and not allow_over_limit:
        raise OverLimitError(over_limit_message(customer_id, quote), quote)
    detail = {
        **quote_record(quote),
        "allowed_over_limit": quote.over_limit,
        "policy_version": policy.version,
        "via": via,
    }
    archive.record_event(customer_id, QUOTE_EVENT, actor, detail)
    return quote


def over_limit_message(customer_id: str, quote: Quote) -> str:
    """Why the quote is refused, and what to do."""
    if quote.limit_used_up:
        return _(
            "{id}: the credit limit {limit} of grade {grade} is used up already (outstanding "
            "{outstanding}): nothing can be quoted on credit; nothing was recorded. Collect "
            "what is owed first, or give --allow-over-limit to record the quote over the limit"
        ).format(
            id=customer_id,
            limit=format_amount(quote.credit_limit),
            grade=quote.terms_grade,
            outstanding=format_amount(quote.outstanding),
        )
    return _(
        "{id}: the quote's amount {amount} exceeds the credit headroom {headroom} (limit "
        "{limit} of grade {grade} − outstanding {outstanding}) by {excess}; nothing was "
        "recorded. Quote less, or give --allow-over-limit to record it over the limit"
    ).format(
        id=customer_id,
        amount=format_amount(quote.amount),
        headroom=format_amount(quote.headroom),
        limit=format_amount(quote.credit_limit),
        grade=quote.terms_grade,
        outstanding=format_amount(quote.outstanding),
        excess=format_amount(quote.excess),
    )


def quote_record(quote: Quote) -> dict[str, Any]:
    """The quote as JSON: what was asked, the terms, the amounts (numbers, to the cent)."""
    request = quote.request
    return {
        "item": request.item,
        "list_price": _money(request.list_price),
        "quantity": request.quantity,
        "months": request.months,
        "grade": quote.grade,
        "terms_grade": quote.terms_grade,
        "list_amount": _money(quote.list_amount),
        "discount_pct": float(quote.discount_pct),
        "discount": _money(quote.discount),
        "amount": _money(quote.amount),
        "deposit_pct": float(quote.deposit_pct),
        "deposit": _money(quote.deposit),
        "payment_method": quote.payment_method,
        "payment_cycle_days": quote.payment_cycle_days,
        "credit_limit": None if quote.credit_limit is None else _money(quote.credit_limit),
        "outstanding": _money(quote.outstanding),
        "headroom": None if quote.headroom is None else _money(quote.headroom),
        "over_limit": quote.over_limit,
        "excess": _money(quote.excess),
    }


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def quote_summary(event: Mapping[str, Any], lang: str, policy: Policy | None = None) -> str:
    """A recorded quote in one line of ``lang``, as the history shows it.

    ``盘扣式脚手架 ×10 · 6个月 · 报价金额 68,400.00 (优惠 5%) · 押金 0.00 · 月结 90天 · …``;
    give ``policy`` in ``lang`` (``Policy.in_language``) for the item and payment method.
    """
    said = translation(lang)
    item = str(event.get("item", ""))
    label = policy.item_label(item) if policy is not None else item
    method = str(event.get("payment_method", ""))
    if policy is not None:
        method = policy.payment_method_label(method)
    grade = event.get("grade")
    parts = [
        f"{label} ×{event.get('quantity')}",
        said.pgettext("history summary", "{months} months").format(months=event.get("months")),
        said.pgettext("history summary", "amount {amount} (discount {pct}%)").format(
            amount=format_amount(event.get("amount")), pct=f"{event.get('discount_pct', 0):g}"
        ),
        said.pgettext("history summary", "deposit {amount}").format(
            amount=format_amount(event.get("deposit"))
        ),
        said.pgettext("history summary", "{method} {days} days").format(
            method=method, days=event.get("payment_cycle_days", 0)
        ),
    ]
    if grade is None:
        parts.insert(
            0,
            said.pgettext("history summary", "ungraded: grade {grade}'s terms").format(
                grade=event.get("terms_grade")
            ),
        )
    if event.get("headroom") is not None:
        parts.append(
            said.pgettext("history summary", "headroom {amount}").format(
                amount=format_amount(event.get("headroom"))
            )
        )
    if event.get("allowed_over_limit"):
        parts.append(said.pgettext("history summary", "quoted over the limit, as allowed"))
    elif event.get("over_limit"):
        parts.append(said.pgettext("history summary", "over the credit limit"))
    return " · ".join(parts)
