"""``creditfile demo``: an archive of generated, realistic customers, graded."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.regrade import regrade
from creditfile.cli.env import Env
from creditfile.cli.progress import Progress


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``demo`` command."""
    parser = sub.add_parser(
        "demo", parents=[parent], help="create (or refresh) a demo archive of generated customers"
    )
    parser.add_argument(
        "--customers", type=int, default=200, metavar="N", help="how many customers (default 200)"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="random seed; the same seed gives the same archive (default 1)",
    )
    parser.add_argument("--as-of", metavar="DATE", help="grading date YYYY-MM-DD (default: today)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Generate, store (adding or replacing the generated ids) and grade."""
    if not 1 <= args.customers <= 1_000_000:
        env.warn("creditfile: --customers must be between 1 and 1,000,000")
        return 2
    from creditfile.demodata.customers import generate_customers

    policy, as_of = env.policy(), env.as_of
    with Progress(env.stderr) as progress:
        progress.phase(f"generating {args.customers:,} customers")
        docs = generate_customers(args.customers, args.seed, as_of)
        archive = env.archive(create=True)
        progress.phase("writing the archive")
        result = archive.import_customers(docs, actor=env.actor)
        progress.phase("grading")
        summary = regrade(archive, policy, as_of, env.actor).summary()
    summary.update(
        {"archive": str(env.db_path), "added": result.added, "replaced": result.replaced}
    )
    if env.json:
        env.emit_json(summary)
        return 0
    env.say(
        f"demo archive {env.db_path}: {result.added:,} customers added, "
        f"{result.replaced:,} refreshed; graded as of {as_of.isoformat()} under policy "
        f"{policy.version}"
    )
    env.say(
        "  "
        + ", ".join(f"{grade} {count:,}" for grade, count in summary["by_grade"].items())
        + f", ungraded {summary['ungraded']:,}"
    )
    return 0
