"""``creditfile demand add|import|list``: demand requests kept in the archive for allocation."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.allocation import (
    DemandError,
    DemandInput,
    add_demands,
    allocation_headers,
    demand_columns,
    kept_demands,
    read_demand_file,
)
from creditfile.cli.env import Env
from creditfile.cli.table import render_table
from creditfile.document import field_catalogue
from creditfile.presentation.translation import _, language, ngettext


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``demand`` command and its actions."""
    parser = sub.add_parser(
        "demand", parents=[parent], help=_("demand requests kept for priority supply")
    )
    actions = parser.add_subparsers(dest="demand_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[parent], help=_("keep one demand request"))
    add.add_argument("id", metavar="ID", help=_("the customer"))
    add.add_argument("--item", required=True, metavar="KEY", help=_("leased-item category"))
    add.add_argument("--quantity", required=True, metavar="N", help=_("units wanted"))
    add.add_argument("--wanted", required=True, metavar="DATE", help=_("date wanted (YYYY-MM-DD)"))
    add.add_argument(
        "--requested", metavar="DATE", default="", help=_("date of the request (default today)")
    )
    add.add_argument("--note", default="", metavar="TEXT", help=_("a note kept with the request"))
    add.set_defaults(handler=run_add)
    load = actions.add_parser(
        "import",
        parents=[parent],
        help=_("keep the requests of a CSV or XLSX sheet (columns {columns}), all or none").format(
            columns=", ".join(f"{name} ({key})" for key, name in demand_columns().items())
        ),
    )
    load.add_argument("file", metavar="FILE")
    load.set_defaults(handler=run_import)
    show = actions.add_parser("list", parents=[parent], help=_("the demand requests kept"))
    show.add_argument("--item", metavar="KEY", help=_("only this leased item"))
    show.set_defaults(handler=run_list)


def run_add(args: argparse.Namespace, env: Env) -> int:
    """Check and keep one request."""
    entry = DemandInput(
        args.id, args.item, args.quantity, args.wanted, args.requested, args.note, "demand add"
    )
    return _keep(env, [entry])


def run_import(args: argparse.Namespace, env: Env) -> int:
    """Check every row of the sheet, then keep them all or none."""
    return _keep(env, read_demand_file(args.file))


def _keep(env: Env, entries: list[DemandInput]) -> int:
    try:
        added = add_demands(env.archive(), entries, env.policy(), actor=env.actor, today=env.as_of)
    except DemandError as exc:
        for problem in exc.problems:
            env.warn(f"creditfile: {problem}")
        env.warn(_("nothing was kept; correct the requests and run it again"))
        return 1
    if env.json:
        env.emit_json(added)
        return 0
    count = len(added)
    env.say(
        ngettext("kept {n} demand request: {ids}", "kept {n} demand requests: {ids}", count).format(
            n=count, ids=", ".join(str(d["id"]) for d in added)
        )
    )
    return 0


def run_list(args: argparse.Namespace, env: Env) -> int:
    """Every request kept, oldest first."""
    demands = [
        d for d in kept_demands(env.archive()) if args.item is None or d.get("item") == args.item
    ]
    if env.json:
        env.emit_json(demands)
        return 0
    if not demands:
        env.say(_("no demand requests kept"))
        return 0
    lang = language()
    policy = env.policy().in_language(lang)
    fields = field_catalogue()
    words = allocation_headers()
    headers = [
        words["demand_id"],
        words["customer_id"],
        fields["leases[].item"].text(lang),
        words["quantity"],
        words["wanted_on"],
        words["requested_on"],
        fields["sources[].note"].text(lang),
    ]
    rows = [
        [d.get("id"), d.get("customer_id"), policy.item_label(str(d.get("item"))),
         d.get("quantity"), d.get("wanted_on"), d.get("requested_on"), d.get("note") or ""]
        for d in demands
    ]  # fmt: skip
    env.say(render_table(headers, rows, [False, False, False, True, False, False, False]))
    return 0
