"""Reading customers from XLSX workbooks and CSV files with Chinese or English column headers.

A workbook holds a customer sheet (客户), and optionally a lease sheet (租赁) and a source sheet
(来源) keyed by the customer id. Every value keeps the cell it came from, so a validation problem
can name ``file.xlsx:客户!B7``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from creditfile.document import field_catalogue
from creditfile.document.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_SHEET_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_XLSX_BYTES,
    file_said,
)
from creditfile.document.merging import REVISION_HEADERS, REVISION_KEY, is_clear_marker
from creditfile.policy import CreditfileError, Policy
from creditfile.policy.errors import Phrase, joined, os_said, phrase
from creditfile.presentation.inert import uncell_text
from creditfile.spreadsheets.cells import CellReader, clean
from creditfile.spreadsheets.columns import (
    CUSTOMER_SHEETS,
    GRADING_HEADERS,
    IGNORED_SHEETS,
    LEASE_FIELDS,
    LEASE_SHEETS,
    RELATED_FIELDS,
    RELATED_SHEETS,
    SOURCE_FIELDS,
    SOURCE_SHEETS,
    Field,
    customer_fields,
    header_index,
    normalise_header,
)
from creditfile.spreadsheets.customer_form import is_form_book
from creditfile.spreadsheets.writing import (
    write_customers_xlsx,
    write_table_csv,
    write_tables_xlsx,
    write_template_xlsx,
)

__all__ = [
    "SheetProblem",
    "SheetRecord",
    "SpreadsheetError",
    "is_sheet_csv",
    "read_csv_tables",
    "read_xlsx",
    "write_customers_xlsx",
    "write_table_csv",
    "write_tables_xlsx",
    "write_template_xlsx",
]


@dataclass(frozen=True)
class SheetProblem:
    """Something wrong with the layout of a sheet (not with a customer's data).

    ``said`` is the message as a ``Phrase``, for a front end to word in the language in force
    (``text``) after the place (``file:sheet!B7``) as it is; ``message`` and ``str()`` are
    the English.
    """

    file: str
    sheet: str
    cell: str
    said: Phrase

    @property
    def message(self) -> str:
        """The message in English, without its place."""
        return str(self.said)

    def as_phrase(self) -> Phrase:
        """The problem, its place first, as one phrase."""
        where = f"{self.sheet}!{self.cell}" if self.sheet else self.cell
        place = f"{self.file}:{where}" if where else self.file
        return Phrase("{place}: {message}", {"place": place, "message": self.said})

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The problem in the language of ``translate`` (English without it)."""
        return self.as_phrase().text(translate)

    def __str__(self) -> str:
        return self.text()


class SpreadsheetError(CreditfileError):
    """A workbook or CSV file that cannot be read as customers; ``problems`` lists them all."""

    def __init__(self, problems: Sequence[SheetProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(joined([p.as_phrase() for p in self.problems], "\n"))


@dataclass
class SheetRecord:
    """One customer read from a sheet, knowing the cell of every value.

    ``file``, ``index``, ``line``, ``location`` and ``doc`` match the import's source records;
    ``cells`` maps a document path (``nature``, ``leases[0].amount``) to ``file:sheet!B7``.
    """

    file: str
    index: int
    doc: dict[str, Any]
    sheet: str
    row: int
    cells: dict[str, str] = field(default_factory=dict)
    line: int | None = None

    @property
    def location(self) -> str:
        """The customer's row, e.g. ``客户!7`` (``row 7`` in a CSV file)."""
        return f"{self.sheet}!{self.row}" if self.sheet else f"row {self.row}"

    def where(self, path: str = "") -> str:
        """``file:sheet!B7`` for the cell of ``path``, else the nearest known one, else the row.

        Args:
            path: A document path as validation reports it (``leases[1].start``).
        """
        probe = path
        while probe:
            if probe in self.cells:
                return self.cells[probe]
            shorter = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", probe)
            probe = "" if shorter == probe else shorter
        return self.cells.get("id") or f"{self.file}:{self.location}"


@dataclass
class _Grid:
    """The rows of one sheet: a header row and numbered data rows."""

    file: str
    name: str
    header: list[Any]
    rows: list[tuple[int, Sequence[Any]]]


def read_xlsx(path: str | Path, policy: Policy) -> list[SheetRecord]:
    """Every customer of a workbook, with its leases and sources attached.

    Args:
        path: The ``.xlsx`` file.
        policy: Its natures, item categories and scoring items give the accepted headers and
            the Chinese labels that are read back as keys.

    Returns:
        One record per customer row, in sheet order.

    Raises:
        SpreadsheetError: the file is not a workbook, or a sheet's headers or customer ids do
            not fit (every problem at once); nothing is returned then.
    """
    from openpyxl import load_workbook

    file = str(path)
    problem = file_said(file, MAX_XLSX_BYTES) or unpacked_said(file)
    if problem:
        raise SpreadsheetError([SheetProblem(file, "", "", problem)])
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        message = phrase(
            "not a readable .xlsx workbook ({error}); save it as .xlsx", error=type(exc).__name__
        )
        raise SpreadsheetError([SheetProblem(file, "", "", message)]) from None
    try:
        if is_form_book(book):
            message = phrase(
                "this is a customer form (made by `creditfile form`), not a sheet of customers; "
                "record a returned form with `creditfile form import {file}`",
                file=file,
            )
            raise SpreadsheetError([SheetProblem(file, "", "", message)])
        grids = [_grid(file, ws.title, _sheet_rows(ws)) for ws in book.worksheets]
    finally:
        book.close()
    return _records(file, _sheet_roles(grids), policy)


def unpacked_said(file: str) -> Phrase | None:
    """A workbook whose parts would unpack to more than the limit (a zip bomb), unopened."""
    import zipfile

    try:
        with zipfile.ZipFile(file) as packed:
            size = sum(info.file_size for info in packed.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # openpyxl says what is wrong with it
    if size > MAX_UNPACKED_BYTES:
        return phrase(
            "unpacks to {size} bytes, over the limit of {limit}; split the workbook",
            size=format(size, ","),
            limit=format(MAX_UNPACKED_BYTES, ","),
        )
    return None


def _sheet_rows(sheet: Any) -> Iterator[Sequence[Any]]:
    """The rows a sheet really holds, whatever size its header claims.

    A sheet's stored dimension (``A1:XFD1048576``) is a claim: trusting it makes every row
    16,384 cells wide and every missing row one more to walk. Without it only the cells that
    exist are read.
    """
    sheet.reset_dimensions()
    return iter(sheet.iter_rows(values_only=True))


def read_csv_tables(paths: Sequence[str | Path], policy: Policy) -> list[SheetRecord]:
    """Customers from CSV files with Chinese or English headers; lease and source files join them.

    A file whose headers include 合同编号/租赁物/金额 but no 客户名称 is a lease file, one with
    来源类型 a source file; the rest are customer files. UTF-8 with or without BOM, or GB18030.

    Raises:
        SpreadsheetError: as ``read_xlsx``.
    """
    roles: dict[str, list[_Grid]] = {"customers": [], "leases": [], "sources": [], "related": []}
    csv.field_size_limit(MAX_CELL_CHARS)
    for path in paths:
        # A cell our CSV writers neutralised (the leading apostrophe) reads back as written.
        rows = ([uncell_text(c) for c in row] for row in csv.reader(_csv_lines(Path(path))))
        grid = _grid(str(path), "", rows, beyond_header=False)
        roles[_csv_role(grid)].append(grid)
    return _records(", ".join(map(str, paths)), roles, policy)


def is_sheet_csv(path: str | Path) -> bool:
    """Whether a CSV file has Chinese headers (read it with ``read_csv_tables``, not as
    dotted-path interchange CSV), judged by its header row."""
    try:
        with Path(path).open("rb") as stream:
            first = stream.readline(65536)
    except OSError:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            header = first.decode(encoding)
        except UnicodeDecodeError:
            continue
        return any(ord(ch) > 0x2E80 for ch in header)
    return False


def _csv_lines(path: Path) -> list[str]:
    problem = file_said(path, MAX_FILE_BYTES)
    if problem:
        raise SpreadsheetError([SheetProblem(str(path), "", "", problem)])
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = phrase("cannot read: {error}", error=os_said(exc))
        raise SpreadsheetError([SheetProblem(str(path), "", "", message)]) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).splitlines()
        except UnicodeDecodeError:
            continue
    message = phrase("not UTF-8 or GB18030 text; save it as CSV UTF-8")
    raise SpreadsheetError([SheetProblem(str(path), "", "", message)])


@cache
def _role_headers() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """Headers that mark a source file, a lease file, and a customer file, as people write them."""
    catalogue = field_catalogue()

    def names(*keys: str) -> frozenset[str]:
        return frozenset(normalise_header(n) for key in keys for n in catalogue[key].column_names())

    return (
        names("sources[].kind"),
        names("leases[].contract", "leases[].item", "leases[].amount"),
        names("name"),
        names("related[].relation"),
    )


def _csv_role(grid: _Grid) -> str:
    headers = {normalise_header(str(h)) for h in grid.header if h is not None}
    sources, leases, customers, related = _role_headers()
    if headers & related:
        return "related"
    if headers & sources:
        return "sources"
    if headers & leases and not headers & customers:
        return "leases"
    return "customers"


def _sheet_roles(grids: Sequence[_Grid]) -> dict[str, list[_Grid]]:
    roles: dict[str, list[_Grid]] = {"customers": [], "leases": [], "sources": [], "related": []}
    others = []
    for grid in grids:
        name = grid.name.strip().lower()
        if name in LEASE_SHEETS:
            roles["leases"].append(grid)
        elif name in SOURCE_SHEETS:
            roles["sources"].append(grid)
        elif name in RELATED_SHEETS:
            roles["related"].append(grid)
        elif name in CUSTOMER_SHEETS:
            roles["customers"].append(grid)
        elif name not in IGNORED_SHEETS and grid.header:
            others.append(grid)
    if not roles["customers"] and others:
        roles["customers"].append(others[0])  # people rename sheets freely: take the first
    return roles


def _grid(
    file: str, name: str, rows: Iterable[Sequence[Any]], *, beyond_header: bool = True
) -> _Grid:
    """The header and the data rows of one sheet.

    ``beyond_header=False`` refuses a value in a column without a header: in a CSV file that is
    a comma inside an unquoted cell (``5,000万`` typed without quotes), and reading the cells
    as they fall would import ``5`` in place of fifty million.
    """
    iterator: Iterator[Sequence[Any]] = iter(rows)
    try:
        header = list(next(iterator, ()))
        _check_width(file, name, 1, header)
        body: list[tuple[int, Sequence[Any]]] = []
        for number, row in enumerate(iterator, start=2):
            # Missing rows come as empty ones: past Excel's last row nothing real is left.
            if number > EXCEL_ROWS:
                last = phrase("a row after Excel's last ({rows})", rows=format(EXCEL_ROWS, ","))
                raise _limit(file, name, f"A{number}", last)
            if row and any(clean(v) is not None for v in row):
                _check_width(file, name, number, row)
                if not beyond_header:
                    _check_headed(file, name, number, header, row)
                if len(body) >= MAX_SHEET_ROWS - 1:
                    message = phrase(
                        "more than {limit} customer rows; split the file and import the parts "
                        "together",
                        limit=format(MAX_SHEET_ROWS - 1, ","),
                    )
                    raise _limit(file, name, f"A{number}", message)
                body.append((number, row))
    except csv.Error as exc:
        message = phrase("not readable as CSV: {error}", error=str(exc))
        if "field limit" in str(exc):
            message = phrase(
                "a cell longer than {limit} characters, the limit for one cell",
                limit=format(MAX_CELL_CHARS, ","),
            )
        raise SpreadsheetError([SheetProblem(file, name, "", message)]) from None
    return _Grid(file, name, header, body)


EXCEL_ROWS = 1_048_576


def _check_width(file: str, name: str, number: int, row: Sequence[Any]) -> None:
    if len(row) > MAX_COLUMNS:
        # The last cell is the one that makes the row too wide.
        where = f"{_letter(len(row) - 1)}{number}"
        message = phrase(
            "a cell in column {column}; a sheet may use at most {limit} columns (up to {last})",
            column=format(len(row), ","),
            limit=format(MAX_COLUMNS, ","),
            last=_letter(MAX_COLUMNS - 1),
        )
        raise _limit(file, name, where, message)


def _check_headed(
    file: str, name: str, number: int, header: Sequence[Any], row: Sequence[Any]
) -> None:
    extra = [i for i in range(len(header), len(row)) if clean(row[i]) is not None]
    if extra:
        where = f"{_letter(extra[0])}{number}"
        message = phrase(
            "row {row} has {cells} cells but the header names {columns} columns; a comma "
            'inside a value splits it (5,000万): put that value in double quotes ("5,000万"), '
            "or save the sheet as CSV from Excel",
            row=number,
            cells=len(row),
            columns=len(header),
        )
        raise _limit(file, name, where, message)


def _limit(file: str, sheet: str, cell: str, message: Phrase) -> SpreadsheetError:
    return SpreadsheetError([SheetProblem(file, sheet, cell, message)])


def _records(where: str, roles: Mapping[str, list[_Grid]], policy: Policy) -> list[SheetRecord]:
    if not roles["customers"]:
        message = phrase(
            "no customer sheet: name it 客户 (or customers); "
            "`creditfile template --format xlsx --out FILE` writes one"
        )
        raise SpreadsheetError([SheetProblem(where, "", "", message)])
    problems: list[SheetProblem] = []
    reader = _Reader(policy)
    records: list[SheetRecord] = []
    for grid in roles["customers"]:
        records.extend(reader.customers(grid, len(records), problems))
    by_id = {str(r.doc.get("id")): r for r in records if r.doc.get("id") is not None}
    for grid in roles["leases"]:
        reader.attach(grid, LEASE_FIELDS, "leases", by_id, problems)
    for grid in roles["sources"]:
        reader.attach(grid, SOURCE_FIELDS, "sources", by_id, problems)
    for grid in roles["related"]:
        reader.attach(grid, RELATED_FIELDS, "related", by_id, problems)
    if problems:
        raise SpreadsheetError(problems)
    return records


def _cell(grid: _Grid, col: int, row: int) -> str:
    # The file is part of a cell's place: a CSV record's leases come from another file.
    sheet = f"{grid.name}!" if grid.name else ""
    return f"{grid.file}:{sheet}{_letter(col)}{row}"


class _Reader:
    """Reads rows into documents under one policy's headers and labels."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.customer_index = header_index(customer_fields(policy, personal=True))
        self.cells = CellReader(policy)
        self.skipped = {normalise_header(h) for _, h in GRADING_HEADERS}
        self.skipped |= {normalise_header(k) for k, _ in GRADING_HEADERS} | {"grading"}
        self.revision = {normalise_header(h) for h in REVISION_HEADERS}

    def customers(self, grid: _Grid, start: int, problems: list[SheetProblem]) -> list[SheetRecord]:
        skip = self.skipped | self.revision
        columns = self._columns(grid, self.customer_index, problems, skip=skip)
        if "id" not in {f.path for f in columns.values()}:
            missing = phrase("no 客户编号 (id) column")
            problems.append(SheetProblem(grid.file, grid.name, "A1", missing))
        revision = next(
            (c for c, h in enumerate(grid.header) if normalise_header(str(h)) in self.revision),
            None,
        )
        records: list[SheetRecord] = []
        for number, row in grid.rows:
            record = SheetRecord(grid.file, start + len(records), {}, grid.name, number)
            for col, fld in columns.items():
                raw = row[col] if col < len(row) else None
                # A clear marker clears the stored value; an empty cell leaves it as it is.
                value = None if is_clear_marker(raw) else self._value(fld, raw)
                # Empty cells are located too: "assessment.payment is missing" names its cell.
                record.cells[fld.path] = _cell(grid, col, number)
                if value is not None or is_clear_marker(raw):
                    _put(record.doc, fld.path, value)
            if revision is not None and revision < len(row) and clean(row[revision]) is not None:
                record.doc[REVISION_KEY] = _revision(row[revision])
                record.cells[REVISION_KEY] = _cell(grid, revision, number)
            records.append(record)
        return records

    def attach(
        self,
        grid: _Grid,
        fields: Sequence[Field],
        section: str,
        by_id: Mapping[str, SheetRecord],
        problems: list[SheetProblem],
    ) -> None:
        columns = self._columns(grid, header_index(fields), problems)
        key_col = next((c for c, f in columns.items() if f.path == "customer"), None)
        if key_col is None:
            problems.append(
                SheetProblem(
                    grid.file,
                    grid.name,
                    "A1",
                    phrase("no 客户编号 column: each row must name its customer"),
                )
            )
            return
        for number, row in grid.rows:
            cid = self._value(columns[key_col], row[key_col] if key_col < len(row) else None)
            record = by_id.get(str(cid)) if cid is not None else None
            if record is None:
                problems.append(
                    SheetProblem(
                        grid.file,
                        grid.name,
                        f"{_letter(key_col)}{number}",
                        phrase(
                            "客户编号 {id} is not on the customer sheet; add the customer or "
                            "correct the id",
                            id=repr(cid),
                        ),
                    )
                )
                continue
            entries = record.doc.setdefault(section, [])
            prefix = f"{section}[{len(entries)}]"
            entry: dict[str, Any] = {}
            for col, fld in columns.items():
                raw = row[col] if col < len(row) else None
                value = None if is_clear_marker(raw) else self._value(fld, raw)
                record.cells[f"{prefix}.{fld.path}"] = _cell(grid, col, number)
                if fld.path != "customer" and (value is not None or is_clear_marker(raw)):
                    entry[fld.path] = value
            record.cells[prefix] = _cell(grid, key_col, number)
            entries.append(entry)

    def _columns(
        self,
        grid: _Grid,
        index: Mapping[str, Field],
        problems: list[SheetProblem],
        skip: frozenset[str] | set[str] = frozenset(),
    ) -> dict[int, Field]:
        columns: dict[int, Field] = {}
        seen: dict[str, int] = {}
        for col, raw in enumerate(grid.header):
            text = clean(raw)
            if text is None or normalise_header(str(text)) in skip:
                continue
            fld = index.get(normalise_header(str(text)))
            cell = f"{_letter(col)}1"
            if fld is None:
                problems.append(
                    SheetProblem(
                        grid.file,
                        grid.name,
                        cell,
                        _unknown(str(text), index),
                    )
                )
            elif fld.path in seen:
                problems.append(
                    SheetProblem(
                        grid.file,
                        grid.name,
                        cell,
                        phrase(
                            "column {column} repeats column {other}; keep one",
                            column=repr(text),
                            other=_letter(seen[fld.path]),
                        ),
                    )
                )
            else:
                seen[fld.path] = col
                columns[col] = fld
        return columns

    def _value(self, fld: Field, raw: Any) -> Any:
        return self.cells.value(fld, raw)


def _unknown(text: str, index: Mapping[str, Field]) -> Phrase:
    import difflib

    headers = sorted({f.header for f in index.values()})
    close = difflib.get_close_matches(text, headers, n=2, cutoff=0.5)
    if close:
        return phrase(
            "unknown column {column}; did you mean {suggestion}? use the headers of "
            "`creditfile template --format xlsx`",
            column=repr(text),
            suggestion=close[0]
            if len(close) == 1
            else phrase("{first} or {second}", first=close[0], second=close[1]),
        )
    return phrase(
        "unknown column {column}; use the headers of `creditfile template --format xlsx`",
        column=repr(text),
    )


@cache
def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col + 1))


def _revision(raw: Any) -> Any:
    """An exported revision cell as a whole number; anything else as written (refused)."""
    value = clean(raw)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _put(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = doc
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
