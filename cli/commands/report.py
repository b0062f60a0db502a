"""``creditfile report …``: composition, credit terms, exposure, reviews due, migration, HTML."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.application.market import MARKET_DIMENSIONS, load_market
from creditfile.application.reporting import (
    ArchiveView,
    ReportError,
    migration_report,
)
from creditfile.cli.env import Env
from creditfile.cli.table import render_table
from creditfile.policy import Policy
from creditfile.presentation.tables import Table
from creditfile.presentation.translation import N_, _, language, ngettext
from creditfile.reports.composition import CustomerLine
from creditfile.reports.market import MarketData
from creditfile.reports.periods import Period

PERIODIC = ("composition", "credit", "exposure", "trend", "all")
"""The reports that count the leases of a period (``--from``/``--to``)."""


@dataclass
class Context:
    """A report's archive view (``application.reporting.ArchiveView``) and the command line."""

    view: ArchiveView
    env: Env
    args: argparse.Namespace

    @property
    def docs(self) -> list[dict[str, Any]]:
        """Every customer document."""
        return self.view.docs

    @property
    def gradings(self) -> dict[str, dict[str, Any]]:
        """The stored gradings by customer id."""
        return self.view.gradings

    @property
    def policy(self) -> Policy:
        """The policy in force."""
        return self.view.policy

    @property
    def as_of(self) -> date:
        """``--as-of`` or today: the date review ages are counted to."""
        return self.view.as_of

    def lines(self) -> list[CustomerLine]:
        """The customers as the report functions see them."""
        return self.view.lines()


