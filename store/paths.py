"""Where an archive lives: the default path, the real file behind a link, the files beside it."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import platformdirs

from creditfile.policy.errors import N_, phrase
from creditfile.store.errors import StoreError
from creditfile.store.framing import HEAD
from creditfile.store.history import history_path
from creditfile.store.locking import lock_path
from creditfile.store.storage import TEMP_MARK, backup_path, damaged_path


def default_archive_path() -> Path:
    """``$CREDITFILE_DB``, else ``archive.json`` in the user's data directory."""
    given = os.environ.get("CREDITFILE_DB")
    if given:
        return Path(given).expanduser()
    return Path(platformdirs.user_data_dir("creditfile")) / "archive.json"


def default_actor() -> str:
    """The OS user name (recorded as who made a change)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


def real_archive_path(path: str | Path) -> Path:
    """The archive file itself, every symbolic link on the way resolved.

    A write replaces the file by renaming a new one over it; done on a link, that would replace
    the link with a file of its own (and a lock and a history of its own) while the real
    archive never saw the change. The lock, the history and ``.bak`` live beside the real file.

    Raises:
        StoreError: the links go round in a loop.
    """
    given = Path(path).expanduser().absolute()
    try:
        return given.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
        raise StoreError(
            given,
            phrase(
                "the symbolic links to the archive go round in a loop; point --db at the real file"
            ),
        ) from None


def archive_files(archive: str | Path) -> dict[Path, str]:
    """Every file the store keeps for ``archive`` (which need not exist), and what it is.

    Temporary files (``.ARCHIVE.tmp-…``) have names of their own: see ``is_archive_sidecar``.
    """
    path = Path(archive)
    return {
        path: N_("the archive itself"),
        backup_path(path): N_("the archive's last good copy (.bak)"),
        lock_path(path): N_("the archive's lock file"),
        history_path(path): N_("the archive's history"),
        damaged_path(path): N_("a damaged archive kept by `creditfile doctor --restore`"),
    }


def is_archive_sidecar(archive: Path, candidate: Path) -> bool:
    """Whether ``candidate`` is named as a file the store keeps beside ``archive`` (its
    ``.bak``, lock, history, a temporary file of a write, or any later ``ARCHIVE.*`` file)."""
    if candidate.parent != archive.parent:
        return False
    name = candidate.name
    return name.startswith(archive.name + ".") or name.startswith(f".{archive.name}{TEMP_MARK}")


def is_archive_file(path: Path) -> bool:
    """Whether ``path`` begins as a creditfile archive written by this store does."""
    try:
        with path.open("rb") as stream:
            return stream.read(len(HEAD)) == HEAD
    except OSError:
        return False
