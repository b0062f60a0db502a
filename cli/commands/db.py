"""``creditfile db init|upgrade|copy``: an archive in a PostgreSQL database, and moving archives
between a file and a database."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from creditfile.application.database_admin import (
    copy_between,
    grant,
    holders,
    init_database,
    revoke,
    upgrade_schema,
)
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
    copy.add_argument(
        "--without-demands",
        action="store_true",
        help=_(
            "copy a file keeping demand requests into a database anyway: the requests stay "
            "in the file only (a database keeps none)"
        ),
    )
    copy.set_defaults(handler=run_copy)
    duties = "clerk, assessor, compliance, operator, auditor, reveal"
    for name, handler, summary in (
        (
            "grant",
            run_grant,
            _("give a database user duties in the --db archive, enforced by the server"),
        ),
        ("revoke", run_revoke, _("take duties in the --db archive from a database user")),
    ):
        action = actions.add_parser(name, parents=[parent], help=summary)
        action.add_argument("user", metavar="USER", help=_("the database user (login role)"))
        action.add_argument(
            "duty", metavar="DUTY", nargs="*", help=_("a duty, as with --as (several allowed)")
        )
        action.add_argument(
            "--as",
            dest="duties",
            metavar="DUTY",
            action="append",
            default=[],
            help=_("the duty: one of {duties} (repeat for several)").format(duties=duties),
        )
        action.set_defaults(handler=handler)
    roles = actions.add_parser(
        "roles",
        parents=[parent],
        help=_("list the database users holding duties in the --db archive"),
    )
    roles.set_defaults(handler=run_roles)


def run_init(args: argparse.Namespace, env: Env) -> int:
    """Create the schema."""
    del args
    done = init_database(env.db_location)
    if env.json:
        env.emit_json({"database": env.db_location, "migrations": done})
        return 0
    env.say(
        _("created the creditfile archive in {database} (schema {schema})").format(
            database=env.db_location, schema=_step(done[-1])
        )
    )
    env.say(
        _("fill it with `creditfile db copy ARCHIVE.json URL` or `creditfile --db URL import FILE`")
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
        env.say(
            _("the archive in {database} is up to date; nothing was changed").format(
                database=env.db_location
            )
        )
    for step in done:
        env.say(_("applied migration {step}").format(step=_step(step)))
    return 0


def _step(step: str) -> str:
    """``4: every committed write notifies …`` with its summary in the language shown."""
    version, _sep, summary = step.partition(": ")
    return f"{version}: {_(summary)}" if summary else step


def run_copy(args: argparse.Namespace, env: Env) -> int:
    """Copy an archive."""
    copied = copy_between(args.source, args.target, without_demands=args.without_demands)
    if env.json:
        env.emit_json({"from": args.source, "to": args.target, **asdict(copied)})
        return 0
    env.say(
        _(
            "copied {source} into {target}: {customers} customers, {events} history events "
            "({runs} regrade runs, {policies} policy activations), {aliases} merged-away ids"
        ).format(
            source=args.source,
            target=args.target,
            customers=f"{copied.customers:,}",
            events=f"{copied.events:,}",
            runs=copied.runs,
            policies=copied.policies,
            aliases=copied.aliases,
        )
    )
    if copied.demands:
        env.say(_("and {count} demand requests").format(count=f"{copied.demands:,}"))
    if copied.demands_left:
        env.warn(
            _(
                "creditfile: {count} demand requests were left in {source}: a database keeps none"
            ).format(count=f"{copied.demands_left:,}", source=args.source)
        )
    return 0


def run_grant(args: argparse.Namespace, env: Env) -> int:
    """Give a user duties."""
    done = grant(env.db_location, args.user, [*args.duty, *args.duties])
    if env.json:
        env.emit_json(asdict(done))
        return 0
    if done.created:
        env.say(
            _(
                "created the database user {user} (it has no password yet: set one with "
                "ALTER ROLE, or let it log in as the server's authentication allows)"
            ).format(user=done.user)
        )
    for duty, role in zip(done.duties, done.roles, strict=True):
        env.say(
            _("{user} now holds the duty {duty} (role {role})").format(
                user=done.user, duty=duty, role=role
            )
        )
    return 0


def run_revoke(args: argparse.Namespace, env: Env) -> int:
    """Take duties from a user."""
    done = revoke(env.db_location, args.user, [*args.duty, *args.duties])
    if env.json:
        env.emit_json(asdict(done))
        return 0
    for duty, role in zip(done.duties, done.roles, strict=True):
        env.say(
            _("{user} no longer holds the duty {duty} (role {role})").format(
                user=done.user, duty=duty, role=role
            )
        )
    return 0


def run_roles(args: argparse.Namespace, env: Env) -> int:
    """List who holds which duty."""
    del args
    found = holders(env.db_location)
    if env.json:
        env.emit_json([asdict(h) for h in found])
        return 0
    if not found:
        env.say(
            _(
                "nobody holds a duty in this archive yet; give one with "
                "`creditfile db grant USER --as DUTY`"
            )
        )
    for holder in found:
        env.say(f"{holder.user}: {', '.join(holder.duties)}")
    return 0
