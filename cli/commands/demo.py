"""``creditfile demo``: an archive of generated, realistic customers, graded."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from creditfile.application.batch import grade_all
from creditfile.application.regrade import RegradeResult, run_record
from creditfile.cli.env import Env
from creditfile.cli.progress import Progress
from creditfile.presentation.translation import _

DEMO_ORIGIN = "demo"  # the mark on every customer demo generated (``_meta.origin``)


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``demo`` command."""
    parser = sub.add_parser(
        "demo",
        parents=[parent],
        help=_("create (or refresh) a demo archive of generated customers"),
    )
    parser.add_argument(
        "--customers",
        type=int,
        default=200,
        metavar="N",
        help=_("how many customers (default 200)"),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help=_("random seed; the same seed gives the same archive (default 1)"),
    )
    parser.add_argument(
        "--as-of", metavar="DATE", help=_("grading date YYYY-MM-DD (default: today)")
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=_(
            "write into an archive holding customers demo did not generate: those with a "
            "generated id (C000001…) are replaced, the archive as it was is kept as ARCHIVE.bak"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Generate, store (adding or replacing the generated ids) and grade, in one write.

    Every customer demo writes is marked as generated (``_meta.origin: demo``); an archive
    holding any customer without the mark (a real one, or one a person has changed since) is
    refused unless ``--force``.
    """
    if not 1 <= args.customers <= 1_000_000:
        env.warn(_("creditfile: --customers must be between 1 and 1,000,000"))
        return 2
    from creditfile.demodata.customers import generate_customers

    policy, as_of = env.policy(), env.as_of
    with Progress(env.stderr) as progress:
        progress.phase(f"generating {args.customers:,} customers")
        docs = generate_customers(args.customers, args.seed, as_of)
        archive = env.archive(create=True)
        progress.phase("writing and grading the archive")
        result = archive.refresh_generated(
            docs,
            lambda all_docs: grade_all(all_docs, policy, as_of),
            origin=DEMO_ORIGIN,
            run=run_record(policy, as_of),
            actor=env.actor,
            force=args.force,
        )
    outcome = result.regrade
    summary = RegradeResult(
        outcome.gradings, outcome.changes, outcome.run_id, False, policy, as_of, {}
    ).summary()
    summary.update(
        {
            "archive": env.db_shown,
            "added": result.added,
            "replaced": result.replaced,
            "replaced_unmarked": result.replaced_unmarked,
        }
    )
    if result.replaced_unmarked:
        if env.in_database:
            env.warn(
                _(
                    "creditfile: replaced {count} customers that demo had not generated: "
                    "{ids}; a database keeps no .bak — their earlier content is only in the "
                    "database's backups"
                ).format(
                    count=f"{len(result.replaced_unmarked):,}", ids=_ids(result.replaced_unmarked)
                )
            )
        else:
            _warn_replaced(env, env.db_shown, result.replaced_unmarked)
    if env.json:
        env.emit_json(summary)
        return 0
    env.say(
        _(
            "demo archive {path}: {added} customers added, {refreshed} refreshed; graded as "
            "of {as_of} under policy {version}"
        ).format(
            path=env.db_shown,
            added=f"{result.added:,}",
            refreshed=f"{result.replaced:,}",
            as_of=as_of.isoformat(),
            version=policy.version,
        )
    )
    env.say(
        "  "
        + ", ".join(f"{grade} {count:,}" for grade, count in summary["by_grade"].items())
        + ", "
        + _("ungraded {count}").format(count=f"{summary['ungraded']:,}")
    )
    _say_how_to_use(env)
    return 0


def _say_how_to_use(env: Env) -> None:
    """How to reach the demo archive from the next command: the program does not use it
    unless told to."""
    program = sys.argv[0] if Path(sys.argv[0]).name == "creditfile" else "creditfile"
    env.say(_("To use it from the command line:"))
    env.say(f"  export CREDITFILE_DB={shlex.quote(env.db_shown)}")
    env.say(f"  {shlex.quote(program)} report review")


def _ids(ids: list[str]) -> str:
    return ", ".join(ids[:10]) + (" …" if len(ids) > 10 else "")


def _warn_replaced(env: Env, archive: str, ids: list[str]) -> None:
    shown = _ids(ids)
    what = "1 customer" if len(ids) == 1 else f"{len(ids):,} customers"
    env.warn(
        f"creditfile: replaced {what} that demo had not generated: {shown}; the archive as it "
        f"was is kept as {archive}.bak until the next write — copy it now to keep them"
    )
