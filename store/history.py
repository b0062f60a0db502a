"""The append-only history beside an archive: ``<archive>.history.jsonl``.

Saves rewrite the archive file, so history lives outside it and costs nothing per save. Each
write of the archive is a transaction: its history lines carry the transaction number and are
appended (and fsynced) *before* the archive file is replaced; the archive records the number of
the last committed transaction. Lines of a transaction that never committed (the writer died
between the two steps) are listed as aborted by the next writer and never shown. Audit events
that change nothing in the archive (a reveal of personal data) carry no transaction and are
always shown.
"""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from creditfile.policy.errors import os_said, phrase
from creditfile.store.audit import clean_actor, os_identity
from creditfile.store.errors import ArchiveWriteError


def history_path(archive: Path) -> Path:
    """The history file of ``archive``."""
    return archive.with_name(archive.name + ".history.jsonl")


def append_events(archive: Path, events: Iterable[Mapping[str, Any]]) -> int:
    """Append ``events`` as JSON lines, fsynced.

    Every event is stamped with the OS user and host (see ``store.audit``), beside its
    declared ``actor``, which is cleaned of control and invisible characters.

    Returns:
        The history file's new size.

    Raises:
        ArchiveWriteError: the history could not be written to.
    """
    payload = b"".join(_line(event) for event in events)
    path = history_path(archive)
    fd = _open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            # A line cut short by a crash or a full disk: end it, or the next event
            # would be glued to it and lost with it.
            payload = b"\n" + payload
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        return os.fstat(fd).st_size
    except OSError as exc:
        raise ArchiveWriteError(
            path,
            phrase(
                "could not append to the history ({error}); "
                "nothing was changed — free some disk space and try again",
                error=os_said(exc),
            ),
        ) from None
    finally:
        os.close(fd)


def append_verbatim(archive: Path, events: Iterable[Mapping[str, Any]]) -> int:
    """Append ``events`` exactly as given (each already stamped by the archive it was copied
    from), fsynced; the history file's new size.

    Raises:
        ArchiveWriteError: the history could not be written to.
    """
    payload = b"".join(orjson.dumps(event) + b"\n" for event in events)
    path = history_path(archive)
    fd = _open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        return os.fstat(fd).st_size
    except OSError as exc:
        raise ArchiveWriteError(
            path,
            phrase(
                "could not write the history ({error}); free some disk space", error=os_said(exc)
            ),
        ) from None
    finally:
        os.close(fd)


def history_size(archive: Path) -> int:
    """The history file's size now (0 when there is none yet)."""
    try:
        return history_path(archive).lstat().st_size
    except FileNotFoundError:
        return 0


def drop_after(archive: Path, size: int) -> None:
    """Cut the history back to ``size`` bytes: the events of a write that was refused.

    Only called under the archive's lock, right after the append it undoes. A failure here is
    harmless: the lines stay as an aborted transaction, never shown.
    """
    try:
        fd = _open(history_path(archive), os.O_WRONLY)
    except (OSError, ArchiveWriteError):
        return
    try:
        if os.fstat(fd).st_size > size:
            os.ftruncate(fd, size)
            os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _open(path: Path, flags: int) -> int:
    """Open the history without following a symbolic link (one planted in a shared folder
    would make us append to, or read, any file it points at).

    Raises:
        FileNotFoundError: there is no history yet (only without ``O_CREAT``).
        ArchiveWriteError: the history is a link, or cannot be opened.
    """
    try:
        return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            reason = phrase(
                "the history file is a symbolic link; creditfile does not follow links there "
                "— put the real file in its place (`mv`) or remove the link, then try again"
            )
        else:
            reason = phrase(
                "cannot open the history ({error}); check its permissions", error=os_said(exc)
            )
        raise ArchiveWriteError(path, reason) from None


def _read(path: Path, start: int = 0) -> bytes:
    fd = _open(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as stream:
        stream.seek(start)
        return stream.read()


def _line(event: Mapping[str, Any]) -> bytes:
    """One history line: ``event`` with its actor cleaned and the OS user and host added."""
    try:
        return _encoded_line(event)
    except orjson.JSONEncodeError:
        # A lone surrogate (a file name that is not UTF-8, given on the command line) cannot
        # be UTF-8: it is kept as its visible escape (``\udcff``), so the event is written.
        return _encoded_line(without_surrogates(event))


def without_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate in its texts (keys too) written as its escape
    (``\\udcff``)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, Mapping):
        return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_surrogates(v) for v in value]
    return value


def _encoded_line(event: Mapping[str, Any]) -> bytes:
    identity = os_identity()
    actor = event.get("actor")
    if not event or "os_user" in event or "host" in event or clean_actor(actor) != actor:
        if "actor" in event:
            return orjson.dumps({**event, **identity, "actor": clean_actor(actor)}) + b"\n"
        return orjson.dumps({**event, **identity}) + b"\n"
    # The usual case, once per grade change of a regrade: the identity's encoded members are
    # spliced in rather than the event copied (a regrade of 100,000 changes writes each line).
    return orjson.dumps(event)[:-1] + _identity_members(identity["os_user"], identity["host"])


@functools.cache
def _identity_members(user: str, host: str) -> bytes:
    return b"," + orjson.dumps({"os_user": user, "host": host})[1:] + b"\n"


def uncommitted_txns(archive: Path, committed_size: int, last_txn: int) -> set[int]:
    """Transactions written after the last commit that the archive never recorded."""
    try:
        tail = _read(history_path(archive), committed_size)
    except (OSError, ArchiveWriteError):
        return set()
    found = set()
    for line in tail.splitlines():
        txn = _txn_of(line)
        if txn is not None and txn > last_txn:
            found.add(txn)
    return found


def read_events(
    archive: Path,
    last_txn: int,
    aborted: Iterable[int],
    customer_id: str | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    """Committed events, oldest first.

    Args:
        archive: The archive file whose history to read.
        last_txn: The archive's last committed transaction: later ones never committed.
        aborted: Transactions known to have failed before their commit.
        customer_id: Only this customer's events.
        kind: Only events of this kind.

    Returns:
        The events as dicts, in the order they were written.
    """
    skipped = set(aborted)
    try:
        raw = _read(history_path(archive))
    except FileNotFoundError:
        return []
    # Cheap byte tests first: most lines of a long history are skipped without parsing.
    try:
        needles = [orjson.dumps(v) for v in (customer_id, kind) if v is not None]
    except orjson.JSONEncodeError:
        return []  # a lone surrogate (a damaged argument) is in no event: the file is UTF-8
    events = []
    for line in raw.splitlines():
        if not line or not all(needle in line for needle in needles):
            continue
        try:
            event = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # a line cut by a crash mid-append is not an event
        txn = event.get("txn")
        if txn is not None and (txn > last_txn or txn in skipped):
            continue
        if customer_id is not None and event.get("customer_id") != customer_id:
            continue
        if kind is None or event.get("kind") == kind:
            events.append(event)
    return events


def _txn_of(line: bytes) -> int | None:
    try:
        value = orjson.loads(line).get("txn")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return value if isinstance(value, int) else None
