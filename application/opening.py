"""Opening an archive for a use case: the one place that chooses the store (a file, or a
PostgreSQL database named by a ``postgresql://`` URL)."""

from __future__ import annotations

from pathlib import Path

from creditfile.store import (
    Archive,
    ArchiveStore,
    OnBatch,
    Waiting,
    is_database_url,
    open_database,
)


def open_archive(
    path: str | Path,
    *,
    create: bool = False,
    read: bool = True,
    on_wait: Waiting | None = None,
    on_batch: OnBatch | None = None,
) -> ArchiveStore:
    """The archive at ``path`` as an ``ArchiveStore``: the file (see ``store.Archive.open``),
    or the database a ``postgresql://`` URL names (``store.open_database``).

    Args:
        path: The archive file, or a PostgreSQL URL (no password in it: libpq finds it in
            ~/.pgpass, a service file or the environment).
        create: Create an empty archive when there is none (in a database: its tables).
        read: Read the content now (False: on first use, so a command that needs only the
            meta, or regrades line by line, never parses every record).
        on_wait: Told the lock holder's pid while another process holds the lock.
        on_batch: Handed the records batch by batch as a first read parses them (from a
            database: the list's first page at once, then every record).

    Raises:
        StoreError: no archive (and not ``create``), a damaged file, or a lock held too long.
    """
    if is_database_url(path):
        return open_database(str(path), create=create, on_wait=on_wait, on_batch=on_batch)
    return Archive.open(path, create=create, read=read, on_wait=on_wait, on_batch=on_batch)
