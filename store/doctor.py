"""Checking an archive file and going back to the last good copy."""

from __future__ import annotations

import os
from pathlib import Path

from store.archive import Archive
from store.errors import StoreError
from store.locking import archive_lock
from store.storage import backup_path, read_json


def check_archive(path: str | Path) -> list[str]:
    """What is wrong with the archive at ``path``; empty when it opens and reads cleanly."""
    target = Path(path)
    if not target.exists():
        return [f"{target}: no such file"]
    try:
        archive = Archive.open(target)
        records = archive.records()
    except StoreError as exc:
        return [str(exc)]
    problems = []
    for cid, record in records.items():
        if not record.get("id"):
            problems.append(f"{target}: a record has no id")
        elif not isinstance(record.get("_meta"), dict):
            problems.append(f"{target}: customer {cid} has no revision bookkeeping")
    return problems


def restore_backup(path: str | Path, lock_timeout: float = 30.0) -> Path:
    """Put the last good copy (``<archive>.bak``) back in place; the damaged file is kept
    as ``<archive>.damaged``.

    Raises:
        StoreError: there is no usable backup.
    """
    target = Path(path)
    backup = backup_path(target)
    if not backup.exists():
        raise StoreError(target, "no backup copy (.bak) to restore from")
    read_json(backup)  # refuses a damaged backup with a clear message
    with archive_lock(target, lock_timeout):
        if target.exists():
            os.replace(target, target.with_name(target.name + ".damaged"))
        os.link(backup, target)
    return target
