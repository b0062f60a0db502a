"""Which store an archive location names: a ``postgresql://`` URL, or a file.

PostgreSQL's driver is imported only when a database is opened, so that the commands on a file
archive start as fast as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from creditfile.policy.errors import phrase
from creditfile.store.content import ArchiveContent
from creditfile.store.errors import StoreError

if TYPE_CHECKING:
    from psycopg import Connection

    from creditfile.store.locking import Waiting
    from creditfile.store.pg_roles import Member
    from creditfile.store.postgres import PostgresArchive
    from creditfile.store.snapshot import OnBatch

DATABASE_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: str | Path) -> bool:
    """Whether ``location`` is a PostgreSQL URL rather than an archive file's path."""
    return isinstance(location, str) and location.startswith(DATABASE_SCHEMES)


def shown_location(location: str | Path) -> str:
    """``location`` as messages name it: a file's path, or a database URL as written, less any
    password (in the user part or a ``password=`` parameter)."""
    if not is_database_url(location):
        return str(location)
    parts = urlsplit(str(location))
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = user.split(":", 1)[0] + "@" + host
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not pair.lower().startswith("password=")
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def open_database(
    url: str,
    *,
    create: bool = False,
    on_wait: Waiting | None = None,
    on_batch: OnBatch | None = None,
) -> PostgresArchive:
    """The archive in the PostgreSQL database at ``url`` (see ``PostgresArchive.open``)."""
    from creditfile.store.postgres import PostgresArchive

    return PostgresArchive.open(url, create=create, on_wait=on_wait, on_batch=on_batch)


def initialise_database(url: str) -> list[str]:
    """Create the archive's tables in the empty database at ``url`` (``db init``).

    Returns:
        What each migration applied did.

    Raises:
        StoreError: no connection, or the database already holds an archive.
    """
    return _migrate(url, fresh=True)


def upgrade_database(url: str) -> list[str]:
    """Apply the migrations the database at ``url`` lacks (``db upgrade``); none if current.

    Raises:
        StoreError: no connection, no archive there, or a schema newer than this program's.
    """
    return _migrate(url, fresh=False)


def grant_duties(url: str, user: str, duties: list[str]) -> tuple[dict[str, str], bool]:
    """Give the database user ``user`` the archive's ``duties`` (``db grant``), creating its
    login role (no password) and the duties' group roles when missing.

    Returns:
        ``{duty: group role}`` of the archive, and whether ``user`` was created.

    Raises:
        StoreError: no connection, no archive, or a database user that may not grant roles.
    """
    from creditfile.store import pg_roles

    with _admin(url, "db grant") as (conn, location):
        return pg_roles.grant_duties(conn, location, user, duties)


def revoke_duties(url: str, user: str, duties: list[str]) -> dict[str, str]:
    """Take ``duties`` from the database user ``user`` (``db revoke``).

    Raises:
        StoreError: no connection, no archive, no such user, or no right to revoke.
    """
    from creditfile.store import pg_roles

    with _admin(url, "db revoke") as (conn, location):
        return pg_roles.revoke_duties(conn, location, user, duties)


def duty_members(url: str) -> list[Member]:
    """Every database user holding a duty in the archive at ``url`` (``db roles``).

    Raises:
        StoreError: no connection, or no archive there.
    """
    from creditfile.store import pg_roles

    with _admin(url, "db roles") as (conn, _location):
        return pg_roles.members(conn)


@contextmanager
def _admin(url: str, command: str) -> Iterator[tuple[Connection[tuple[Any, ...]], str]]:
    """A connection to an archive of the current schema, for its administration."""
    from psycopg import errors as pg_errors

    from creditfile.store import pg_roles, pg_schema
    from creditfile.store.postgres import connect, safe_location

    location = safe_location(url)
    with connect(location) as conn:
        try:
            version = pg_schema.schema_version(conn)
        except pg_errors.InsufficientPrivilege as exc:
            raise pg_roles.not_an_administrator(location, command, exc) from None
        pg_schema.check_known(location, version)
        yield conn, location


def _migrate(url: str, *, fresh: bool) -> list[str]:
    from creditfile.store import pg_schema
    from creditfile.store.postgres import connect, safe_location

    location = safe_location(url)
    with connect(location) as conn:
        if not fresh:
            version = pg_schema.schema_version(conn)
            if version is None:
                pg_schema.check_known(location, None)
        done = pg_schema.migrate(conn, location, fresh=fresh)
    return [f"{m.version}: {m.summary}" for m in done]


def copy_archive(
    source: str | Path, target: str | Path, *, without_demands: bool = False
) -> ArchiveContent:
    """Copy everything the archive at ``source`` holds into a new archive at ``target``.

    Either may be a file or a PostgreSQL URL. The records keep their revisions, gradings and
    bookkeeping, the history its events as written (who, when, transaction), the active
    policy and every activation, the merged-away ids. The source is only read.

    Args:
        source: The archive to copy (it must exist).
        target: A path where no file is, or a database with no archive or an empty one
            (its tables are created when it has none).

        without_demands: Leave the source's demand requests behind (a database keeps none;
            without this, a copy of a file holding some into a database is refused).

    Returns:
        What was read from the source (its demand requests even when left behind).

    Raises:
        StoreError: no source archive, a target that is not new or empty, demand requests a
            database target cannot keep, or a failed write; the target is then left without
            the copy.
    """
    from creditfile.store.archive import Archive

    if str(source) == str(target):
        raise StoreError(str(target), phrase("the source and the target are the same archive"))
    if is_database_url(source):
        reader = open_database(str(source))
        try:
            content = reader.content()
        finally:
            reader.close()
    else:
        content = Archive.open(source).content()
    if is_database_url(target):
        writer = open_database(str(target), create=True)
        kept = replace(content, demands=[], demand_serial=0) if without_demands else content
        try:
            writer.load_content(kept)
        finally:
            writer.close()
    else:
        Archive.create_from(target, content)
    return content
