"""``creditfile merge KEEP DROP``: unite two customers that are one company."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.merging import merge_customers
from creditfile.cli.env import Env
from creditfile.presentation.translation import _


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``merge`` command."""
    parser = sub.add_parser(
        "merge",
        parents=[parent],
        help=_(
            "unite two customers that are one company: KEEP takes DROP's leases, sources and "
            "the fields it lacks; DROP's history stays with it and DROP becomes its alias"
        ),
    )
    parser.add_argument("keep", metavar="KEEP", help=_("the customer to keep"))
    parser.add_argument("drop", metavar="DROP", help=_("the customer merged into it"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Merge, in one write, and say what moved."""
    result = merge_customers(env.archive(), args.keep, args.drop, env.actor)
    if env.json:
        env.emit_json(
            {
                "kept": args.keep,
                "dropped": result.dropped,
                "rev": result.record["_meta"]["rev"],
                "leases": result.leases,
                "sources": result.sources,
                "filled": result.filled,
            }
        )
        return 0
    leases = f"{len(result.leases)} lease{'s' if len(result.leases) != 1 else ''}"
    sources = f"{result.sources} source{'s' if result.sources != 1 else ''}"
    env.say(
        f"merged {result.dropped} into {args.keep} (revision {result.record['_meta']['rev']}): "
        f"{leases}, {sources} and {len(result.filled)} empty field(s) taken over; "
        f"{result.dropped} is now an alias of {args.keep} — its history shows with "
        f"`creditfile history {args.keep}`, and an import of a row under {result.dropped} "
        f"is refused, naming {args.keep}. Run `creditfile regrade` to grade {args.keep} "
        "on its leases."
    )
    return 0
