"""``creditfile allocate --item KEY --available N``: the allocation plan of a short item."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.allocation import (
    allocate,
    allocation_headers,
    held_words,
    write_allocation_xlsx,
)
from creditfile.cli.env import Env
from creditfile.cli.table import render_table
from creditfile.presentation.translation import _, language


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``allocate`` command."""
    parser = sub.add_parser(
        "allocate",
        parents=[parent],
        help=_(
            "share a short item among the demand kept: grade first, then the policy's "
            "supply order; D-grade, ungraded and over-limit customers held back with the reason"
        ),
    )
    parser.add_argument("--item", required=True, metavar="KEY", help=_("leased-item category"))
    parser.add_argument(
        "--available", required=True, type=int, metavar="N", help=_("units there are to give")
    )
    parser.add_argument("--xlsx", metavar="FILE", help=_("also write the plan as a workbook"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Rank, share, and show the plan (a table, JSON or a workbook)."""
    plan = allocate(env.archive(), env.policy(), args.item, args.available)
    # The table and the workbook name grades, tiers and items as the reader reads them; JSON
    # keeps the policy's own labels.
    policy = env.policy().in_language(language())
    if args.xlsx:
        written = write_allocation_xlsx(args.xlsx, plan, policy, archive=env.db_path)
        env.warn(_("wrote the allocation plan to {path}").format(path=written))
    if env.json:
        held = [{k: v for k, v in row.items() if k != "said"} for row in plan["held"]]
        env.emit_json({**plan, "held": held})
        return 0
    grades = {grade.name: grade.label for grade in policy.all_grades}
    tiers = {tier.key: tier.label for tier in policy.tiers}
    head = allocation_headers()
    env.say(
        _(
            "{label} ({item}): {available} available, {requested} requested by the customers "
            "served; ranked by {order}"
        ).format(
            label=policy.item_label(plan["item"]),
            item=plan["item"],
            available=f"{plan['available']:,}",
            requested=f"{plan['requested']:,}",
            order=_(", then ").join(_order_word(part) for part in plan["order"]),
        )
    )
    if plan["rows"]:
        keys = ["rank", "demand_id", "customer_id", "name", "grade", "tier", "requested_on",
                "wanted_on", "quantity", "allocated", "short"]  # fmt: skip
        env.say(
            render_table(
                [head[key] for key in keys],
                [
                    [r["rank"], r["demand_id"], r["customer_id"], r["name"],
                     f"{r['grade']} {grades.get(r['grade'], '')}", tiers.get(r["tier"], r["tier"]),
                     r["requested_on"], r["wanted_on"], r["quantity"], r["allocated"], r["short"]]
                    for r in plan["rows"]
                ],
                [True, False, False, False, False, False, False, False, True, True, True],
                priority=[0, 1, 0, 2, 0, 3, 3, 3, 0, 0, 0],
            )
        )  # fmt: skip
    else:
        env.say(_("no request to serve"))
    env.say(
        _("allocated {allocated}, left {left}").format(
            allocated=f"{plan['allocated']:,}", left=f"{plan['left']:,}"
        )
    )
    if plan["held"]:
        count = len(plan["held"])
        env.say("\n" + _("held back ({n}):").format(n=count))
        keys = ["demand_id", "customer_id", "name", "quantity", "reason"]
        env.say(
            render_table(
                [head[key] for key in keys],
                [[h["demand_id"], h["customer_id"], h["name"], h["quantity"], held_words(h, policy)]
                 for h in plan["held"]],
                [False, False, False, True, False],
            )
        )  # fmt: skip
    return 0


def _order_word(part: str) -> str:
    """One key of the supply order as the reader reads it."""
    words = {
        "grade": _("grade"),
        "tier": _("tier"),
        "requested_on": _("date requested"),
        "wanted_on": _("date wanted"),
        "total_score": _("total score"),
    }
    return words.get(part, part)
