"""Checking an archive file and going back to the last good copy (``creditfile doctor``).

A check tells apart what only a restore can mend (the file is damaged or gone) from what a
restore must never be used for: a file the user may not read, a lock file in the way, an
archive another process is using right now. A restore takes the archive's lock, checks the file
again under it, and puts back a *copy* of ``.bak``: the archive and its last good copy are
never one file, so the next mistake cannot reach both.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from creditfile.policy.errors import NOTHING, Phrase, joined, os_said, phrase
from creditfile.store.bookkeeping import checked_archive, index_customers
from creditfile.store.errors import (
    ArchiveDamagedError,
    ArchiveNotFoundError,
    ArchiveUnreadableError,
    StoreError,
)
from creditfile.store.history import history_path
from creditfile.store.locking import ArchiveLock, busy_holder
from creditfile.store.paths import real_archive_path
from creditfile.store.storage import TEMP_MARK, backup_path, damaged_path, read_json

State = Literal["ok", "missing", "damaged", "unreadable", "busy"]


@dataclass(frozen=True)
class Diagnosis:
    """What a check found in one archive file.

    Attributes:
        path: The file checked (symbolic links resolved).
        state: ``ok``; ``missing`` or ``damaged`` (a restore can mend these); ``unreadable``
            (permissions, a folder, a lock file in the way: a restore would not help);
            ``busy`` (another process held the lock for the whole wait: not checked).
        problems: One sentence per problem, each naming the file (a phrase, worded by the
            front end; ``str()`` is the English).
        notes: Things worth knowing that are no damage (history lines cut short by a crash,
            another process using the archive now).
        customers: How many customers the file holds, when it reads.
        holder: The pid of the process holding the archive's lock, when one does.
    """

    path: Path
    state: State
    problems: list[Phrase] = field(default_factory=list)
    notes: list[Phrase] = field(default_factory=list)
    customers: int | None = None
    holder: int | None = None

    @property
    def restorable(self) -> bool:
        """Whether putting the last good copy back is the remedy."""
        return self.state in ("missing", "damaged")


@dataclass(frozen=True)
class Restored:
    """A restore done: the archive put back and where the file it replaced was kept."""

    path: Path
    damaged: Path | None
    customers: int


def diagnose(path: str | Path, *, kept_copy: bool = False) -> Diagnosis:
    """Check the file at ``path`` without changing anything and without waiting for its lock.

    The archive is replaced whole by every write, so reading it needs no lock; whether another
    process holds the lock is looked at and reported, never taken for damage.

    Args:
        path: The archive file (or, with ``kept_copy``, its ``.bak``).
        kept_copy: ``path`` is a kept copy: its history and lock are not its own.

    Returns:
        What was found.
    """
    target = real_archive_path(path)
    found = _read_check(target)
    if kept_copy:
        return found
    busy, holder = busy_holder(target)
    notes = [*found.notes, *_history_notes(target)]
    if busy:
        who = phrase("process {pid}", pid=holder) if holder else phrase("another process")
        notes.append(
            phrase(
                "{path}: in use now by {who} (a save or a regrade in progress)",
                path=target,
                who=who,
            )
        )
    return Diagnosis(target, found.state, found.problems, notes, found.customers, holder)


def check_archive(path: str | Path) -> list[str]:
    """What is wrong with the archive at ``path``: its problems, then its notes.

    Args:
        path: The archive file.

    Returns:
        One sentence per problem, each naming the file; empty when the archive is sound.
    """
    found = diagnose(path)
    notes = (note for note in found.notes if "in use now" not in note.template)
    return [str(problem) for problem in (*found.problems, *notes)]


def _read_check(target: Path) -> Diagnosis:
    if not target.exists():
        return Diagnosis(target, "missing", [phrase("{path}: no such file", path=target)])
    try:
        data = checked_archive(target, read_json(target))
        records, _, _ = index_customers(target, data["customers"])
    except ArchiveUnreadableError as exc:
        return Diagnosis(target, "unreadable", [exc.as_phrase()])
    except ArchiveNotFoundError:
        return Diagnosis(target, "missing", [phrase("{path}: no such file", path=target)])
    except StoreError as exc:
        restorable = backup_path(target).exists() and "--restore" not in str(exc)
        hint = phrase(" A last good copy exists: restore it.") if restorable else NOTHING
        return Diagnosis(
            target, "damaged", [phrase("{error}{hint}", error=exc.as_phrase(), hint=hint)]
        )
    problems: list[Phrase] = []
    # The raw table, not the index: only it shows one id stored twice.
    counts = Counter(str(record.get("id")) for record in data["customers"].values())
    for cid, count in counts.items():
        if count > 1:
            problems.append(
                phrase(
                    "{path}: customer {id} is stored {count} times",
                    path=target,
                    id=cid,
                    count=count,
                )
            )
    for cid, record in records.items():
        if not record.get("id"):
            problems.append(phrase("{path}: a record has no id", path=target))
        elif not isinstance((record.get("_meta") or {}).get("rev"), int):
            problems.append(
                phrase("{path}: customer {id} has no revision number", path=target, id=cid)
            )
    return Diagnosis(target, "damaged" if problems else "ok", problems, customers=len(records))


def _history_notes(archive: Path) -> list[Phrase]:
    try:
        lines = history_path(archive).read_bytes().splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [
            phrase(
                "{path}: cannot read the history ({error})",
                path=history_path(archive),
                error=os_said(exc),
            )
        ]
    cut = sum(1 for line in lines if line and not line.rstrip().endswith(b"}"))
    if not cut:
        return []
    return [
        phrase(
            "{path}: {count} history line(s) cut short by a crash are ignored",
            path=history_path(archive),
            count=cut,
        )
    ]


def restore_backup(path: str | Path, lock_timeout: float = 30.0) -> Restored:
    """Put a copy of the last good copy (``<archive>.bak``) in place of a damaged archive.

    The archive's lock is taken first and the file checked again under it: a file that is
    sound, unreadable for want of permission, or in use is never replaced. The file replaced
    is kept as ``<archive>.damaged`` (``.damaged-2``… when that exists) for inspection.

    Args:
        path: The archive file.
        lock_timeout: Seconds to wait for another process's lock.

    Returns:
        The restored archive, where the damaged file was kept, and how many customers.

    Raises:
        ArchiveLockedError: another process held the lock for ``lock_timeout`` seconds
            (``holder`` is its pid); nothing was changed.
        StoreError: the archive is not damaged (sound, or unreadable: the message says which),
            there is no backup copy, or the backup copy is damaged too.
    """
    target = real_archive_path(path)
    with ArchiveLock(target, lock_timeout, None).held():
        found = _read_check(target)
        if not found.restorable:
            raise StoreError(target, _not_restored(found))
        backup = backup_path(target)
        kept = _read_check(backup)
        if kept.state == "missing":
            raise StoreError(target, phrase("no backup copy (.bak) to restore from"))
        if kept.state != "ok":
            raise ArchiveDamagedError(
                backup,
                phrase(
                    "the backup copy is damaged too: {problems}", problems=_joined(kept.problems)
                ),
            )
        damaged = _put_back(target, backup)
    return Restored(target, damaged, kept.customers or 0)


def _not_restored(found: Diagnosis) -> Phrase:
    if found.state == "ok":
        return phrase("the archive is sound; nothing was restored")
    return phrase(
        "nothing was restored: the file is not damaged but cannot be used ({problems})",
        problems=_joined(found.problems),
    )


def _joined(problems: list[Phrase]) -> Phrase:
    """Several problems as one phrase, ``; `` between them."""
    return joined(problems)


def _put_back(target: Path, backup: Path) -> Path | None:
    """Replace ``target`` by a copy of ``backup``; keep the replaced file; return its name."""
    temp = target.with_name(f".{target.name}{TEMP_MARK}restore-{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, backup.open("rb") as source:
            while chunk := source.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        damaged = _keep_damaged(target)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return damaged


def _keep_damaged(target: Path) -> Path | None:
    """A second name for the damaged file, so that an archive file exists at every moment."""
    if not target.exists():
        return None
    keep, number = damaged_path(target), 1
    while keep.exists() or keep.is_symlink():
        number += 1
        keep = damaged_path(target).with_name(f"{damaged_path(target).name}-{number}")
    try:
        os.link(target, keep)
    except OSError:  # a file system without hard links: move it aside instead
        os.replace(target, keep)
    return keep
