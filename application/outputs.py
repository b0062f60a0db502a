"""Files a command writes on request (``--out``, ``--csv``, ``--xlsx``): checked, written whole.

Every command that writes a file the user named goes through ``write_output``. It refuses a
target that would destroy something: the archive, its ``.bak``, lock, history or any other
file the store keeps beside it (compared by device and inode, so a hard link or a symbolic link
is recognised, and by the resolved path, so ``./x/../archive.json`` is too), any other
creditfile archive, a folder, a folder that does not exist, and anything that is not a regular
file (``/dev/full``, a pipe). The content goes to a temporary file beside the target, is
synced, and is renamed over it: a failed write leaves the old file (or nothing) in place, never
an empty or half-written one. A file that can hold personal data is created readable by its
owner only.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from creditfile.policy import CreditfileError
from creditfile.policy.errors import os_said
from creditfile.presentation.translation import _
from creditfile.store import archive_files, is_archive_file, is_archive_sidecar

PRIVATE_MODE = 0o600
TEMP_MARK = ".part-"


class OutputError(CreditfileError):
    """An output file refused, or a write of it that failed; nothing was left behind."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Output:
    """A target checked by ``check_output``.

    Attributes:
        given: The path as the user wrote it (for messages).
        real: Where the bytes go: every symbolic link resolved.
        option: The option that named it (``--out``…), for messages.
    """

    given: Path
    real: Path
    option: str


def check_output(
    target: str | Path, *, archive: Path | None, option: str = "--out", replace: bool = True
) -> Output:
    """Refuse an output path that must not be written; see the module's description.

    Args:
        target: The path the user gave.
        archive: The archive the command works on (it need not exist): it and every file
            kept beside it are refused.
        option: The option that named the path, for the message.
        replace: An existing file may be replaced; False refuses it (a command whose file
            is worth keeping, such as a form being filled in, replaces one only on
            ``--force``).

    Returns:
        The checked target.

    Raises:
        OutputError: the path must not be written; the message says why and what to do.
    """
    given = Path(target).expanduser()
    if not str(target).strip():
        raise OutputError(given, _("{option} needs a file name").format(option=option))
    real = Path(os.path.realpath(given))
    try:
        info: os.stat_result | None = real.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _refused(
            given, option, _("it cannot be examined ({error})").format(error=os_said(exc).text(_))
        ) from None
    if info is None:
        if not real.parent.is_dir():
            raise _refused(
                given,
                option,
                _("its folder {folder} does not exist").format(folder=real.parent),
                _("create the folder first, or choose another path for {option}").format(
                    option=option
                ),
            )
    elif stat.S_ISDIR(info.st_mode):
        raise _refused(
            given,
            option,
            _("it is a folder"),
            _("name a file inside it, e.g. {example}").format(example=given / "out"),
        )
    elif not stat.S_ISREG(info.st_mode):
        raise _refused(
            given,
            option,
            _("it is not a regular file (a device, a pipe or a socket)"),
            _("name a file on disk for {option}").format(option=option),
        )
    if archive is not None:
        _check_not_archive(given, real, info, archive, option)
    if info is not None and is_archive_file(real):
        raise _refused(
            given, option, _("it is a creditfile archive, which an output never replaces")
        )
    if info is not None and not replace:
        raise _refused(
            given,
            option,
            _("the file exists already"),
            _("add --force to replace it, or choose another file for {option}").format(
                option=option
            ),
        )
    return Output(given, real, option)


def _refused(given: Path, option: str, why: str, remedy: str = "") -> OutputError:
    remedy = remedy or _("choose another file for {option}").format(option=option)
    return OutputError(given, _("not written: {why}; {remedy}").format(why=why, remedy=remedy))


