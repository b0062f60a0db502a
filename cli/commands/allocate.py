"""``creditfile allocate --item KEY --available N``: the allocation plan of a short item."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.allocation import allocate, write_allocation_xlsx
from creditfile.cli.env import Env
from creditfile.cli.table import render_table


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``allocate`` command."""
    parser = sub.add_parser(
        "allocate",
        parents=[parent],
        help="share a short item among the demand kept: grade first, then the policy's "
        "supply order; D-grade, ungraded and over-limit customers held back with the reason",
    )
    parser.add_argument("--item", required=True, metavar="KEY", help="leased-item category")
    parser.add_argument(
        "--available", required=True, type=int, metavar="N", help="units there are to give"
    )
    parser.add_argument("--xlsx", metavar="FILE", help="also write the plan as a workbook")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Rank, share, and show the plan (a table, JSON or a workbook)."""
    policy = env.policy()
    plan = allocate(env.archive(), policy, args.item, args.available)
    if args.xlsx:
        written = write_allocation_xlsx(args.xlsx, plan, policy, archive=env.db_path)
        env.warn(f"wrote the allocation plan to {written}")
    if env.json:
        env.emit_json(plan)
        return 0
    grades = {grade.name: grade.label for grade in policy.all_grades}
    tiers = {tier.key: tier.label for tier in policy.tiers}
    env.say(
        f"{policy.item_label(plan['item'])} ({plan['item']}): {plan['available']:,} available, "
        f"{plan['requested']:,} requested by the customers served; ranked by "
        + ", then ".join(plan["order"])
    )
    if plan["rows"]:
        env.say(
            render_table(
                ["rank", "demand", "customer", "name", "grade", "tier", "requested", "wanted",
                 "quantity", "allocated", "short"],
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
        env.say("no request to serve")
    env.say(f"allocated {plan['allocated']:,}, left {plan['left']:,}")
    if plan["held"]:
        env.say(f"\nheld back ({len(plan['held'])}):")
        env.say(
            render_table(
                ["demand", "customer", "name", "quantity", "reason"],
                [[h["demand_id"], h["customer_id"], h["name"], h["quantity"], h["reason"]]
                 for h in plan["held"]],
                [False, False, False, True, False],
            )
        )  # fmt: skip
    return 0
