"""``creditfile doctor [--restore]``: what is wrong with an archive; put back the last good copy."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from creditfile.cli.env import Env
from creditfile.policy.errors import phrase
from creditfile.presentation.translation import _
from creditfile.store import (
    ArchiveLockedError,
    Diagnosis,
    Restored,
    StoreError,
    diagnose,
    real_archive_path,
    restore_backup,
)


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``doctor`` command."""
    parser = sub.add_parser(
        "doctor", parents=[parent], help=_("check the archive file; restore the last good copy")
    )
    parser.add_argument(
        "--restore",
        action="store_true",
        help=_(
            "if the archive is damaged, put back a copy of the last good one (the "
            "damaged file is kept as ARCHIVE.damaged); checked again under the archive's lock"
        ),
    )
    parser.add_argument(
        "--wait",
        type=_seconds,
        default=30.0,
        metavar="SECONDS",
        help=_(
            "with --restore: how long to wait for another process using the archive (default 30)"
        ),
    )
    parser.set_defaults(handler=run)


def _seconds(text: str) -> float:
    """A wait in seconds, 0 to 3600."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:  # also false for NaN
        raise argparse.ArgumentTypeError(
            _("{value} is not a number of seconds from 0 to 3600").format(value=repr(text))
        )
    return value


@dataclass
class FileState:
    """One file looked at: the archive or its backup copy."""

    diagnosis: Diagnosis

    @property
    def ok(self) -> bool:
        """Whether the file opens and reads cleanly."""
        return self.diagnosis.state == "ok"

    @property
    def modified(self) -> str | None:
        """When the file was last written, local time."""
        try:
            stamp = self.diagnosis.path.stat().st_mtime
        except OSError:
            return None
        return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")

    def as_json(self) -> dict[str, Any]:
        """The state as ``--json`` prints it."""
        found = self.diagnosis
        return {
            "path": str(found.path),
            "exists": found.state != "missing",
            "state": found.state,
            "problems": [str(problem) for problem in found.problems],
            "notes": [str(note) for note in found.notes],
            "customers": found.customers,
            "modified": self.modified,
            "lock_holder": found.holder,
            "ok": self.ok,
        }


def run(args: argparse.Namespace, env: Env) -> int:
    """Check the archive and its backup; with ``--restore``, put the backup back."""
    path = real_archive_path(env.db_path)
    archive = FileState(diagnose(path))
    backup = FileState(diagnose(path.with_name(path.name + ".bak"), kept_copy=True))
    restored: Restored | None = None
    busy: ArchiveLockedError | None = None
    if args.restore and archive.diagnosis.restorable:
        if not backup.ok:
            raise StoreError(
                path,
                phrase(
                    "cannot restore: {verdict}; keep the damaged file and restore the archive "
                    "from your own backups",
                    verdict=_backup_verdict(backup),
                ),
            )
        try:
            restored = restore_backup(path, lock_timeout=args.wait)
        except ArchiveLockedError as exc:
            busy = exc
    if env.json:
        env.emit_json(
            {
                "archive": archive.as_json(),
                "ok": archive.ok,
                "backup": backup.as_json(),
                "restored": restored is not None,
                "busy": busy is not None,
                "lock_holder": busy.holder if busy else archive.diagnosis.holder,
            }
        )
    else:
        _print(env, archive, backup, restored, busy, asked=args.restore, wait=args.wait)
    return 0 if archive.ok or restored else 1


def _backup_verdict(backup: FileState) -> str:
    found = backup.diagnosis
    if found.state == "missing":
        return _("there is no backup copy (ARCHIVE.bak is made by every write after the first)")
    if found.problems:
        return _("the backup copy {path} is damaged too ({problem})").format(
            path=found.path, problem=found.problems[0].text(_)
        )
    return _("the last good copy is {path}, saved {time}, {count} customers").format(
        path=found.path, time=backup.modified, count=f"{found.customers or 0:,}"
    )


def _print(
    env: Env,
    archive: FileState,
    backup: FileState,
    restored: Restored | None,
    busy: ArchiveLockedError | None,
    *,
    asked: bool,
    wait: float,
) -> None:
    found = archive.diagnosis
    if archive.ok:
        env.say(
            _("{path}: ok — {count} customers, last written {time}").format(
                path=found.path, count=f"{found.customers or 0:,}", time=archive.modified
            )
        )
    else:
        for problem in found.problems:
            env.warn(problem.text(_))
    for note in found.notes:
        env.warn(note.text(_))
    if restored is not None:
        kept = (
            _("; the damaged file is kept as {path}").format(path=restored.damaged)
            if restored.damaged
            else ""
        )
        env.say(
            _(
                "restored {path} from a copy of {backup} ({count} customers, saved {time})"
                "{kept}. Changes made by the last write before the damage are not in the "
                "restored copy: check `creditfile history` and redo them."
            ).format(
                path=found.path,
                backup=backup.diagnosis.path,
                count=f"{restored.customers:,}",
                time=backup.modified,
                kept=kept,
            )
        )
        return
    if busy is not None:
        who = _("process {pid}").format(pid=busy.holder) if busy.holder else _("another process")
        env.warn(
            _(
                "{path}: busy — {who} held the archive's lock for the whole {seconds} s (a save "
                "or a regrade in progress); nothing was restored — run "
                "`creditfile doctor --restore` again when it has finished"
            ).format(path=found.path, who=who, seconds=f"{wait:g}")
        )
        return
    _print_advice(env, archive, backup, asked=asked)


def _print_advice(env: Env, archive: FileState, backup: FileState, *, asked: bool) -> None:
    found = archive.diagnosis
    if archive.ok:
        env.say(_backup_verdict(backup))
        if asked:
            env.say(_("nothing to restore: the archive is healthy"))
        return
    if found.state == "unreadable":
        env.warn(_("a restore would not help and none was made; fix the cause named above"))
        return
    env.warn(_backup_verdict(backup))
    if backup.ok:
        env.warn(
            _(
                "run `creditfile doctor --restore` to put it back (the damaged file will be "
                "kept as ARCHIVE.damaged)"
            )
        )
