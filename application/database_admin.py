"""Setting up and moving archives between stores: ``db init``, ``db upgrade``, ``db copy``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from creditfile.store import copy_archive, initialise_database, is_database_url, upgrade_database
from creditfile.store.errors import StoreError


@dataclass(frozen=True)
class Copied:
    """What ``db copy`` moved."""

    customers: int
    events: int
    runs: int
    policies: int
    aliases: int


def _database(location: str, doing: str) -> str:
    if not is_database_url(location):
        raise StoreError(
            location,
            f"{doing} works on a PostgreSQL database (--db postgresql://…); a file archive "
            "needs no set-up — `creditfile import` or `creditfile demo` creates one",
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


def copy_between(source: str | Path, target: str | Path) -> Copied:
    """Copy a whole archive (file or database) into a new one (file or empty database).

    Raises:
        StoreError: no source, a target that is not new or empty, or a failed write.
    """
    content = copy_archive(source, target)
    kinds = [event.get("kind") for event in content.events]
    return Copied(
        customers=len(content.records),
        events=len(content.events),
        runs=kinds.count("regrade_run"),
        policies=kinds.count("policy_activated"),
        aliases=len(content.aliases),
    )
