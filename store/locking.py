"""The inter-process archive lock: ``fcntl.flock`` on ``<archive>.lock``.

The kernel drops a flock when its holder exits for any reason, ``kill -9`` included, so a dead
process can never leave the archive locked. The holder's pid is written into the lock file so a
waiting user can be told who holds it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from creditfile.policy.errors import NOTHING, Phrase, os_said, phrase
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
        StoreError: the lock file cannot be used (see ``open_lock_file``).
    """
    fd = open_lock_file(archive)
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


def open_lock_file(archive: Path) -> int:
    """Open (creating it 0600) the lock file of ``archive``, never through a symbolic link.

    Returns:
        The open descriptor.

    Raises:
        StoreError: the lock file cannot be used; the message names the real cause (a link, a
            folder, another user's file, a folder that cannot be written to).
    """
    path = lock_path(archive)
    # O_NOFOLLOW: a link planted in a shared folder would make us create or truncate any file
    # it points at (we write our pid into the lock file).
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise StoreError(archive, _lock_problem(path, exc)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise StoreError(
            archive,
            phrase(
                "the lock file {lock} is not a regular file (a pipe or a device?); remove it "
                "while nobody uses the archive, then try again",
                lock=str(path),
            ),
        )
    return fd


def _lock_problem(path: Path, exc: OSError) -> Phrase:
    try:
        info = path.lstat()
    except OSError:
        info = None
    lock = str(path)
    if exc.errno == errno.ELOOP or (info is not None and stat.S_ISLNK(info.st_mode)):
        return phrase(
            "the lock file {lock} is a symbolic link; creditfile does not follow links there "
            "(one could point at any file) — remove the link (`rm {lock}`) and try again",
            lock=lock,
        )
    if exc.errno == errno.EISDIR or (info is not None and stat.S_ISDIR(info.st_mode)):
        return phrase(
            "the lock file {lock} is a folder; remove it (`rmdir {lock}`) while nobody uses "
            "the archive, then try again",
            lock=lock,
        )
    if info is not None and exc.errno in (errno.EACCES, errno.EPERM):
        owner = owner_name(info.st_uid)
        mode = f"{stat.S_IMODE(info.st_mode):04o}"
        if info.st_uid != os.geteuid():
            return phrase(
                "the lock file {lock} belongs to user {owner} (mode {mode}) and you may not "
                "write to it; work as {owner}, or have {owner} remove it while nobody uses the "
                "archive",
                lock=lock,
                owner=owner,
                mode=mode,
            )
        return phrase(
            "the lock file {lock} is not writable (mode {mode}); make it writable "
            "(`chmod u+w {lock}`) and try again",
            lock=lock,
            mode=mode,
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return phrase(
            "cannot create the lock file {lock} ({error}); the folder {folder} must be "
            "writable by you — check its permissions, or choose another --db",
            lock=lock,
            error=os_said(exc),
            folder=str(path.parent),
        )
    return phrase("cannot open the lock file {lock} ({error})", lock=lock, error=os_said(exc))


def owner_name(uid: int) -> str:
    """The user name of ``uid``, or the number when it has none."""
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


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
                raise ArchiveLockedError(
                    archive,
                    phrase(
                        "the archive is locked{by} for more than {seconds} s (a regrade or a "
                        "save in progress); try again when it has finished",
                        by=phrase(" by process {pid}", pid=holder) if holder else NOTHING,
                        seconds=f"{timeout:g}",
                    ),
                    holder=holder,
                ) from None
            time.sleep(0.05)


def busy_holder(archive: Path) -> tuple[bool, int | None]:
    """Whether another process holds the archive's lock now, and its pid if known.

    Looks without waiting and without creating a lock file; a lock file that cannot be opened
    counts as not held (taking the lock will say what is wrong with it).
    """
    try:
        fd = os.open(lock_path(archive), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False, None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True, _holder(fd)
    except OSError:
        return False, None
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False, None
    finally:
        os.close(fd)


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