def _check_not_archive(
    given: Path, real: Path, info: os.stat_result | None, archive: Path, option: str
) -> None:
    named = Path(archive).expanduser().absolute()
    resolved = Path(os.path.realpath(named))
    kept = {**archive_files(named), **archive_files(resolved)}
    for path, what in kept.items():
        try:
            other: os.stat_result | None = path.stat()
        except OSError:
            other = None
        same_file = (
            info is not None
            and other is not None
            and (info.st_dev, info.st_ino) == (other.st_dev, other.st_ino)
        )
        if same_file or real == Path(os.path.realpath(path)):
            how = "" if given.absolute() == path else _(", reached through a link or another name")
            raise _refused(
                given,
                option,
                _("it is {what} ({path}{how})").format(what=_(what), path=path, how=how),
            )
    if is_archive_sidecar(resolved, real) or is_archive_sidecar(named, real):
        raise _refused(
            given,
            option,
            _("the name is one the store keeps for files beside the archive {archive}").format(
                archive=resolved
            ),
            _("choose another name for {option}").format(option=option),
        )


def write_output(
    target: str | Path,
    write: Callable[[Path], object],
    *,
    archive: Path | None,
    private: bool,
    option: str = "--out",
) -> Output:
    """Check ``target`` and write it whole through ``write``, or not at all.

    Args:
        target: The path the user gave.
        write: Writes the content to the path it is given (a fresh, empty temporary file
            beside the target, already created with the right permissions).
        archive: The archive the command works on (see ``check_output``).
        private: The content can hold personal data (customer names, contacts, exports):
            the file is made readable by its owner only (0600), even if it existed.
        option: The option that named the path, for messages.

    Returns:
        The target written.

    Raises:
        OutputError: the target was refused, or the write failed (disk full, no
            permission…); the old file, if any, is unchanged and no temporary file is left.
    """
    out = check_output(target, archive=archive, option=option)
    with _temporary(out, private) as temp:
        write(temp)
        _sync(temp)
        os.replace(temp, out.real)
    _sync_folder(out.real.parent)
    return out


def write_text_output(
    target: str | Path,
    write: Callable[[IO[str]], object],
    *,
    archive: Path | None,
    private: bool,
    encoding: str = "utf-8",
    option: str = "--out",
) -> Output:
    """``write_output`` for content written to a text stream (CSV, JSON, HTML).

    Args:
        write: Writes the content to the open stream (``newline=""``: the writer chooses its
            line ends, as the csv module needs).
        encoding: The file's encoding (``utf-8-sig`` for CSV that Excel opens correctly).
        target: As for ``write_output``; so are ``archive``, ``private`` and ``option``.

    Raises:
        OutputError: as for ``write_output``.
    """

    def to_file(path: Path) -> None:
        with path.open("w", encoding=encoding, newline="") as stream:
            write(stream)

    return write_output(target, to_file, archive=archive, private=private, option=option)


@contextlib.contextmanager
def _temporary(out: Output, private: bool) -> Iterator[Path]:
    """A new empty file beside the target, removed unless it was renamed into place.

    Raises:
        OutputError: anything done with it failed (the body's writing included).
    """
    real = out.real
    temp = real.with_name(f".{real.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        # New files: the umask decides, as for any file a program creates; a replaced file
        # keeps its permissions; private content is the owner's alone, whatever was there.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        os.close(os.open(temp, flags, PRIVATE_MODE if private else 0o666))
        mode = PRIVATE_MODE if private else _existing_mode(real)
        if mode is not None:
            os.chmod(temp, mode)  # also when a umask would have allowed more
        yield temp
    except OSError as exc:
        raise OutputError(out.given, _write_failure(out, exc)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _existing_mode(real: Path) -> int | None:
    try:
        return stat.S_IMODE(real.stat().st_mode)
    except OSError:
        return None


def _write_failure(out: Output, exc: OSError) -> str:
    reason = os_said(exc).text(_)
    kept = _(", {path} is unchanged").format(path=out.given) if out.real.exists() else ""
    return _(
        "could not write it ({reason}); nothing was written{kept} — free some disk space, "
        "or choose a folder you can write to for {option}"
    ).format(reason=reason, kept=kept, option=out.option)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot sync a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
