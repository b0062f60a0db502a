"""Rows kept in a temporary file rather than in memory: a policy preview's hundreds of
thousands of changed customers (each with its reasons, a few kilobytes) are written as they are
made and read back as often as they are listed, never held at once."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection, Iterable, Iterator
from typing import Any, Generic, TypeVar

import orjson

from creditfile.policy import CreditfileError
from creditfile.policy.errors import os_said, phrase

Row = TypeVar("Row")


class SpoolError(CreditfileError):
    """The temporary folder could not take the rows (full, or not writable)."""


class SpooledRows(Collection[Row], Generic[Row]):
    """Rows of plain JSON data (dicts, lists, strings, numbers, None), one line of JSON each
    in a temporary file (deleted when the rows are): appended in order, iterated in that order
    as many times as asked, each time read from the file a megabyte at a time. A row read
    back equals the row appended (a tuple comes back as a list).

    Raises:
        TypeError: (``append``) a row holds something JSON does not (a ``Decimal``, a date).
        SpoolError: the temporary folder could not be written (full, or not writable).
    """

    _CHUNK = 1 << 20

    def __init__(self, rows: Iterable[Row] = ()) -> None:
        """Keep ``rows`` (none by default)."""
        try:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the rows
        except OSError as exc:
            raise _refused(exc) from exc
        self._count = 0
        self.extend(rows)

    def append(self, row: Row, /) -> None:
        """Keep ``row`` after those kept."""
        line = orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)
        try:
            self._file.write(line)
        except OSError as exc:
            raise _refused(exc) from exc
        self._count += 1

    def extend(self, rows: Iterable[Row], /) -> None:
        """Keep each of ``rows`` after those kept."""
        for row in rows:
            self.append(row)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Row]:
        try:
            self._file.flush()
        except OSError as exc:
            raise _refused(exc) from exc
        # Read at an offset of its own: two iterations at once do not disturb each other,
        # nor rows appended meanwhile (they come after).
        offset, rest, left = 0, b"", self._count
        while left and (chunk := os.pread(self._file.fileno(), self._CHUNK, offset)):
            offset += len(chunk)
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines[:left]:
                row: Row = orjson.loads(line)
                yield row
            left -= min(left, len(lines))

    def __contains__(self, item: object) -> bool:
        return any(row == item for row in self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Collection) and not isinstance(other, str | bytes):
            return len(other) == self._count and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{self._count:,} rows in a temporary file>"

    def close(self) -> None:
        """Delete the file now (the rows are gone)."""
        self._file.close()
        self._count = 0


def _refused(error: OSError) -> SpoolError:
    return SpoolError(
        phrase(
            "{folder}: could not keep rows in a temporary file there ({reason}); make room in "
            "it, or set TMPDIR to a folder with room (a policy preview keeps about 3 KB per "
            "customer whose grade changes)",
            folder=tempfile.gettempdir(),
            reason=os_said(error),
        )
    )


def spooled_rows() -> SpooledRows[Any]:
    """An empty ``SpooledRows`` (for ``engine.policy_diff.WhatIfSums(rows=…)``)."""
    return SpooledRows()
