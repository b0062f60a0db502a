"""The archive file held in memory: parsed once, re-read only when it changed on disk."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from creditfile.policy.errors import phrase
from creditfile.store import framing, peek
from creditfile.store.bookkeeping import checked_archive, index_customers
from creditfile.store.errors import ArchiveNotFoundError, StoreError
from creditfile.store.framing import Fragments, fragments_of
from creditfile.store.storage import (
    gc_paused,
    parse_whole,
    read_archive,
    read_bytes,
    read_ends,
    write_json_atomic,
)

BATCH_LINES = 2000  # records per batch of a streamed read: ~40 ms of parsing each
TAIL_BYTES = 1 << 20  # the end of the file read for its meta: the active policy fits many times


@dataclass(frozen=True)
class ReadBatch:
    """Records read so far by a streamed first read (``Archive.open(on_batch=…)``).

    Attributes:
        meta: The archive's meta document (checked before any record is handed out).
        records: This batch's records, in file order: the store's own objects, read-only.
        done: Records read so far, this batch included.
        total: Records in the file (estimated from the first ones while a file laid out by
            another tool is read: see ``store.peek``).
        restart: The records handed out before were only a preview, or are read again:
            forget them; this batch starts over.
    """

    meta: Mapping[str, Any]
    records: list[dict[str, Any]]
    done: int
    total: int
    restart: bool = False


OnBatch = Callable[[ReadBatch], None]


def framed_tables(path: Path, raw: bytes, end: int) -> dict[str, Any] | None:
    """The archive with its tables but no customers yet, from the bytes after ``end`` (where
    ``store.framing`` closes the customers table); None when they are not as it writes them.

    Raises:
        ArchiveDamagedError: they are, but they are not a creditfile archive's.
    """
    try:
        tables = framing.other_tables(raw, end)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(tables, dict):
        return None
    return checked_archive(path, {"customers": {}, **tables})


class Snapshot:
    """The parsed content of one archive file and what it takes to write it back cheaply.

    The content is keyed by the file's (inode, mtime, size): ``refresh`` re-reads only when
    another process replaced the file. Besides the parsed records it keeps the encoded bytes of
    every record not changed since (``store.framing``), found in the file's bytes on the first
    write, so that reading alone costs nothing more.
    """

    def __init__(self, path: Path) -> None:
        """Nothing is read until ``refresh``."""
        self.path = path
        self.data: dict[str, Any] = {}
        self.records: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, str] = {}
        self.last_key = 0
        self.stamp: tuple[int, int, int] | None = None
        self.fragments: Fragments = {}
        self.raw: bytes | None = None
        self.raw_keys: list[str] = []
        self.changed: set[str] = set()

    @property
    def meta(self) -> dict[str, Any]:
        """The archive's meta document."""
        meta: dict[str, Any] = next(iter(self.data["meta"].values()))
        return meta

    def refresh(self, on_batch: OnBatch | None = None) -> None:
        """Re-read the file if it is not the one last read or written.

        Args:
            on_batch: Called with the records as they are parsed, batch by batch, so that a
                screen can show the first ones long before a large file is read; a file not
                laid out by ``store.framing`` is parsed whole and handed over in one batch.

        Raises:
            ArchiveNotFoundError: the file has gone.
            ArchiveDamagedError: the file is not a readable creditfile archive.
        """
        try:
            info = self.path.stat()
        except FileNotFoundError:
            raise ArchiveNotFoundError(
                self.path,
                phrase("the archive file has disappeared; restore it or choose another --db"),
            ) from None
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        if stamp == self.stamp:
            return
        self.stamp = None
        self.forget_all()
        if on_batch is None:
            data, self.raw = read_archive(self.path)
            self.data = checked_archive(self.path, data)
        else:
            self.data, self.raw = self._read_streamed(on_batch)
        with gc_paused():
            self.records, self.keys, self.last_key = index_customers(
                self.path, self.data["customers"]
            )
        self.raw_keys = list(self.data["customers"]) if self.raw is not None else []
        self.stamp = stamp

    def _read_streamed(self, on_batch: OnBatch) -> tuple[dict[str, Any], bytes | None]:
        raw = read_bytes(self.path)
        lines = framing.customer_lines(raw)
        handed: list[dict[str, Any]] = []
        if lines is not None:
            start, end = lines
            with gc_paused():
                data = framed_tables(self.path, raw, end)
                total = raw.count(b"\n", start, end) + (end > start)
                batches = framing.entry_batches(raw, start, end, BATCH_LINES)
                while data is not None:
                    try:
                        batch, done = next(batches)
                    except StopIteration:
                        return data, raw
                    except orjson.JSONDecodeError:
                        break  # not as ``encode`` wrote it: the whole parse below says why
                    data["customers"].update(batch)
                    handed += batch.values()
                    # Outside the parse's error handling: the caller's errors are its own.
                    on_batch(ReadBatch(self._meta_of(data), list(batch.values()), done, total))
        else:
            handed = self._preview(raw, on_batch)
        data = checked_archive(self.path, parse_whole(self.path, raw))
        customers = list(data["customers"].values())
        count = len(customers)
        meta = self._meta_of(data)
        if handed and customers[: len(handed)] == handed:
            on_batch(ReadBatch(meta, customers[len(handed) :], count, count))
        else:
            on_batch(ReadBatch(meta, customers, count, count, restart=bool(handed)))
        return data, raw if framing.is_framed(raw) else None

    def _preview(self, raw: bytes, on_batch: OnBatch) -> list[dict[str, Any]]:
        """Hand out the first records of a file laid out by another tool before parsing it
        whole (``store.peek``); what was handed out, if anything."""
        with gc_paused():
            first = peek.first_customers(raw, BATCH_LINES)
            if first is None:
                return []
            try:
                tables = checked_archive(self.path, {**first.tables, "customers": {}})
            except StoreError:
                return []  # the whole parse below says so
        done = len(first.records)
        total = max(done, round(done / first.share)) if first.share else done
        on_batch(ReadBatch(self._meta_of(tables), first.records, done, total))
        return first.records

    @staticmethod
    def _meta_of(data: Mapping[str, Any]) -> Mapping[str, Any]:
        meta: Mapping[str, Any] = next(iter(data["meta"].values()))
        return meta

    def peek_meta(self) -> dict[str, Any]:
        """The meta document, current with the file; when the file has not been read yet, from
        its last line alone if it is laid out by ``store.framing`` (no record is parsed).

        Raises:
            ArchiveNotFoundError, ArchiveDamagedError: as ``refresh``.
        """
        if self.stamp is None:
            head, tail = read_ends(self.path, TAIL_BYTES)
            cut = tail.rfind(b"\n}")
            if framing.is_framed(head) and cut >= 0:
                data = framed_tables(self.path, tail, cut)
                if data is not None:
                    return dict(self._meta_of(data))
        self.refresh()  # the whole read says what is wrong, if anything is
        return self.meta

    def invalidate(self) -> None:
        """Forget the content: it may hold a change that never reached the disk."""
        self.stamp = None

    def start_empty(self, meta: dict[str, Any]) -> None:
        """Become an archive with no customers (before its first write)."""
        self.data = {"customers": {}, "meta": {"1": meta}}

    def forget_all(self) -> None:
        """Drop every record's encoded bytes (all of them are about to change)."""
        self.fragments, self.raw, self.raw_keys, self.changed = {}, None, [], set()

    def forget(self, key: str) -> None:
        """Mark ``key``'s encoded bytes stale: its record changed."""
        self.fragments.pop(key, None)
        if self.raw is not None:
            self.changed.add(key)

    def put(self, cid: str, record: dict[str, Any]) -> None:
        """Store ``record`` as customer ``cid``'s, new or replacing."""
        key = self.keys.get(cid)
        if key is None:
            self.last_key += 1
            key = self.keys[cid] = str(self.last_key)
        self.data["customers"][key] = record
        self.records[cid] = record
        self.forget(key)

    def remove(self, cid: str) -> None:
        """Remove customer ``cid``'s record."""
        key = self.keys.pop(cid)
        del self.data["customers"][key]
        del self.records[cid]
        self.forget(key)

    def set_grading(self, cid: str, grading: dict[str, Any]) -> None:
        """Store customer ``cid``'s latest grading (no-op for an unknown customer)."""
        record = self.records.get(cid)
        if record is not None:
            record["_grading"] = grading
            self.forget(self.keys[cid])

    def write(self) -> None:
        """Replace the file with the content, atomically (``store.storage``).

        Raises:
            ArchiveWriteError: the write failed; the file on disk is unchanged.
        """
        if self.raw is not None:
            found = fragments_of(self.raw, self.raw_keys, self.changed)
            self.fragments, self.raw, self.raw_keys = found, None, []
        info = write_json_atomic(self.path, self.data, fragments=self.fragments)
        self.stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
