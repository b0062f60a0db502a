"""Importing customers: read every record of every file, validate them all, then write all of
them in one transaction or none."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from creditfile.application.batch import validate_all
from creditfile.engine.validation import RecordProblem
from creditfile.policy import Policy
from creditfile.store import ArchiveStore, ImportResult

SHEET_SUFFIXES = {".xlsx", ".xlsm"}


class ReadRecord(Protocol):
    """One customer as a reader found it: its file, its place there, and the parsed value."""

    @property
    def file(self) -> str:
        """The file it came from, as given."""

    @property
    def index(self) -> int:
        """Its 0-based position among the file's records."""

    @property
    def doc(self) -> Any:
        """The parsed value (validation says what is wrong with it)."""


@dataclass(frozen=True)
class ImportCheck:
    """Every record read from the files, and every problem found in them.

    Attributes:
        records: The records, in file order.
        problems: The problems, in record order (empty: the import may be written).
    """

    records: Sequence[ReadRecord]
    problems: list[RecordProblem]

    @property
    def documents(self) -> list[dict[str, Any]]:
        """The customer documents to write (only meaningful when there are no problems)."""
        return [record.doc for record in self.records]


def read_files(paths: Sequence[str], policy: Policy) -> list[ReadRecord]:
    """Every record of every file, each knowing its file, index and line.

    Raises:
        FormatError: a JSON, JSON Lines or CSV file that cannot be read as customers at all.
        SpreadsheetError: a workbook or Chinese-headed CSV that cannot be read as customers.
    """
    from creditfile.formats import interchange as formats
    from creditfile.spreadsheets.reading import is_sheet_csv, read_csv_tables, read_xlsx

    records: list[ReadRecord] = []
    # CSV files with Chinese (spreadsheet) headers are read together: a lease or source file
    # joins the customers of another file by id.
    sheets = [p for p in paths if Path(p).suffix.lower() == ".csv" and is_sheet_csv(p)]
    for path in paths:
        if Path(path).suffix.lower() in SHEET_SUFFIXES:
            records.extend(read_xlsx(path, policy))
        elif path not in sheets:
            records.extend(formats.read_records(path))
    if sheets:
        records.extend(read_csv_tables(sheets, policy))
    return records


def check_import(
    paths: Sequence[str], policy: Policy, phase: Callable[[str], None] | None = None
) -> ImportCheck:
    """Read every file and validate every record under ``policy``; nothing is written.

    Args:
        paths: The files to import.
        policy: The policy in force (natures, assessment ranges).
        phase: Told ``reading`` and then ``validating``.

    Raises:
        FormatError, SpreadsheetError: a file cannot be read as customers (see ``read_files``).
    """
    tell = phase or (lambda _phase: None)
    tell("reading")
    records = read_files(paths, policy)
    tell("validating")
    return ImportCheck(records, validate_all([r.doc for r in records], policy))


def write_import(store: ArchiveStore, check: ImportCheck, actor: str) -> ImportResult:
    """Add or replace the checked customers in one transaction.

    Raises:
        ValueError: ``check`` found problems (nothing is written).
        StoreError: the write failed; the archive is unchanged.
    """
    if check.problems:
        raise ValueError("an import with problems is never written; show check.problems")
    return store.import_customers(check.documents, actor=actor)
