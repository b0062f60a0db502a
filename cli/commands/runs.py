"""``creditfile runs``: the recorded regrade runs, so two can be picked for ``report migration``."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.changes import grade_counts, run_summary
from creditfile.cli.env import Env
from creditfile.cli.table import render_table
from creditfile.presentation.translation import N_, _
from creditfile.store.audit import clean_actor

HEADERS = [
    N_("run"),
    N_("when (UTC)"),
    N_("who"),
    N_("policy"),
    N_("as of"),
    N_("customers graded"),
    N_("by grade"),
    N_("changes"),
]
PRIORITY = [0, 0, 1, 0, 0, 2, 0, 1]


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``runs`` command."""
    parser = sub.add_parser(
        "runs",
        parents=[parent],
        help=_("the recorded regrade runs: id, when, who, policy version, as-of, counts per grade"),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Print every regrade run, oldest first."""
    del args
    runs = [run_summary(r) for r in env.archive().runs()]
    if env.json:
        env.emit_json(runs)
        return 0
    if not runs:
        env.say(_("no regrade runs yet; `creditfile regrade` grades the archive and records one"))
        return 0
    order = [grade.name for grade in env.policy().all_grades]
    rows = [
        [
            str(r["run_id"]),
            str(r["at"] or "")[:16].replace("T", " "),
            clean_actor(r["actor"] or ""),
            r["policy_version"] or "-",
            r["as_of"] or "-",
            r["customers"],
            _counts(r, order),
            r["changes"],
        ]
        for r in runs
    ]
    numeric = [False, False, False, False, False, True, False, True]
    unbroken = [True] * 5 + [False] * 3
    headers = [_(h) for h in HEADERS]
    env.say(render_table(headers, rows, numeric, priority=PRIORITY, unbroken=unbroken))
    env.say(_("compare two of them with `creditfile report migration RUN_A RUN_B`"))
    return 0


def _counts(run: dict[str, Any], order: list[str]) -> str:
    counts = grade_counts(run["by_grade"], order)
    ungraded = run["ungraded"]
    return f"{counts} · {_('ungraded')} {ungraded}" if ungraded else counts