Builder = Callable[[Context], tuple[Any, list[Table]]]


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``report`` and its subcommands."""
    from creditfile.reports.composition import CROSS_DIMENSIONS, DIMENSIONS

    parser = sub.add_parser("report", parents=[parent], help=_("portfolio analysis and reviews"))
    kinds = parser.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    outputs = _output_options(parent)
    comp = kinds.add_parser(
        "composition",
        parents=[outputs],
        help=_("customers and lease amount by a dimension, or by leased item"),
    )
    comp.add_argument(
        "--by",
        choices=(*DIMENSIONS, "item"),
        default="grade",
        help=_("group by grade, item, nature, tier, lifecycle or stage (default grade)"),
    )
    comp.add_argument(
        "--cross",
        choices=CROSS_DIMENSIONS,
        help=_("with --by item: split each item by grade or nature"),
    )
    _period_options(comp)
    _market_options(comp)
    comp.set_defaults(handler=_handler(_composition))
    simple: tuple[tuple[str, str, Builder, bool], ...] = (
        ("credit", N_("terms, customers and exposure per grade"), _credit, True),
        ("exposure", N_("receivables, over-limit customers, aging"), _exposure, True),
        ("review", N_("customers due for review, most urgent first"), _review, False),
        ("all", N_("every report (one sheet each with --xlsx)"), _all, True),
    )
    for name, help_text, builder, periodic in simple:
        kind = kinds.add_parser(name, parents=[outputs], help=_(help_text))
        if periodic:
            _period_options(kind)
        if name == "all":
            _market_options(kind)
        kind.set_defaults(handler=_handler(builder))
    _register_trend(kinds, outputs)
    agency = kinds.add_parser(
        "agency",
        parents=[outputs],
        help=_("what the agency investigations cost, by year and by grade"),
    )
    agency.set_defaults(handler=_handler(_agency))
    mig = kinds.add_parser(
        "migration", parents=[outputs], help=_("from→to grade matrix of two runs")
    )
    mig.add_argument(
        "runs", nargs="*", metavar="RUN", help=_("RUN_A RUN_B (default: the last two)")
    )
    mig.set_defaults(handler=_handler(_migration))
    html = kinds.add_parser("html", parents=[parent], help=_("one self-contained HTML page"))
    html.add_argument("--out", metavar="FILE", required=True, help=_("the .html file to write"))
    html.add_argument("--as-of", metavar="DATE", help=_("review date YYYY-MM-DD (default: today)"))
    html.set_defaults(handler=run_html)


def _register_trend(kinds: Any, outputs: argparse.ArgumentParser) -> None:
    from creditfile.application.trend import GRADE_SOURCES
    from creditfile.reports.trend import PERIOD_KINDS, TREND_DIMENSIONS

    trend = kinds.add_parser(
        "trend",
        parents=[outputs],
        help=_("lease amount booked per year or quarter, with the change on the period before"),
    )
    trend.add_argument(
        "--by",
        choices=TREND_DIMENSIONS,
        default="grade",
        help=_("group by grade, item or nature (default grade)"),
    )
    trend.add_argument(
        "--period",
        choices=PERIOD_KINDS,
        default="year",
        help=_("one row per year or per quarter (default year)"),
    )
    trend.add_argument(
        "--grades",
        choices=GRADE_SOURCES,
        default="then",
        help=_(
            "by grade: the grade each customer held at each period's end, as the regrade "
            "runs recorded it (then, default), or its grade today (now)"
        ),
    )
    _period_options(trend)
    trend.set_defaults(handler=_handler(_trend))


def _trend(ctx: Context) -> tuple[Any, list[Table]]:
    from creditfile.application.trend import earliest_grade, trend_report
    from creditfile.presentation.trend_tables import trend_table

    args = ctx.args
    report = trend_report(ctx.env.archive(), ctx.view, args.by, args.period, args.grades)
    if args.by == "grade" and args.grades == "then" and report["periods"]:
        first = earliest_grade(ctx.env.archive())
        if first is None or first.isoformat() > report["periods"][0]["to"]:
            ctx.env.warn(
                _(
                    "the history records no grade before {day}: customers count as ungraded "
                    "in earlier periods; `creditfile regrade --as-of DATE` at past period ends "
                    "records them, or --grades now groups by today's grade"
                ).format(day=first.isoformat() if first else ctx.as_of.isoformat())
            )
    return report, [trend_table(report)]


def _agency(ctx: Context) -> tuple[Any, list[Table]]:
    from creditfile.application.agency import agency_report
    from creditfile.presentation.agency_tables import agency_tables

    report = agency_report(ctx.view)
    return report, agency_tables(report)


def _period_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="period_from",
        metavar="DATE",
        help=_("count only leases running on some day from DATE (default: every lease)"),
    )
    parser.add_argument(
        "--to",
        dest="period_to",
        metavar="DATE",
        help=_("count only leases begun by DATE (default and latest: --as-of)"),
    )


def _market_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--market",
        metavar="FILE",
        help=_(
            "market data (YAML or XLSX) for the company's share of the market by grade and by "
            "item (default: ARCHIVE.market.yaml or .xlsx beside the archive)"
        ),
    )
    parser.add_argument(
        "--region",
        metavar="NAME",
        help=_("compare with this region of the market file (default: every region, added up)"),
    )


def _output_options(parent: argparse.ArgumentParser) -> argparse.ArgumentParser:
    outputs = argparse.ArgumentParser(add_help=False, parents=[parent])
    outputs.add_argument(
        "--as-of", metavar="DATE", help=_("review date YYYY-MM-DD (default: today)")
    )
    outputs.add_argument(
        "--csv",
        metavar="FILE",
        nargs="?",
        const="-",
        help=_("CSV (UTF-8 with BOM) to FILE, or to stdout without FILE"),
    )
    outputs.add_argument("--xlsx", metavar="FILE", help=_("an Excel workbook, one sheet per table"))
    return outputs


def _handler(builder: Builder) -> Callable[[argparse.Namespace, Env], int]:
    def run(args: argparse.Namespace, env: Env) -> int:
        _check_outputs(args, env)
        context = load_context(args, env)
        data, tables = builder(context)
        return emit(env, args, data, tables, context)

    return run


def _check_outputs(args: argparse.Namespace, env: Env) -> None:
    """Refuse a bad output path before the archive is read and the report computed."""
    from creditfile.application.outputs import check_output

    for option in ("xlsx", "csv", "out"):
        target = getattr(args, option, None)
        if target and target != "-":
            check_output(target, archive=env.db_path, option=f"--{option}")


def load_context(args: argparse.Namespace, env: Env, lang: str | None = None) -> Context:
    """Read the archive once: documents without bookkeeping and their latest gradings; the
    policy's labels in ``lang`` (default: the language in force)."""
    if not env.has_archive():
        raise ReportError(
            _(
                "{path}: no archive here; create one with `creditfile import FILE` or "
                "`creditfile demo`, or pass --db PATH"
            ).format(path=env.db_shown)
        )
    from creditfile.application.reporting import report_period

    period = report_period(
        env.as_of,
        env.date_option("period_from", "--from"),
        env.date_option("period_to", "--to"),
    )
    policy = env.policy().in_language(lang or language())
    market = _market(args, env, env.policy())  # items by their Chinese or English labels
    region = getattr(args, "region", None)
    view = ArchiveView.of(env.archive().records(), policy, env.as_of, period, market, region)
    return Context(view, env, args)


