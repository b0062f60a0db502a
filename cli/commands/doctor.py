"""``creditfile doctor [--restore]``: what is wrong with an archive; put back the last good copy."""

from __future__ import annotations

import argparse
import contextlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from creditfile.cli.env import Env
from creditfile.store import Archive, StoreError, check_archive, restore_backup


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``doctor`` command."""
    parser = sub.add_parser(
        "doctor", parents=[parent], help="check the archive file; restore the last good copy"
    )
    parser.add_argument(
        "--restore",
        action="store_true",
        help="if the archive is damaged, put back the last good copy (the "
        "damaged file is kept as ARCHIVE.damaged)",
    )
    parser.set_defaults(handler=run)


@dataclass
class FileState:
    """One file looked at: the archive or its backup copy."""

    path: str
    exists: bool
    problems: list[str] = field(default_factory=list)
    customers: int | None = None
    modified: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the file opens and reads cleanly."""
        return self.exists and not self.problems


def examine(path: Path) -> FileState:
    """Check one archive file without changing it: its problems, or how many customers."""
    if not path.exists():
        return FileState(str(path), False, [f"{path}: no such file"])
    modified = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    lock = path.with_name(path.name + ".lock")
    had_lock = lock.exists()
    try:
        problems = check_archive(path)
        customers = None if problems else len(Archive.open(path).records())
    finally:
        if not had_lock and path.name.endswith(".bak"):
            # Checking the backup must leave nothing beside it that was not there.
            with contextlib.suppress(OSError):
                lock.unlink()
    return FileState(str(path), True, problems, customers, modified)


def run(args: argparse.Namespace, env: Env) -> int:
    """Check the archive and its backup; with ``--restore``, put the backup back."""
    path = env.db_path.expanduser().absolute()
    archive = examine(path)
    backup = examine(path.with_name(path.name + ".bak"))
    restored = False
    if args.restore and not archive.ok:
        if not backup.ok:
            raise StoreError(
                path,
                "cannot restore: "
                + _backup_verdict(backup)
                + "; keep the damaged file and restore the archive from your own "
                "backups",
            )
        restore_backup(path)
        restored = True
    if env.json:
        env.emit_json(
            {
                "archive": _as_json(archive),
                "ok": archive.ok,
                "backup": _as_json(backup),
                "restored": restored,
            }
        )
    else:
        _print(env, archive, backup, restored=restored, asked=args.restore)
    return 0 if archive.ok or restored else 1


def _as_json(state: FileState) -> dict[str, Any]:
    return {**asdict(state), "ok": state.ok}


def _backup_verdict(backup: FileState) -> str:
    if not backup.exists:
        return "there is no backup copy (ARCHIVE.bak is made by every write after the first)"
    if backup.problems:
        return f"the backup copy {backup.path} is damaged too ({backup.problems[0]})"
    return (
        f"the last good copy is {backup.path}, saved {backup.modified}, "
        f"{backup.customers:,} customers"
    )


def _print(env: Env, archive: FileState, backup: FileState, *, restored: bool, asked: bool) -> None:
    if archive.ok:
        env.say(
            f"{archive.path}: ok — {archive.customers:,} customers, last written {archive.modified}"
        )
        env.say(_backup_verdict(backup))
        if asked:
            env.say("nothing to restore: the archive is healthy")
        return
    for problem in archive.problems:
        env.warn(problem)
    if restored:
        env.say(
            f"restored {archive.path} from {backup.path} ({backup.customers:,} customers, "
            f"saved {backup.modified}); the damaged file is kept as "
            f"{archive.path}.damaged. Changes made by the last write before the damage "
            "are not in the restored copy: check `creditfile history` and redo them."
        )
        return
    env.warn(_backup_verdict(backup))
    if backup.ok:
        env.warn(
            "run `creditfile doctor --restore` to put it back (the damaged file will be "
            "kept as ARCHIVE.damaged)"
        )
