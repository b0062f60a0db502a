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
from creditfile.document import field_catalogue
from creditfile.document.values import format_amount
from creditfile.engine.quotes import Quote
from creditfile.policy import Policy
from creditfile.presentation.quote_words import limit_words
from creditfile.presentation.translation import _, error_text, language, pgettext


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``quote`` command."""
    parser = sub.add_parser(
        "quote",
        parents=[parent],
        help=_(
            "price a lease under the terms of the customer's grade, check it against the "
            "credit headroom (limit − outstanding) and record it in the customer's history"
        ),
    )
    parser.add_argument("id", metavar="ID")
    parser.add_argument(
        "--item", required=True, metavar="KEY", help=_("leased-item category (key or label)")
    )
    parser.add_argument(
        "--list-price",
        required=True,
        metavar="AMOUNT",
        help=_("list price per unit and month, CNY (e.g. 1200, 1,200 or 1.2万)"),
    )
    parser.add_argument("--quantity", type=int, default=1, metavar="N", help=_("units (default 1)"))
    parser.add_argument("--months", type=int, default=1, metavar="M", help=_("months (default 1)"))
    parser.add_argument(
        "--allow-over-limit",
        action="store_true",
        help=_("record the quote even when it exceeds the credit headroom (recorded as such)"),
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
    """The quote, one fact a row, in the language in force (the policy's labels too)."""
    policy = policy.in_language(language())
    request = quote.request
    if quote.grade:
        label = policy.grade_named(quote.terms_grade).label
        grade = f"{quote.grade} {label}"
    else:
        grade = _("ungraded (grade {grade}'s terms apply)").format(grade=quote.terms_grade)
    payment = _("{method}, {days} days").format(
        method=policy.payment_method_label(quote.payment_method), days=quote.payment_cycle_days
    )
    within = _("NO — {why}").format(why=limit_words(quote)) if quote.over_limit else _("yes")
    item_title = field_catalogue()["leases[].item"].titled(language())
    rows: list[list[object]] = [
        [pgettext("quote", "grade"), grade],
        [item_title, f"{policy.item_label(request.item)} ({request.item})"],
        [pgettext("quote", "list price / unit / month"), format_amount(request.list_price)],
        [pgettext("quote", "quantity × months"), f"{request.quantity} × {request.months}"],
        [pgettext("quote", "list amount"), format_amount(quote.list_amount)],
        [
            pgettext("quote", "discount"),
            f"{quote.discount_pct:g}% = {format_amount(quote.discount)}",
        ],
        [pgettext("quote", "amount"), format_amount(quote.amount)],
        [pgettext("quote", "deposit"), f"{quote.deposit_pct:g}% = {format_amount(quote.deposit)}"],
        [pgettext("quote", "payment"), payment],
        [pgettext("quote", "credit limit"), format_amount(quote.credit_limit) or "-"],
        [pgettext("quote", "outstanding"), format_amount(quote.outstanding)],
        [pgettext("quote", "headroom"), format_amount(quote.headroom) or "-"],
        [pgettext("quote", "within limit"), within],
    ]
    return render_table([pgettext("quote", "quote"), customer_id], rows, [False, False])
