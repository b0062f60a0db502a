"""``creditfile db init|upgrade|copy``: an archive in a PostgreSQL database, and moving archives
between a file and a database."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from creditfile.application.database_admin import copy_between, init_database, upgrade_schema
from creditfile.cli.env import Env
from creditfile.presentation.translation import _


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``db`` command and its subcommands."""
    parser = sub.add_parser(
        "db",
        parents=[parent],
        help=_(
            "an archive in PostgreSQL: create its tables, upgrade them, copy an archive "
            "between a file and a database"
        ),
    )
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init",
        parents=[parent],
        help=_("create the archive's tables in the empty database --db postgresql://… names"),
    )
    init.set_defaults(handler=run_init)
    upgrade = actions.add_parser(
        "upgrade",
        parents=[parent],
        help=_("apply the schema migrations the --db database lacks (back it up first)"),
    )
    upgrade.set_defaults(handler=run_upgrade)
    copy = actions.add_parser(
        "copy",
        parents=[parent],
        help=_(
            "copy a whole archive — customers, revisions, gradings, policies, history — "
            "from FROM into TO: an archive file and a postgresql:// URL, either way"
        ),
    )
    copy.add_argument("source", metavar="FROM", help=_("the archive to copy (file or URL)"))
    copy.add_argument(
        "target", metavar="TO", help=_("a new file, or a database with no archive or an empty one")
    )
    copy.set_defaults(handler=run_copy)


def run_init(args: argparse.Namespace, env: Env) -> int:
    """Create the schema."""
    del args
    done = init_database(env.db_location)
    if env.json:
        env.emit_json({"database": env.db_location, "migrations": done})
        return 0
    env.say(f"created the creditfile archive in {env.db_location} (schema {done[-1]})")
    env.say(
        "fill it with `creditfile db copy ARCHIVE.json URL` or `creditfile --db URL import FILE`"
    )
    return 0


def run_upgrade(args: argparse.Namespace, env: Env) -> int:
    """Apply missing migrations."""
    del args
    done = upgrade_schema(env.db_location)
    if env.json:
        env.emit_json({"database": env.db_location, "migrations": done})
        return 0
    if not done:
        env.say(f"the archive in {env.db_location} is up to date; nothing was changed")
    for step in done:
        env.say(f"applied migration {step}")
    return 0


def run_copy(args: argparse.Namespace, env: Env) -> int:
    """Copy an archive."""
    copied = copy_between(args.source, args.target)
    if env.json:
        env.emit_json({"from": args.source, "to": args.target, **asdict(copied)})
        return 0
    env.say(
        f"copied {args.source} into {args.target}: {copied.customers:,} customers, "
        f"{copied.events:,} history events ({copied.runs} regrade runs, {copied.policies} "
        f"policy activations), {copied.aliases} merged-away ids"
    )
    return 0
