"""``creditfile merge KEEP DROP``: unite two customers that are one company."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.merging import merge_customers
from creditfile.cli.env import Env
from creditfile.presentation.translation import _, ngettext


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
    result = merge_customers(
        env.archive(), args.keep, args.drop, env.actor, policy=env.policy(), as_of=env.as_of
    )
    grading = result.record.get("_grading") or {}
    if env.json:
        env.emit_json(
            {
                "kept": args.keep,
                "dropped": result.dropped,
                "rev": result.record["_meta"]["rev"],
                "leases": result.leases,
                "sources": result.sources,
                "filled": result.filled,
                "grade_before": (result.before or {}).get("grade"),
                "grade": grading.get("grade"),
                "total": grading.get("total"),
                "regraded_archive": result.whole,
                "relations_repointed": result.repointed,
            }
        )
        return 0
    leases = ngettext("{count} lease", "{count} leases", len(result.leases))
    sources = ngettext("{count} source", "{count} sources", result.sources)
    fields = ngettext("{count} empty field", "{count} empty fields", len(result.filled))
    env.say(
        _(
            "merged {dropped} into {kept} (revision {rev}): {leases}, {sources} and {fields} "
            "taken over; {dropped} is now an alias of {kept} — its history shows with "
            "`creditfile history {kept}`, and a row imported under {dropped} lands on {kept}."
        ).format(
            dropped=result.dropped,
            kept=args.keep,
            rev=result.record["_meta"]["rev"],
            leases=leases.format(count=len(result.leases)),
            sources=sources.format(count=result.sources),
            fields=fields.format(count=len(result.filled)),
        )
    )
    env.say(_graded(args.keep, result.before or {}, grading, whole=result.whole))
    if result.repointed:
        env.say(
            ngettext(
                "{count} customer named {dropped} as related and now names {kept}: {ids}",
                "{count} customers named {dropped} as related and now name {kept}: {ids}",
                len(result.repointed),
            ).format(
                count=len(result.repointed),
                dropped=result.dropped,
                kept=args.keep,
                ids=", ".join(result.repointed),
            )
        )
    return 0


def _graded(keep: str, before: dict[str, Any], grading: dict[str, Any], *, whole: bool) -> str:
    """How the merge's write graded the kept customer (and, if the top moved, everyone)."""
    change = f"{_grade(before)} → {_grade(grading)}"
    if whole:
        return _(
            "graded in the same write: {id} {change}; the merge moved the archive-wide top "
            "of the cumulative lease amount, so every customer was graded again "
            "(`creditfile runs` lists the run)."
        ).format(id=keep, change=change)
    return _("graded in the same write: {id} {change}.").format(id=keep, change=change)


def _grade(grading: dict[str, Any]) -> str:
    """``C 77.97``, or ``ungraded``."""
    total = grading.get("total")
    points = f" {total:.2f}" if isinstance(total, int | float) else ""
    return f"{grading.get('grade') or 'ungraded'}{points}"
