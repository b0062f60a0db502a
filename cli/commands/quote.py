"""``creditfile quote ID --item KEY --list-price AMOUNT``: a lease priced under the customer's
terms, checked against its credit headroom and recorded in its history."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.quotes import (
    OverLimitError,
    issue_quote,
    quote_record,
    quote_request,
)
from creditfile.cli.env import Env
from creditfile.cli.table import render_table
from creditfile.document.values import format_amount
from creditfile.engine.quotes import Quote
from creditfile.policy import Policy
from creditfile.presentation.translation import _, error_text


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``quote`` command."""
    parser = sub.add_parser(
        "quote",
        parents=[parent],
        help="price a lease under the terms of the customer's grade, check it against the "
        "credit headroom (limit − outstanding) and record it in the customer's history",
    )
    parser.add_argument("id", metavar="ID")
    parser.add_argument(
        "--item", required=True, metavar="KEY", help="leased-item category (key or label)"
    )
    parser.add_argument(
        "--list-price",
        required=True,
        metavar="AMOUNT",
        help="list price per unit and month, CNY (e.g. 1200, 1,200 or 1.2万)",
    )
    parser.add_argument("--quantity", type=int, default=1, metavar="N", help="units (default 1)")
    parser.add_argument("--months", type=int, default=1, metavar="M", help="months (default 1)")
    parser.add_argument(
        "--allow-over-limit",
        action="store_true",
        help="record the quote even when it exceeds the credit headroom (recorded as such)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Price, check and record; over the limit without ``--allow-over-limit``: exit 1."""
    policy = env.policy()
    request = quote_request(policy, args.item, args.list_price, args.quantity, args.months)
    try:
        quote = issue_quote(
            env.archive(),
            args.id,
            request,
            policy,
            actor=env.actor,
            allow_over_limit=args.allow_over_limit,
        )
    except OverLimitError as exc:
        if env.json:
            env.emit_json({"customer_id": args.id, **quote_record(exc.quote), "recorded": False})
        else:
            env.say(_table(args.id, exc.quote, policy))
        env.warn(f"creditfile: {error_text(exc)}")
        return 1
    if env.json:
        env.emit_json({"customer_id": args.id, **quote_record(quote), "recorded": True})
        return 0
    env.say(_table(args.id, quote, policy))
    if quote.over_limit:
        env.say(
            _("recorded in {id}'s history — OVER THE CREDIT LIMIT, recorded as allowed").format(
                id=args.id
            )
        )
    else:
        env.say(_("recorded in {id}'s history").format(id=args.id))
    return 0


def _table(customer_id: str, quote: Quote, policy: Policy) -> str:
    request = quote.request
    grade = quote.grade or f"ungraded (grade {quote.terms_grade}'s terms apply)"
    label = policy.grade_named(quote.terms_grade).label if quote.grade else ""
    rows: list[list[object]] = [
        ["customer", customer_id],
        ["grade", f"{grade} {label}".strip()],
        ["item", f"{policy.item_label(request.item)} ({request.item})"],
        ["list price / unit / month", format_amount(request.list_price)],
        ["quantity × months", f"{request.quantity} × {request.months}"],
        ["list amount", format_amount(quote.list_amount)],
        ["discount", f"{quote.discount_pct:g}% = {format_amount(quote.discount)}"],
        ["amount", format_amount(quote.amount)],
        ["deposit", f"{quote.deposit_pct:g}% = {format_amount(quote.deposit)}"],
        ["payment", f"{quote.payment_method}, {quote.payment_cycle_days} days"],
        ["credit limit", format_amount(quote.credit_limit) or "-"],
        ["outstanding", format_amount(quote.outstanding)],
        ["headroom", format_amount(quote.headroom) or "-"],
        [
            "within limit",
            f"NO — over by {format_amount(quote.excess)}" if quote.over_limit else "yes",
        ],
    ]
    return render_table(["quote", customer_id], rows[1:], [False, False])
