"""``creditfile explain ID``: one customer's score breakdown, item by item."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.lookup import explain_customer
from creditfile.cli.env import Env
from creditfile.cli.table import render_table


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``explain`` command."""
    parser = sub.add_parser("explain", parents=[parent], help="why a customer has its grade")
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--as-of", metavar="DATE", help="grading date YYYY-MM-DD (default: today)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Grade the customer against the whole archive now and show every step."""
    policy = env.policy()
    detail = explain_customer(env.archive(), args.id, policy, env.as_of)
    if env.json:
        env.emit_json(detail)
        return 0
    grading = detail["grading"]
    env.say(f"{detail['id']}  {detail['name']}  ({detail['nature_label']})")
    env.say(
        f"as of {grading['as_of']}, policy {policy.version} ({policy.sha256[:12]}…); "
        f"{grading['lifecycle']}, {grading['stage']}, tier {detail['tier_label'] or '-'}"
    )
    env.say()
    env.say(
        render_table(
            ["item", "input", "points", "weight", "lost", "clause"],
            [
                [
                    f"{r['label']} {r['key']}",
                    _input(r["input"]),
                    r["points"],
                    r["weight"],
                    r["lost"],
                    r["clause"],
                ]
                for r in detail["items"]
            ],
            numeric=[False, True, True, True, True, False],
        )
    )
    env.say()
    if grading["status"] == "ungraded":
        env.say("UNGRADED — " + "; ".join(grading["reasons"]))
        return 0
    band = detail["band"]
    env.say(
        f"total {grading['total']:.2f} → grade {grading['grade']} {detail['grade_label'] or ''}"
    )
    if band["next_grade"]:
        env.say(
            f"{band['gap_to_next']:.2f} points short of {band['next_grade']} "
            f"(needs {band['next_min_score']:g})"
        )
    for override in grading["overrides"]:
        env.say(
            f"override {override['id']}: {override['reason']}"
            + (f" ({override['from']} → {override['to']})" if "to" in override else "")
        )
    for reason in grading["reasons"]:
        env.say(f"note: {reason}")
    env.say(
        "\nprivileges: " + ", ".join(f"{k} {_term(v)}" for k, v in detail["privileges"].items())
    )
    return 0


def _term(value: Any) -> str:
    """A privilege as a reader takes it in: yes/no, not Python's True/False; amounts grouped."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and value >= 10000:
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def _input(value: Any) -> Any:
    return "-" if value is None else value
