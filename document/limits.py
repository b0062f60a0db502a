"""What one file of customers may hold: the limits every reader (JSON, JSON Lines, CSV, XLSX)
enforces before it reads further, so that no file can keep an import busy or fill the memory.

SECURITY.md lists them for the people who prepare files; the shipped demo and benchmark files
(100,000 customers) are far inside every one.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from creditfile.policy.errors import Phrase, os_said, phrase

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_RECORDS",
    "MAX_SHEET_ROWS",
    "MAX_TEXT_CHARS",
    "MAX_UNPACKED_BYTES",
    "MAX_XLSX_BYTES",
    "NO_SUCH_FILE",
    "file_said",
]

MAX_FILE_BYTES = 512 * 1024 * 1024
"""A JSON, JSON Lines or CSV file: 512 MiB (100,000 customers exported are about 150 MiB)."""
MAX_XLSX_BYTES = 128 * 1024 * 1024
"""A workbook as stored (compressed): 128 MiB."""
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
"""A workbook unpacked (its sheets' XML together): 1 GiB; a zip bomb is refused unopened."""
MAX_RECORDS = 500_000
"""Customers in one file (records of a JSON array or JSON Lines, rows of a CSV file or sheet)."""
MAX_SHEET_ROWS = MAX_RECORDS + 1
"""Rows of one sheet or CSV file, the header included."""
MAX_COLUMNS = 1_000
"""Columns of a CSV file or a sheet (an export has about 60)."""
MAX_CELL_CHARS = 10_000_000
"""Characters in one CSV cell (a customer's leases are one cell of JSON text)."""
MAX_TEXT_CHARS = 1_000_000
"""Characters in one text field of a customer (a note), however it arrives."""


NO_SUCH_FILE = phrase("no such file; check the path")


def file_said(path: str | Path, limit: int) -> Phrase | None:
    """What keeps ``path`` from being read at all: not a regular file, or over ``limit`` bytes.

    A device or a pipe (``/dev/zero``) is refused, since reading it might never end. The
    answer is a phrase, for the front end to word in the language in force.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return NO_SUCH_FILE
    except OSError as exc:
        return phrase("cannot read: {error}", error=os_said(exc))
    if stat.S_ISDIR(info.st_mode):
        return phrase("is a folder; name a file")
    if not stat.S_ISREG(info.st_mode):
        return phrase("not a regular file (a device or a pipe); save the data to a file first")
    if info.st_size > limit:
        return phrase(
            "{size} bytes is over the limit of {limit} bytes for one file; split it into "
            "several files and import them together",
            size=format(info.st_size, ","),
            limit=format(limit, ","),
        )
    return None
