"""Checking an archive file and going back to the last good copy (``creditfile doctor``)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from creditfile.store.archive import Archive
from creditfile.store.errors import StoreError
from creditfile.store.history import history_path
from creditfile.store.locking import archive_lock
from creditfile.store.records import checked_archive
from creditfile.store.storage import backup_path, read_json


def check_archive(path: str | Path) -> list[str]:
    """What is wrong with the archive at ``path``.

    Args:
        path: The archive file.

    Returns:
        One sentence per problem, each naming the file; empty when the archive is sound.
    """
    target = Path(path)
    if not target.exists():
        return [f"{target}: no such file"]
    try:
        archive = Archive.open(target)
        records = archive.records()
        # The raw table, not records(): only it shows one id stored twice.
        table = archive._snap.data["customers"]
    except StoreError as exc:
        hint = " A last good copy exists: restore it." if backup_path(target).exists() else ""
        return [str(exc) + hint]
    problems = []
    counts = Counter(str(record.get("id")) for record in table.values())
    for cid, count in counts.items():
        if count > 1:
            problems.append(f"{target}: customer {cid} is stored {count} times")
    for cid, record in records.items():
        if not record.get("id"):
            problems.append(f"{target}: a record has no id")
        elif not isinstance((record.get("_meta") or {}).get("rev"), int):
            problems.append(f"{target}: customer {cid} has no revision number")
    problems += _history_problems(target)
    return problems


def _history_problems(archive: Path) -> list[str]:
    try:
        lines = history_path(archive).read_bytes().splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [f"{history_path(archive)}: cannot read the history ({exc.strerror})"]
    cut = sum(1 for line in lines if line and not line.rstrip().endswith(b"}"))
    if not cut:
        return []
    return [f"{history_path(archive)}: {cut} history line(s) cut short by a crash are ignored"]


def restore_backup(path: str | Path, lock_timeout: float = 30.0) -> Path:
    """Put the last good copy (``<archive>.bak``) back in place.

    The file it replaces is kept as ``<archive>.damaged`` for inspection.

    Args:
        path: The archive file.
        lock_timeout: Seconds to wait for another process's lock.

    Returns:
        The restored archive's path.

    Raises:
        StoreError: there is no backup copy.
        ArchiveDamagedError: the backup copy is damaged too.
    """
    target = Path(path)
    backup = backup_path(target)
    if not backup.exists():
        raise StoreError(target, "no backup copy (.bak) to restore from")
    checked_archive(backup, read_json(backup))  # refuses a damaged backup, naming it
    with archive_lock(target, lock_timeout):
        if target.exists():
            os.replace(target, target.with_name(target.name + ".damaged"))
        os.link(backup, target)
    return target
