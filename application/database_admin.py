"""Setting up and moving archives between stores: ``db init``, ``db upgrade``, ``db copy``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from creditfile.policy.errors import phrase
from creditfile.store import (
    copy_archive,
    duty_members,
    grant_duties,
    initialise_database,
    is_database_url,
    revoke_duties,
    upgrade_database,
)
from creditfile.store.duties import DUTIES, duty_named
from creditfile.store.errors import StoreError


@dataclass(frozen=True)
class Copied:
    """What ``db copy`` moved."""

    customers: int
    events: int
    runs: int
    policies: int
    aliases: int
    demands: int = 0  # demand requests copied
    demands_left: int = 0  # demand requests left in the source (--without-demands)


def _database(location: str, doing: str) -> str:
    if not is_database_url(location):
        raise StoreError(
            location,
            phrase(
                "{command} works on a PostgreSQL database (--db postgresql://…); a file "
                "archive needs no set-up — `creditfile import` or `creditfile demo` creates one",
                command=doing,
            ),
        )
    return location


def init_database(location: str) -> list[str]:
    """Create the archive's tables in an empty PostgreSQL database; the migrations applied.

    Raises:
        StoreError: not a database URL, no connection, or an archive already there.
    """
    return initialise_database(_database(location, "db init"))


def upgrade_schema(location: str) -> list[str]:
    """Bring a PostgreSQL archive's schema up to this program's; the migrations applied.

    Raises:
        StoreError: not a database URL, no archive there, or a schema newer than ours.
    """
    return upgrade_database(_database(location, "db upgrade"))


def copy_between(
    source: str | Path, target: str | Path, *, without_demands: bool = False
) -> Copied:
    """Copy a whole archive (file or database) into a new one (file or empty database);
    ``without_demands`` leaves a file's demand requests behind, which a database cannot keep.

    Raises:
        StoreError: no source, a target that is not new or empty, demand requests a database
            cannot keep, or a failed write.
    """
    content = copy_archive(source, target, without_demands=without_demands)
    kinds = [event.get("kind") for event in content.events]
    left = len(content.demands) if without_demands and is_database_url(target) else 0
    return Copied(
        customers=len(content.records),
        events=len(content.events),
        runs=kinds.count("regrade_run"),
        policies=kinds.count("policy_activated"),
        aliases=len(content.aliases),
        demands=len(content.demands) - left,
        demands_left=left,
    )


@dataclass(frozen=True)
class Granted:
    """What ``db grant`` or ``db revoke`` did."""

    user: str
    duties: tuple[str, ...]
    roles: tuple[str, ...]  # the group role of each duty, in order
    created: bool  # the login role was created (it has no password yet)


@dataclass(frozen=True)
class Holder:
    """A database user and its duties in the archive (``db roles``)."""

    user: str
    duties: tuple[str, ...]


def duties_named(names: list[str], location: str) -> tuple[str, ...]:
    """The duties ``names`` mean (aliases such as ``salesperson`` too), each once, in order.

    Raises:
        StoreError: a name that is no duty, listing those there are.
    """
    found: list[str] = []
    for name in names:
        duty = duty_named(name)
        if duty is None:
            raise StoreError(
                location,
                phrase(
                    "{name} is not a duty; choose one of {duties} (salesperson means clerk, "
                    "operations means operator)",
                    name=repr(name),
                    duties=", ".join(DUTIES),
                ),
            )
        if duty not in found:
            found.append(duty)
    if not found:
        raise StoreError(
            location, phrase("name a duty with --as: one of {duties}", duties=", ".join(DUTIES))
        )
    return tuple(found)


def grant(location: str, user: str, names: list[str]) -> Granted:
    """Give the database user ``user`` duties in the archive, as the server enforces them.

    Raises:
        StoreError: not a database URL, an unknown duty, no archive, or no right to grant.
    """
    duties = duties_named(names, location)
    roles, created = grant_duties(_database(location, "db grant"), user, list(duties))
    return Granted(user, duties, tuple(roles[d] for d in duties), created)


def revoke(location: str, user: str, names: list[str]) -> Granted:
    """Take duties in the archive from the database user ``user``.

    Raises:
        StoreError: not a database URL, an unknown duty, no such user, or no right to revoke.
    """
    duties = duties_named(names, location)
    roles = revoke_duties(_database(location, "db revoke"), user, list(duties))
    return Granted(user, duties, tuple(roles[d] for d in duties), created=False)


def holders(location: str) -> list[Holder]:
    """Every database user holding a duty in the archive, with its duties.

    Raises:
        StoreError: not a database URL, or no archive there.
    """
    members = duty_members(_database(location, "db roles"))
    return [Holder(m.user, m.duties) for m in members]
