"""A regrade done line by line in worker processes: the file is never parsed whole in one place.

An archive laid out by ``store.framing`` holds one customer per line. ``Archive.regrade_lines``
reads the file under the lock and hands its customer lines (``CustomerLines``) to a grading
function, which splits them among workers; each worker parses its share, grades it, and
re-encodes its lines with the new gradings. The store then writes those bytes as they are, with
the history, as one transaction. Parsing, grading and encoding all run on every core; the
process that holds the lock only reads and writes bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import orjson

from creditfile.store import framing
from creditfile.store.bookkeeping import customer_document

BATCH_LINES = 2000  # lines parsed per ``orjson.loads``: large enough to be fast, small in memory


class LinesUnreadable(Exception):
    """A share of the lines is not what ``store.framing`` writes (the file was edited or is
    damaged): ``Archive.regrade_lines`` answers None and the caller regrades the whole file,
    whose reading says exactly what is wrong."""


@dataclass(frozen=True)
class CustomerLines:
    """The customer lines of one archive file, as read under the lock.

    Attributes:
        raw: The whole file.
        start: Offset of the first customer line.
        end: Offset just past the last one (its newline excluded).
        count: How many customer lines there are.
    """

    raw: bytes
    start: int
    end: int
    count: int

    @classmethod
    def of(cls, raw: bytes) -> CustomerLines | None:
        """The customer lines of ``raw``, or None when it is not laid out by ``store.framing``."""
        found = framing.customer_lines(raw)
        if found is None:
            return None
        start, end = found
        count = raw.count(b"\n", start, end) + (end > start)
        return cls(raw, start, end, count)

    def split(self, parts: int) -> list[tuple[int, int]]:
        """``parts`` runs of whole lines, of about equal size, in file order (some may be
        empty when there are fewer lines than parts)."""
        bounds = [self.start]
        for i in range(1, parts):
            target = max(self.start + (self.end - self.start) * i // parts, bounds[-1])
            newline = self.raw.find(b"\n", target, self.end)
            bounds.append(self.end if newline < 0 else newline + 1)
        bounds.append(self.end)
        return list(pairwise(bounds))

    def share(self, span: tuple[int, int]) -> LineShare:
        """The customers of the lines of ``span``, parsed, to grade and re-encode.

        Raises:
            LinesUnreadable: a line is not a customer record as ``store.framing`` writes it.
        """
        return LineShare(list(self.entries(span)))

    def entries(self, span: tuple[int, int]) -> Iterator[tuple[str, dict[str, Any]]]:
        """The ``(TinyDB key, record)`` of every line of ``span``, in file order.

        Raises:
            LinesUnreadable: a line is not a customer record as ``store.framing`` writes it.
        """
        try:
            for batch, _ in framing.entry_batches(self.raw, span[0], span[1], BATCH_LINES):
                for key, record in batch.items():
                    if not (key.isdigit() and isinstance(record, dict) and "id" in record):
                        raise LinesUnreadable(f"entry {key!r} is not a customer record")
                    yield key, record
        except orjson.JSONDecodeError as exc:
            raise LinesUnreadable(str(exc)) from None


class LineShare:
    """One worker's share of the customer lines: its documents, their stored grades, and the
    lines re-encoded with new gradings. Only the store knows how a line is encoded.

    Memory is what bounds a large regrade (a worker holds its whole share parsed), so a share
    keeps only the grade of each stored grading, not the grading itself, and ``encode`` lets
    each record go once its line is written.

    Attributes:
        documents: The customer documents, in file order (without the store's fields).
    """

    def __init__(self, entries: list[tuple[str, dict[str, Any]]]) -> None:
        """Prefer ``CustomerLines.share``."""
        self._entries = entries
        self.documents = [customer_document(record) for _, record in entries]
        self._previous = []
        for _, record in entries:
            old = record.get("_grading")
            self._previous.append(old.get("grade") if isinstance(old, dict) else None)
            if "_grading" in record:
                record["_grading"] = None  # replaced in ``encode``, in its place in the line

    def previous_grades(self) -> list[Any]:
        """The grade stored on each customer before (None: ungraded or never graded)."""
        return list(self._previous)

    def encode(self, gradings: Iterable[dict[str, Any]]) -> bytes:
        """The share's lines again, each record with its new grading (one per document, in
        order), as one run for ``LinesRegrade.parts``.

        The share is used up: each record and its document are let go as soon as their line
        is encoded, so the encoded lines take the place of the parsed ones.
        """
        encoded = []
        entries, documents = self._entries, self.documents
        for index, grading in zip(range(len(entries)), gradings, strict=True):
            key, record = entries[index]
            record["_grading"] = grading
            encoded.append(framing.encode_entry(key, record))
            entries[index] = _USED
            documents[index] = _USED[1]
        return framing.SEPARATOR.join(encoded)


_USED: tuple[str, dict[str, Any]] = ("", {})
"""Stands in a used-up share for a record whose line was encoded."""


@dataclass
class LinesRegrade:
    """What a grading function returns to ``Archive.regrade_lines``.

    Attributes:
        parts: The customer lines re-encoded with their new gradings, one run per share, in
            file order (``LineShare.encode``).
        gradings: Per customer id, the new grading's ``status``, ``grade`` and ``total`` (what
            the store records of a run and its changes).
        previous: Per customer id, the grade stored before (None: ungraded).
    """

    parts: list[bytes] = field(default_factory=list)
    gradings: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous: dict[str, Any] = field(default_factory=dict)