def _market(args: argparse.Namespace, env: Env, policy: Policy) -> MarketData | None:
    """The market data of a report that shows shares of the market, else None."""
    if not hasattr(args, "market"):
        return None
    if args.report_command == "composition" and args.by not in MARKET_DIMENSIONS:
        if args.market:
            env.warn(_("--market: shares of the market are shown --by grade and --by item"))
        return None
    archive = None if env.in_database else env.db_path
    return load_market(archive, args.market, policy)


def _composition(ctx: Context) -> tuple[Any, list[Table]]:
    from creditfile.presentation.report_tables import composition_table, item_tables

    report = ctx.view.composition(ctx.args.by, ctx.args.cross)
    return report, item_tables(report) if ctx.args.by == "item" else [composition_table(report)]


def _credit(ctx: Context) -> tuple[Any, list[Table]]:
    from creditfile.presentation.report_tables import credit_table

    report = ctx.view.credit()
    return report, [credit_table(report)]


def _exposure(ctx: Context) -> tuple[Any, list[Table]]:
    from creditfile.presentation.report_tables import exposure_tables

    report = ctx.view.exposure()
    return report, exposure_tables(report)


def _review(ctx: Context) -> tuple[Any, list[Table]]:
    from creditfile.presentation.report_tables import review_table

    rows = ctx.view.due_for_review()
    return {"as_of": ctx.as_of.isoformat(), "due": rows}, [review_table(rows)]


def _migration(ctx: Context) -> tuple[Any, list[Table]]:
    from creditfile.presentation.report_tables import migration_tables

    matrix = migration_report(ctx.env.archive(), ctx.view, list(ctx.args.runs))
    title = _(" (runs {first} → {last})").format(
        first=matrix["from_run"] or "—", last=matrix["to_run"]
    )
    return matrix, migration_tables(matrix, title)


def _all(ctx: Context) -> tuple[Any, list[Table]]:
    from creditfile.application.full_report import full_report
    from creditfile.presentation.report_tables import portfolio_tables

    report = full_report(ctx.env.archive(), ctx.view)
    if report["trend_error"]:
        ctx.env.warn(_("no trend report: {reason}").format(reason=report["trend_error"]))
    return report, portfolio_tables(report)


def emit(
    env: Env, args: argparse.Namespace, data: Any, tables: Sequence[Table], ctx: Context
) -> int:
    """Write the report as JSON, CSV, XLSX or readable tables, as asked."""
    from creditfile.application.outputs import write_output, write_text_output
    from creditfile.spreadsheets.reading import write_table_csv, write_tables_xlsx

    if getattr(args, "xlsx", None):
        write_output(
            args.xlsx,
            lambda path: write_tables_xlsx(path, tables),
            archive=env.db_path,
            private=True,
            option="--xlsx",
        )
        env.warn(
            ngettext(
                "wrote {count} sheet to {path}", "wrote {count} sheets to {path}", len(tables)
            ).format(count=len(tables), path=args.xlsx)
        )
    if getattr(args, "csv", None):
        if args.csv == "-":
            stream = env.data_stream()
            if stream is env.stdout:  # for Excel; a terminal would show it
                stream.write("\ufeff")
            write_table_csv(stream, tables)
        else:
            write_text_output(
                args.csv,
                lambda stream: write_table_csv(stream, tables),
                archive=env.db_path,
                private=True,
                encoding="utf-8-sig",
                option="--csv",
            )
            env.warn(_("wrote {path}").format(path=args.csv))
    if env.json:
        env.emit_json({"report": args.report_command, "meta": _meta(ctx), "data": data})
    elif not (getattr(args, "csv", None) == "-" or args.xlsx):
        _print(env, tables, ctx)
    return 0


def _meta(ctx: Context) -> dict[str, Any]:
    as_of = Counter(str(g.get("as_of")) for g in ctx.gradings.values())
    versions = Counter(str((g.get("policy") or {}).get("version")) for g in ctx.gradings.values())
    return {
        "archive": ctx.env.db_shown,
        "customers": len(ctx.docs),
        "graded_records": len(ctx.gradings),
        "gradings_as_of": as_of.most_common(1)[0][0] if as_of else None,
        "gradings_policy": versions.most_common(1)[0][0] if versions else None,
        "policy": {"version": ctx.policy.version, "sha256": ctx.policy.sha256},
        "review_as_of": ctx.as_of.isoformat(),
    }


