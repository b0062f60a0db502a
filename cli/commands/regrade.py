"""``creditfile regrade``: grade the whole archive under the policy, in one batch and one write."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from creditfile.application.regrade import (
    Limit,
    RegradeGuard,
    RegradeRefusedError,
    RegradeResult,
    regrade,
)
from creditfile.application.regrade_guard import RegradeCounts
from creditfile.cli.env import Env
from creditfile.cli.progress import Progress
from creditfile.cli.table import render_table
from creditfile.policy import Policy
from creditfile.presentation.translation import _

PHASES = {
    "reading": "reading and grading the archive",
    "grading": "grading the customers",
    "writing": "writing the archive",
}


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``regrade`` command."""
    parser = sub.add_parser("regrade", parents=[parent], help=_("grade the whole archive"))
    parser.add_argument(
        "--as-of", metavar="DATE", help=_("grading date YYYY-MM-DD (default: today)")
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("show what would change; write nothing")
    )
    parser.add_argument(
        "--max-changes",
        metavar="N|P%",
        type=_limit,
        help=_(
            "write nothing and exit 3 if more than N customers (or P%% of them) would change grade"
        ),
    )
    parser.add_argument(
        "--max-ungraded",
        metavar="N|P%",
        type=_limit,
        help=_(
            "write nothing and exit 3 if more than N customers (or P%% of them) would be "
            "ungraded after the regrade"
        ),
    )
    parser.set_defaults(handler=run)


REFUSED = 3
"""The exit code of a regrade refused by its --max-changes or --max-ungraded guard."""


def _limit(text: str) -> Limit:
    try:
        return Limit.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(args: argparse.Namespace, env: Env) -> int:
    """Regrade under the lock; print counts per grade and every grade change."""
    # Opened unread: a regrade line by line never parses the whole file in this process.
    archive = env.archive(read=False)
    policy = env.policy()
    guard = RegradeGuard(args.max_changes, args.max_ungraded)
    try:
        with Progress(env.stderr) as progress:
            result = regrade(
                archive,
                policy,
                env.as_of,
                env.actor,
                dry_run=args.dry_run,
                progress=lambda _fraction, phase: progress.phase(PHASES.get(phase, phase)),
                guard=guard,
            )
    except RegradeRefusedError as exc:
        return _refused(env, exc)
    summary = result.summary()
    if env.json:
        env.emit_json(summary)
    else:
        _print(env, summary, policy)
    _warn_of_ungraded(env, result)
    if result.breaches:  # a dry run past a guard: what the real run would do
        env.warn(
            "creditfile: a regrade would be refused: "
            + "; ".join(b.describe() for b in result.breaches)
        )
        return REFUSED
    return 0


def _refused(env: Env, exc: RegradeRefusedError) -> int:
    env.warn(f"creditfile: {exc}")
    if env.json:
        env.emit_json(
            {
                "written": False,
                "refused": [b.as_json() for b in exc.breaches],
                **_counts_json(exc.counts),
            }
        )
    _say_rise(env, exc.counts, "would be")
    return REFUSED


def _counts_json(counts: RegradeCounts) -> dict[str, int]:
    return {
        "customers": counts.customers,
        "changes": counts.changes,
        "ungraded_before": counts.ungraded_before,
        "ungraded": counts.ungraded_after,
        "newly_ungraded": counts.newly_ungraded,
    }


def _warn_of_ungraded(env: Env, result: RegradeResult) -> None:
    if result.counts is not None:
        _say_rise(env, result.counts, "would be" if result.dry_run else "are")


def _say_rise(env: Env, counts: RegradeCounts, verb: str) -> None:
    """Any rise in ungraded customers goes to stderr, so that an unattended job notices."""
    if counts.ungraded_rise == 0:
        return
    more = counts.ungraded_rise
    env.warn(
        f"creditfile: warning: {more:,} more {_customers(more)} {verb} ungraded than before "
        f"({counts.ungraded_before:,} → {counts.ungraded_after:,}; "
        f"{counts.newly_ungraded:,} lost the grade they had). "
        "See why with `creditfile policy diff OLD NEW` or `creditfile explain ID`"
    )


def _customers(count: int) -> str:
    return "customer" if count == 1 else "customers"


def _print(env: Env, summary: Mapping[str, Any], policy: Policy) -> None:
    verb = "would be" if summary["dry_run"] else "were"
    env.say(
        f"{summary['customers']:,} customers {verb} graded as of {summary['as_of']} under "
        f"policy {policy.version} ({policy.sha256[:12]}…)"
    )
    rows = [[g.name, g.label, summary["by_grade"][g.name]] for g in policy.all_grades]
    rows.append(["—", "ungraded 未评级", summary["ungraded"]])
    env.say(render_table(["grade", "label", "customers"], rows))
    changes = summary["changes"]
    env.say(
        f"\n{len(changes):,} grade {'change' if len(changes) == 1 else 'changes'}"
        + (" (dry run: nothing written)" if summary["dry_run"] else "")
    )
    if changes:
        env.say(
            render_table(
                ["id", "from", "to", "total"],
                [
                    [c["id"], c["from"] or "ungraded", c["to"] or "ungraded", c["total"]]
                    for c in changes
                ],
            )
        )
