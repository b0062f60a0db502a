"""``creditfile list``: the customer list with the UI's search, filters and sort; table or file."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.customer_index import COLUMNS
from creditfile.application.customer_list import (
    ListError,
    ListRequest,
    export_list,
    list_json,
    list_query,
    list_table,
    listed_rows,
)
from creditfile.cli.env import Env, UsageError
from creditfile.cli.table import render_table
from creditfile.presentation.translation import N_, _, language, ngettext


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``list`` command."""
    parser = sub.add_parser(
        "list",
        parents=[parent],
        help=_("customers found, filtered and sorted as in the UI's list; table, JSON, CSV, XLSX"),
        description=_(
            "Each filter takes keys or the policy's labels, several separated by "
            "commas (--grade A,B); a customer must match every filter given. No personal data "
            "and no contact details are ever listed."
        ),
    )
    for option, what in (
        ("--grade", N_("grades (A, B, …, or ungraded)")),
        ("--nature", N_("natures (developer or 开发商, …)")),
        ("--tier", N_("tiers (key_account or 主力客户, …)")),
        ("--lifecycle", N_("established, new, prospective (老客户, 新客户, 未来客户)")),
        ("--stage", N_("current, past, upcoming (正在交易, 曾经交易, 即将交易)")),
    ):
        parser.add_argument(option, action="append", default=[], metavar="NAMES", help=_(what))
    parser.add_argument(
        "--attention", action="store_true", help=_("only customers that need attention")
    )
    parser.add_argument(
        "--search",
        metavar="TEXT",
        default="",
        help=_("id, name, phone or contact person; pinyin full or initials (whhd, hongda)"),
    )
    parser.add_argument(
        "--sort",
        choices=COLUMNS,
        default="id",
        metavar="COL",
        help=_("one of {choices}").format(choices=", ".join(COLUMNS)),
    )
    parser.add_argument("--reverse", action="store_true", help=_("sort descending"))
    parser.add_argument(
        "--csv",
        metavar="FILE",
        nargs="?",
        const="-",
        help=_("CSV (UTF-8 with BOM, for Excel) to FILE, or to stdout without FILE"),
    )
    parser.add_argument("--xlsx", metavar="FILE", help=_("an Excel workbook"))
    parser.add_argument("--as-of", metavar="DATE", help=_("attention as of DATE (default: today)"))
    parser.set_defaults(handler=run)


def _names(values: list[str]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def run(args: argparse.Namespace, env: Env) -> int:
    """List the customers the filters keep, in the order asked, as a table or a file."""
    from creditfile.application.outputs import check_output

    for option in ("xlsx", "csv"):
        target = getattr(args, option)
        if target and target != "-":
            check_output(target, archive=env.db_path, option=f"--{option}")
    if not env.has_archive():
        raise ListError(
            _(
                "{path}: no archive here; create one with `creditfile import FILE` or "
                "`creditfile demo`, or pass --db PATH"
            ).format(path=env.db_shown)
        )
    policy = env.policy()
    request = ListRequest(
        grades=_names(args.grade),
        natures=_names(args.nature),
        tiers=_names(args.tier),
        lifecycles=_names(args.lifecycle),
        stages=_names(args.stage),
        attention=args.attention,
        text=args.search,
        sort=args.sort,
        reverse=args.reverse,
    )
    try:
        query = list_query(request, policy)
    except ListError as exc:
        raise UsageError(str(exc)) from None
    archive = env.archive()
    rows = listed_rows(archive, policy, env.as_of, query)
    table = list_table(rows, policy, language())
    count = ngettext("{count} customer", "{count} customers", len(rows)).format(
        count=f"{len(rows):,}"
    )
    if args.xlsx:
        export_list(table, args.xlsx, archive=env.db_path, option="--xlsx")
        env.warn(_("wrote {what} to {path}").format(what=count, path=args.xlsx))
    if args.csv == "-":
        from creditfile.spreadsheets.reading import write_table_csv

        stream = env.data_stream()  # escaped on a terminal, exact into a pipe
        if stream is env.stdout:
            stream.write("\ufeff")
        write_table_csv(stream, [table])
    elif args.csv:
        export_list(table, args.csv, archive=env.db_path, option="--csv")
        env.warn(_("wrote {what} to {path}").format(what=count, path=args.csv))
    if env.json:
        env.emit_json({"customers": len(rows), "rows": list_json(rows, policy)})
    elif not (args.csv or args.xlsx):
        _print(env, table, count, reasons_first=args.attention)
    return 0


# What a narrow terminal keeps longest: who, the grade; lifecycle and stage go first.
_PRIORITY = {"id": 0, "name": 0, "grade": 0, "total": 0, "nature": 1, "tier": 1,
             "attention": 1, "grade_label": 2, "assessed": 2, "lifecycle": 3,
             "stage": 3}  # fmt: skip


def _print(env: Env, table: Any, count: str, *, reasons_first: bool) -> None:
    rows = [
        [
            "-" if value is None else f"{value:.2f}" if column.kind == "score" else str(value)
            for value, column in zip(values, table.columns, strict=True)
        ]
        for values in table.values()
    ]
    numeric = [column.kind == "score" for column in table.columns]
    # Listing those that need attention, the reason is what the reader came for.
    first = {"attention": 0} if reasons_first else {}
    priority = [first.get(c.key, _PRIORITY.get(c.key, 1)) for c in table.columns]
    if rows:
        env.say(render_table(table.headers(), rows, numeric, priority=priority))
    env.say(count)
