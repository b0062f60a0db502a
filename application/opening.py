"""Opening an archive for a use case: the one place that names the file store."""

from __future__ import annotations

from pathlib import Path

from creditfile.store import Archive, ArchiveStore, OnBatch, Waiting


def open_archive(
    path: str | Path,
    *,
    create: bool = False,
    read: bool = True,
    on_wait: Waiting | None = None,
    on_batch: OnBatch | None = None,
) -> ArchiveStore:
    """The archive file at ``path`` as an ``ArchiveStore`` (see ``store.Archive.open``).

    Args:
        path: The archive file.
        create: Create an empty archive when there is none.
        read: Read the content now (False: on first use, so a command that needs only the
            meta, or regrades line by line, never parses every record).
        on_wait: Told the lock holder's pid while another process holds the lock.
        on_batch: Handed the records batch by batch as a first read parses them.

    Raises:
        StoreError: no archive (and not ``create``), a damaged file, or a lock held too long.
    """
    return Archive.open(path, create=create, read=read, on_wait=on_wait, on_batch=on_batch)
