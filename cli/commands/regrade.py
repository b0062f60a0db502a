"""``creditfile regrade``: grade the whole archive under the policy, in one batch and one write."""

from __future__ import annotations

import argparse
from collections.abc import Collection, Iterator, Mapping
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
from creditfile.cli.table import long_table, render_table
from creditfile.document import field_catalogue
from creditfile.policy import Policy
from creditfile.presentation.translation import _, error_text, language, ngettext, pgettext

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
    if env.json:
        # The changes written as they are read: a first regrade of a million customers has
        # a million, which the store hands over a batch at a time.
        summary = result.summary(changes=False)
        env.emit_json(summary, streamed=("changes", (dict(c) for c in result.changes)))
    else:
        _print(env, result.summary(changes=False), policy, result.changes)
    _warn_of_ungraded(env, result)
    if result.breaches:  # a dry run past a guard: what the real run would do
        env.warn(
            _("creditfile: a regrade would be refused: {reasons}").format(
                reasons="; ".join(b.said().text(_) for b in result.breaches)
            )
        )
        return REFUSED
    return 0


def _refused(env: Env, exc: RegradeRefusedError) -> int:
    env.warn(f"creditfile: {error_text(exc)}")
    if env.json:
        env.emit_json(
            {
                "written": False,
                "refused": [b.as_json() for b in exc.breaches],
                **_counts_json(exc.counts),
            }
        )
    _say_rise(env, exc.counts, would=True)
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
        _say_rise(env, result.counts, would=result.dry_run)


def _say_rise(env: Env, counts: RegradeCounts, *, would: bool) -> None:
    """Any rise in ungraded customers goes to stderr, so that an unattended job notices."""
    if counts.ungraded_rise == 0:
        return
    more = counts.ungraded_rise
    if would:
        template = ngettext(
            "creditfile: warning: {more} more customer would be ungraded than before "
            "({before} → {after}; {lost} lost the grade they had). See why with "
            "`creditfile policy diff OLD NEW` or `creditfile explain ID`",
            "creditfile: warning: {more} more customers would be ungraded than before "
            "({before} → {after}; {lost} lost the grade they had). See why with "
            "`creditfile policy diff OLD NEW` or `creditfile explain ID`",
            more,
        )
    else:
        template = ngettext(
            "creditfile: warning: {more} more customer is ungraded than before "
            "({before} → {after}; {lost} lost the grade they had). See why with "
            "`creditfile policy diff OLD NEW` or `creditfile explain ID`",
            "creditfile: warning: {more} more customers are ungraded than before "
            "({before} → {after}; {lost} lost the grade they had). See why with "
            "`creditfile policy diff OLD NEW` or `creditfile explain ID`",
            more,
        )
    env.warn(
        template.format(
            more=f"{more:,}",
            before=f"{counts.ungraded_before:,}",
            after=f"{counts.ungraded_after:,}",
            lost=f"{counts.newly_ungraded:,}",
        )
    )


def _print(
    env: Env,
    summary: Mapping[str, Any],
    policy: Policy,
    changes: Collection[Mapping[str, Any]],
) -> None:
    count = summary["customers"]
    if summary["dry_run"]:
        head = ngettext(
            "{count} customer would be graded as of {as_of} under policy {version} ({sha}…)",
            "{count} customers would be graded as of {as_of} under policy {version} ({sha}…)",
            count,
        )
    else:
        head = ngettext(
            "{count} customer was graded as of {as_of} under policy {version} ({sha}…)",
            "{count} customers were graded as of {as_of} under policy {version} ({sha}…)",
            count,
        )
    env.say(
        head.format(
            count=f"{count:,}",
            as_of=summary["as_of"],
            version=policy.version,
            sha=policy.sha256[:12],
        )
    )
    rows = [[g.name, g.label, summary["by_grade"][g.name]] for g in policy.all_grades]
    rows.append(["—", _("ungraded"), summary["ungraded"]])
    env.say(
        render_table(
            [
                pgettext("report", "Grade"),
                pgettext("report", "Grade name"),
                pgettext("report", "Customers"),
            ],
            rows,
        )
    )
    line = ngettext("{count} grade change", "{count} grade changes", len(changes)).format(
        count=f"{len(changes):,}"
    )
    if summary["dry_run"]:
        line = _("{changes} (dry run: nothing written)").format(changes=line)
    env.say("\n" + line)
    if not changes:
        return
    ungraded = _("ungraded")
    headers = [
        field_catalogue()["id"].text(language()),
        pgettext("report", "From"),
        pgettext("report", "To"),
        _("Total"),
    ]

    def changed() -> Iterator[list[Any]]:
        for c in changes:
            yield [c["id"], c["from"] or ungraded, c["to"] or ungraded, c["total"]]

    # Read twice and written a block at a time: a first regrade may change a million grades.
    for block in long_table(headers, changed):
        env.say(block)
