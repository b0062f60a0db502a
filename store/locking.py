"""The inter-process archive lock: ``fcntl.flock`` on ``<archive>.lock``.

The kernel drops a flock when its holder exits for any reason, ``kill -9`` included, so a dead
process can never leave the archive locked. The holder's pid is written into the lock file so a
waiting user can be told who holds it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from creditfile.store.errors import ArchiveLockedError, StoreError

Waiting = Callable[[int | None], None]


def lock_path(archive: Path) -> Path:
    """The lock file of ``archive``."""
    return archive.with_name(archive.name + ".lock")


@contextmanager
def archive_lock(archive: Path, timeout: float, on_wait: Waiting | None = None) -> Iterator[None]:
    """Hold the archive's lock for the duration of the block.

    Args:
        archive: The archive file.
        timeout: Seconds to wait for another holder before giving up.
        on_wait: Called once, with the holder's pid if known, when the lock is busy.

    Raises:
        ArchiveLockedError: the lock stayed busy for ``timeout`` seconds.
        StoreError: the lock file cannot be created (a read-only folder).
    """
    try:
        fd = os.open(lock_path(archive), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreError(
            archive,
            f"cannot open the lock file {lock_path(archive).name} ({exc.strerror}); the "
            "archive's folder must be writable — check its permissions",
        ) from None
    try:
        _acquire(fd, archive, timeout, on_wait)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, archive: Path, timeout: float, on_wait: Waiting | None) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _holder(fd)
            if on_wait is not None and not told:
                on_wait(holder)
                told = True
            if time.monotonic() >= deadline:
                who = f" by process {holder}" if holder else ""
                raise ArchiveLockedError(
                    archive,
                    f"the archive is locked{who} for more than "
                    f"{timeout:g} s (a regrade or a save in progress); "
                    "try again when it has finished",
                ) from None
            time.sleep(0.05)


def _holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


class ArchiveLock:
    """The lock of one archive for one ``Archive`` object, re-entrant within it."""

    def __init__(self, archive: Path, timeout: float, on_wait: Waiting | None) -> None:
        """Describe the lock; nothing is taken until ``held`` is entered."""
        self.archive = archive
        self.timeout = timeout
        self.on_wait = on_wait
        self._depth = 0

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the block; a nested ``held`` of the same object does not wait."""
        # A flock taken twice by one process through two descriptors would wait for itself
        # (e.g. a grade_fn that records an event during a regrade).
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with archive_lock(self.archive, self.timeout, self.on_wait):
            self._depth = 1
            try:
                yield
            finally:
                self._depth = 0