def _print(env: Env, tables: Sequence[Table], ctx: Context) -> None:
    meta = _meta(ctx)
    env.say(
        ngettext(
            "{count} customer in {archive}; gradings as of {as_of} (policy {version})",
            "{count} customers in {archive}; gradings as of {as_of} (policy {version})",
            meta["customers"],
        ).format(
            count=f"{meta['customers']:,}",
            archive=meta["archive"],
            as_of=meta["gradings_as_of"] or "—",
            version=meta["gradings_policy"] or "—",
        )
    )
    if isinstance(ctx.view.period, Period) and ctx.args.report_command in PERIODIC:
        env.say(_period_words(ctx.view.period))
    if not ctx.gradings and ctx.docs:
        env.warn(_("no customer is graded yet: run `creditfile regrade` first"))
    for table in tables:
        env.say(f"\n{table.title}")
        if not table.rows:
            env.say("  " + _("(none)"))
            continue
        numeric = [c.kind in ("int", "money", "pct", "days") for c in table.columns]
        rows = [
            [
                _cell_text(_shown(v, c.key), c.kind)
                for v, c in zip(values, table.columns, strict=True)
            ]
            for values in table.values()
        ]
        keys = {c.key for c in table.columns}
        if any(isinstance(row.get("market_pct"), float) for row in table.rows):
            keys.add("market_shares")
        priority = [_terminal_priority(c.key, c.kind, keys) for c in table.columns]
        env.say(render_table(table.headers(), rows, numeric, priority=priority))
        if table.note:
            env.say(table.note)


# What a narrow terminal keeps: who, which grade, the totals; shares and details go first.
_ALWAYS_SHOWN = {"key", "label", "id", "name", "grade", "from", "reasons", "customers",
                 "outstanding", "cumulative_amount", "amount", "total"}  # fmt: skip
_DROPPED_FIRST = {"details": 3, "pct": 2, "bool": 2}
# A share is read against the booked amount and the market size it divides: the three stay
# together, and the lease amounts (all time, not the period's) give way before them.
_MARKET = {"market_booked", "market_size", "market_pct"}
_LEASE_AMOUNTS = {"amount", "cumulative_amount", "active_amount"}
# A trend is read by its changes; the group's code repeats its label and goes first.
_TREND_KEPT = {"period", "change", "change_pct", "amount"}


def _terminal_priority(key: str, kind: str, keys: set[str]) -> int:
    if key in _MARKET:
        # Without a single share the three columns say only "no market data" (the title
        # says why): they go first, together.
        return 0 if "market_shares" in keys else 4
    if "market_shares" in keys and key in _LEASE_AMOUNTS:
        return 1
    if "change_pct" in keys and "period" in keys:
        if key == "key":
            return 4
        if key in _TREND_KEPT:
            return 0
    if key in _ALWAYS_SHOWN or key.startswith(("c:", "to:")):
        return 0
    return _DROPPED_FIRST.get(key, _DROPPED_FIRST.get(kind, 1))


def _shown(value: Any, key: str) -> Any:
    """A cell as the terminal shows it: the group of the ungraded has no grade letter (its
    label, beside it, names it in the reader's language)."""
    return None if key == "key" and value == "ungraded" else value


def _period_words(period: Period) -> str:
    if period.start is None:
        return _("leases counted: leases begun by {end}").format(end=period.end.isoformat())
    return _("leases counted: {start} – {end}").format(
        start=period.start.isoformat(), end=period.end.isoformat()
    )


def _cell_text(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if kind == "money" and isinstance(value, int | float):
        return f"{value:,.2f}"
    if kind == "pct" and isinstance(value, int | float):
        return f"{value:.2f}%"
    if kind in ("int", "days") and isinstance(value, int | float):
        return f"{value:,.0f}"
    return str(value)


def run_html(args: argparse.Namespace, env: Env) -> int:
    """Write the management report: one self-contained HTML page."""
    from creditfile.application.outputs import write_text_output
    from creditfile.htmlreport.page import render_report

    _check_outputs(args, env)
    ctx = load_context(args, env)  # the page is written in the language in force
    from creditfile.application.full_report import full_report

    report = full_report(env.archive(), ctx.view)
    if report["trend_error"]:
        env.warn(_("no trend report: {reason}").format(reason=report["trend_error"]))
    report["meta"] = _meta(ctx)
    page = render_report(report, ctx.policy)
    write_text_output(
        args.out, lambda stream: stream.write(page), archive=env.db_path, private=True
    )
    if env.json:
        env.emit_json({"out": args.out, "bytes": len(page.encode("utf-8"))})
    else:
        env.say(_("wrote the management report to {path}").format(path=args.out))
    return 0
